import { Module } from '@nestjs/common';
import { CalendarModule } from '../../calendar/calendar.module.js';
import { InventoryModule } from '../../inventory/inventory.module.js';
import { MembersModule } from '../../members/members.module.js';
import { PageContextService } from '../page-context.service.js';
import { EventEditController } from './event-edit.controller.js';
import { RoomsPagesController } from './rooms-pages.controller.js';

// The rooms-and-events pages: /board/rooms, /rooms, /rooms/<id>, /events/<slug>/edit and the occurrence
// forms of /events/<slug>.
@Module({
  imports: [CalendarModule, InventoryModule, MembersModule],
  controllers: [RoomsPagesController, EventEditController],
  providers: [PageContextService],
})
export class RoomsPagesModule {}
