import { Module } from '@nestjs/common';
import { MailController } from './mail.controller.js';
import { MailReconciler } from './mail.reconciler.js';
import { MailService } from './mail.service.js';

@Module({
  controllers: [MailController],
  providers: [MailService, MailReconciler],
  exports: [MailService, MailReconciler],
})
export class MailModule {}
