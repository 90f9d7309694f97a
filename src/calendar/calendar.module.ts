import { Module } from '@nestjs/common';
import { InventoryModule } from '../inventory/inventory.module.js';
import { NotificationsModule } from '../notifications/notifications.module.js';
import { AnnouncementsService } from './announcements.service.js';
import { BookingsService } from './bookings.service.js';
import { CalendarController } from './calendar.controller.js';
import { CalendarWorker } from './calendar.worker.js';
import { EventsController } from './events.controller.js';
import { EventsService } from './events.service.js';
import { FeedTokensService } from './feed-tokens.service.js';
import { FeedsController } from './feeds.controller.js';
import { FeedsService } from './feeds.service.js';
import { ResourcesController } from './resources.controller.js';
import { ResourcesService } from './resources.service.js';

const services = [
  ResourcesService,
  BookingsService,
  EventsService,
  FeedsService,
  FeedTokensService,
  AnnouncementsService,
  CalendarWorker,
];

@Module({
  imports: [InventoryModule, NotificationsModule],
  controllers: [EventsController, ResourcesController, CalendarController, FeedsController],
  providers: services,
  exports: services,
})
export class CalendarModule {}
