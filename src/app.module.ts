import { MikroORM } from '@mikro-orm/postgresql';
import { Global, Module, type DynamicModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import type { Logger } from 'pino';
import { AuthModule } from './auth/auth.module.js';
import type { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { CoreModule } from './core/core.module.js';
import { LOGGER } from './core/tokens.js';
import { HealthController } from './health/health.controller.js';
import { AuthGuard } from './http/auth.guard.js';
import { ErrorFilter } from './http/error.filter.js';
import { MembersModule } from './members/members.module.js';

// The ORM is made before Nest (the database must be resolved and migrated first) and handed in.
@Global()
@Module({})
class InfrastructureModule {
  static forRoot(orm: MikroORM, log: Logger): DynamicModule {
    return {
      module: InfrastructureModule,
      providers: [
        { provide: MikroORM, useValue: orm },
        { provide: LOGGER, useValue: log },
      ],
      exports: [MikroORM, LOGGER],
    };
  }
}

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, orm: MikroORM, log: Logger): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        InfrastructureModule.forRoot(orm, log),
        CoreModule,
        MembersModule,
        AuthModule,
      ],
      controllers: [HealthController],
      providers: [
        { provide: APP_GUARD, useClass: AuthGuard },
        { provide: APP_FILTER, useFactory: () => new ErrorFilter(log) },
      ],
    };
  }
}
