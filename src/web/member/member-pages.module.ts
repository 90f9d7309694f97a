import { Module } from '@nestjs/common';
import { AuthModule } from '../../auth/auth.module.js';
import { InventoryModule } from '../../inventory/inventory.module.js';
import { MailModule } from '../../mail/mail.module.js';
import { MailmanSyncModule } from '../../mailman-sync/mailman-sync.module.js';
import { MembersModule } from '../../members/members.module.js';
import { PageContextService } from '../page-context.service.js';
import { DataPagesController } from './data-pages.controller.js';
import { MailPagesController } from './mail-pages.controller.js';
import { ProfilePagesController } from './profile-pages.controller.js';
import { ThingsPagesController } from './things-pages.controller.js';

// The members' own pages under /me, and the things pages for members.
@Module({
  imports: [MembersModule, AuthModule, InventoryModule, MailModule, MailmanSyncModule],
  controllers: [ProfilePagesController, MailPagesController, DataPagesController, ThingsPagesController],
  providers: [PageContextService],
})
export class MemberPagesModule {}
