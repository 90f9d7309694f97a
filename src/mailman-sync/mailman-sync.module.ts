import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SyncRegistry } from '../sync/sync-registry.js';
import { HttpMailmanClient } from './mailman.client.js';
import { MailmanSyncTarget } from './mailman-sync.target.js';
import { MailingListsController } from './mailing-lists.controller.js';
import { MailingListsService } from './mailing-lists.service.js';

// Wiring only: the list configuration API, and the Mailman target when Mailman is configured.
@Module({
  controllers: [MailingListsController],
  providers: [MailingListsService],
  exports: [MailingListsService],
})
export class MailmanSyncModule implements OnModuleInit {
  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const mm = this.config.mailman;
    if (!mm) return;
    this.registry.register(new MailmanSyncTarget(this.orm, new HttpMailmanClient(mm), this.config, mm.cron));
  }
}
