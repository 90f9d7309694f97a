import { MikroORM } from '@mikro-orm/postgresql';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import { CalendarModule } from './calendar/calendar.module.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { CoreModule } from './core/core.module.js';
import { LOGGER, RUN_WORKERS } from './core/tokens.js';
import { HealthController } from './health/health.controller.js';
import { InventoryModule } from './inventory/inventory.module.js';
import { JabberModule } from './jabber/jabber.module.js';
import { AuthGuard } from './http/auth.guard.js';
import { ErrorFilter } from './http/error.filter.js';
import { MailModule } from './mail/mail.module.js';
import { MembersModule } from './members/members.module.js';
import { NotificationsModule } from './notifications/notifications.module.js';
import { WebModule } from './web/web.module.js';
import { MailmanSyncModule } from './mailman-sync/mailman-sync.module.js';
import { SpaceModule } from './space/space.module.js';
import { SyncModule } from './sync/sync.module.js';
import { WikiSyncModule } from './wiki-sync/wiki-sync.module.js';
import { DirectoryModule } from './directory/directory.module.js';

// The ORM is made before Nest (the database must be resolved and migrated first) and handed in.
@Global()
@Module({})
class InfrastructureModule {
  static forRoot(orm: MikroORM, log: Logger, runWorkers: boolean): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: MikroORM, useValue: orm },
        { provide: LOGGER, useValue: log },
        { provide: RUN_WORKERS, useValue: runWorkers },
      ],
      exports: [MikroORM, LOGGER, RUN_WORKERS],
    };
  }
}

@Module({})
export class AppModule {
  // runWorkers: the server sends the outbox's mails and runs the sync triggers; a CLI command
  // only queues mails and runs a sync when asked.
  static forRoot(config: AppConfig, orm: MikroORM, log: Logger, { runWorkers = true } = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        InfrastructureModule.forRoot(orm, log, runWorkers),
        CoreModule,
        MembersModule,
        AuthModule,
        NotificationsModule,
        MailModule,
        WebModule,
        InventoryModule,
        CalendarModule,
        SyncModule,
        MailmanSyncModule,
        WikiSyncModule,
        JabberModule,
        DirectoryModule,
        SpaceModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useFactory: () => new ErrorFilter(log, config) },
      ],
    };
  }
}
