import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { InventoryModule } from '../inventory/inventory.module.js';
import { MembersModule } from '../members/members.module.js';
import { AssetsController } from './assets.controller.js';
import { LinkPagesController } from './link-pages.controller.js';
import { PagesController } from './pages.controller.js';

// Server-rendered pages (Eta + Pico.css): so far the login, the pages the mailed links open and a
// thing's page (its label's QR code).
@Module({
  imports: [MembersModule, AuthModule, InventoryModule],
  controllers: [AssetsController, LinkPagesController, PagesController],
})
export class WebModule {}
