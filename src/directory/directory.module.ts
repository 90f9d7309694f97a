import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SyncRegistry } from '../sync/sync-registry.js';
import { DirectorySyncTarget } from './directory-sync.target.js';
import { LdaptsClient } from './ldap.client.js';

// Wiring only: the directory target when ALLMENDE_LDAP_URL is set.
@Module({})
export class DirectoryModule implements OnModuleInit, OnApplicationShutdown {
  private client: LdaptsClient | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const ldap = this.config.ldap;
    if (!ldap) return;
    this.client = new LdaptsClient(ldap);
    this.registry.register(new DirectorySyncTarget(this.orm, this.client, this.config, ldap));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}
