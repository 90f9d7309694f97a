import { Module } from '@nestjs/common';
import { InventoryModule } from '../../inventory/inventory.module.js';
import { MembersModule } from '../../members/members.module.js';
import { PageContextService } from '../page-context.service.js';
import { BoardImportController } from './board-import.controller.js';
import { BoardIntakeController } from './board-intake.controller.js';
import { BoardInventoryController } from './board-inventory.controller.js';
import { BoardMembersController } from './board-members.controller.js';
import { BoardPagesController } from './board-pages.controller.js';

// The board's and helpers' pages under /board (the sync services come from the global SyncModule).
@Module({
  imports: [MembersModule, InventoryModule],
  controllers: [
    BoardPagesController,
    BoardMembersController,
    BoardIntakeController,
    BoardImportController,
    BoardInventoryController,
  ],
  providers: [PageContextService],
})
export class BoardPagesModule {}
