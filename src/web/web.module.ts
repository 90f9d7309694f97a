import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { CalendarModule } from '../calendar/calendar.module.js';
import { InventoryModule } from '../inventory/inventory.module.js';
import { MembersModule } from '../members/members.module.js';
import { BoardPagesModule } from './board/board-pages.module.js';
import { AssetsController } from './assets.controller.js';
import { CalendarPagesController } from './calendar-pages.controller.js';
import { LinkPagesController } from './link-pages.controller.js';
import { MemberPagesModule } from './member/member-pages.module.js';
import { PageContextService } from './page-context.service.js';
import { PagesController } from './pages.controller.js';
import { StartPagesModule } from './start/start-pages.module.js';
import { RoomsPagesModule } from './rooms/rooms-pages.module.js';

// Server-rendered pages (Eta + Pico.css, no scripts). Every page controller builds its
// PageContext (language, form token, who is logged in) with PageContextService and answers with
// sendPage; every <form method="post"> includes the csrf partial.
@Module({
  imports: [
    MembersModule,
    AuthModule,
    InventoryModule,
    MemberPagesModule,
    BoardPagesModule,
    CalendarModule,
    StartPagesModule,
    RoomsPagesModule,
  ],
  controllers: [AssetsController, LinkPagesController, PagesController, CalendarPagesController],
  providers: [PageContextService],
  exports: [PageContextService],
})
export class WebModule {}
