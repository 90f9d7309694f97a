import { Module } from '@nestjs/common';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { InventoryRemindersWorker } from './inventory-reminders.worker.js';
import { InventoryTransferService } from './inventory-transfer.service.js';
import { InventoryController } from './inventory.controller.js';
import { LabelsService } from './labels.service.js';
import { LoansService } from './loans.service.js';
import { LocationsController } from './locations.controller.js';
import { LocationsService } from './locations.service.js';
import { PhotosService } from './photos.service.js';
import { ThingExtrasController } from './thing-extras.controller.js';
import { ThingsController } from './things.controller.js';
import { ThingsService } from './things.service.js';

const services = [
  ThingsService,
  LocationsService,
  LoansService,
  PhotosService,
  LabelsService,
  InventoryTransferService,
  InventoryRemindersWorker,
];

@Module({
  imports: [NotificationsModule],
  controllers: [ThingsController, ThingExtrasController, LocationsController, InventoryController],
  providers: services,
  exports: services,
})
export class InventoryModule {}
