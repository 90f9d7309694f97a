import { Module } from '@nestjs/common';
import { AuthModule } from '../auth/auth.module.js';
import { JabberAuthService } from './jabber-auth.service.js';
import { JabberController } from './jabber.controller.js';

@Module({
  imports: [AuthModule],
  controllers: [JabberController],
  providers: [JabberAuthService],
})
export class JabberModule {}
