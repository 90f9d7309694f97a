import { Inject, Module, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SyncRegistry } from '../sync/sync-registry.js';
import { MailController } from './mail.controller.js';
import { MailReconciler } from './mail.reconciler.js';
import { MailService } from './mail.service.js';
import { MailSyncTarget } from './mail.target.js';

// The mail target runs only with ALLMENDE_MAIL_DOMAIN (without it members get no addresses).
@Module({
  controllers: [MailController],
  providers: [MailService, MailReconciler],
  exports: [MailService, MailReconciler],
})
export class MailModule implements OnModuleInit {
  constructor(
    private readonly registry: SyncRegistry,
    private readonly reconciler: MailReconciler,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    if (this.config.mail.domain) this.registry.register(new MailSyncTarget(this.reconciler));
  }
}
