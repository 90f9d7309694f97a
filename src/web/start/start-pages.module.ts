import { Module } from '@nestjs/common';
import { CalendarModule } from '../../calendar/calendar.module.js';
import { SpaceModule } from '../../space/space.module.js';
import { PageContextService } from '../page-context.service.js';
import { LogoController } from './logo.controller.js';
import { StartPageService } from './start-page.service.js';
import { StartPagesController } from './start-pages.controller.js';
import { UPCOMING_EVENTS } from './upcoming-events.js';
import { CalendarUpcomingEvents } from './calendar-upcoming-events.js';

// The start page. Its events come from the calendar through UpcomingEventsSource
// (CalendarUpcomingEvents; NoUpcomingEvents would leave the section empty).
@Module({
  imports: [SpaceModule, CalendarModule],
  controllers: [StartPagesController, LogoController],
  providers: [
    PageContextService,
    StartPageService,
    CalendarUpcomingEvents,
    { provide: UPCOMING_EVENTS, useExisting: CalendarUpcomingEvents },
  ],
})
export class StartPagesModule {}
