import { Global, Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { SyncController } from './sync.controller.js';
import { SyncEngine } from './sync-engine.service.js';
import { SyncRegistry } from './sync-registry.js';
import { SyncStatusService } from './sync-status.service.js';
import { SyncWorker } from './sync.worker.js';

// The engine and its registry; target modules (mailman-sync, wiki-sync) register into it.
@Global()
@Module({
  imports: [ScheduleModule.forRoot()],
  controllers: [SyncController],
  providers: [SyncRegistry, SyncEngine, SyncStatusService, SyncWorker],
  exports: [SyncRegistry, SyncEngine, SyncStatusService, SyncWorker],
})
export class SyncModule {}
