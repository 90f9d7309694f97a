import { Module } from '@nestjs/common';
import { SpaceModule } from '../../space/space.module.js';
import { PageContextService } from '../page-context.service.js';
import { LogoController } from './logo.controller.js';
import { StartPageService } from './start-page.service.js';
import { StartPagesController } from './start-pages.controller.js';
import { NoUpcomingEvents, UPCOMING_EVENTS } from './upcoming-events.js';

// The start page. The calendar plugs in here: replace NoUpcomingEvents with its
// UpcomingEventsSource (import CalendarModule, `useExisting: <its class>`).
@Module({
  imports: [SpaceModule],
  controllers: [StartPagesController, LogoController],
  providers: [PageContextService, StartPageService, { provide: UPCOMING_EVENTS, useClass: NoUpcomingEvents }],
})
export class StartPagesModule {}
