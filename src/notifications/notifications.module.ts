import { Module } from '@nestjs/common';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { LOGGER } from '../core/tokens.js';
import { createMailTransport, MAIL_TRANSPORT } from './mail.transport.js';
import { OutboxController } from './outbox.controller.js';
import { OutboxService } from './outbox.service.js';
import { OutboxWorker } from './outbox.worker.js';

@Module({
  controllers: [OutboxController],
  providers: [
    OutboxService,
    OutboxWorker,
    {
      provide: MAIL_TRANSPORT,
      useFactory: (config: AppConfig, log: Logger) => createMailTransport(config, log),
      inject: [APP_CONFIG, LOGGER],
    },
  ],
  exports: [OutboxService],
})
export class NotificationsModule {}
