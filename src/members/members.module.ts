import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { ApprovalsController } from './approvals.controller.js';
import { CatalogController } from './catalog.controller.js';
import { CatalogService } from './catalog.service.js';
import { GroupsService } from './groups.service.js';
import { MemberExportService } from './member-export.service.js';
import { MemberImportService } from './member-import.service.js';
import { MemberIntakeService } from './member-intake.service.js';
import { MemberTransferController } from './member-transfer.controller.js';
import { MembersController } from './members.controller.js';
import { MembersService } from './members.service.js';
import { EmailChangeService } from './email-change.service.js';
import { ExitService } from './exit.service.js';
import { LinkTokenService } from './link-token.service.js';
import { MemberLifecycleController } from './member-lifecycle.controller.js';
import { RegistrationController } from './registration.controller.js';
import { RegistrationService } from './registration.service.js';

const services = [
  MembersService,
  MemberIntakeService,
  MemberImportService,
  MemberExportService,
  CatalogService,
  GroupsService,
  LinkTokenService,
  RegistrationService,
  EmailChangeService,
  ExitService,
];

@Module({
  imports: [NotificationsModule],
  controllers: [
    MembersController,
    ApprovalsController,
    CatalogController,
    MemberTransferController,
    RegistrationController,
    MemberLifecycleController,
  ],
  providers: services,
  exports: services,
})
export class MembersModule {}
