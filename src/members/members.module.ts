import { Module } from '@nestjs/common';
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

const services = [
  MembersService,
  MemberIntakeService,
  MemberImportService,
  MemberExportService,
  CatalogService,
  GroupsService,
];

@Module({
  controllers: [MembersController, ApprovalsController, CatalogController, MemberTransferController],
  providers: services,
  exports: services,
})
export class MembersModule {}
