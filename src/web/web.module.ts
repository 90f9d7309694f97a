import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { MembersModule } from '../members/members.module.js';
import { AssetsController } from './assets.controller.js';
import { LinkPagesController } from './link-pages.controller.js';

// Server-rendered pages (Eta + Pico.css). For now the pages the mailed links open.
@Module({
  imports: [MembersModule, AuthModule],
  controllers: [AssetsController, LinkPagesController],
})
export class WebModule {}
