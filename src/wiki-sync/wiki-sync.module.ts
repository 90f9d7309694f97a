import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Module, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { SyncRegistry } from '../sync/sync-registry.js';
import { MysqlMediaWikiClient } from './mediawiki.client.js';
import { WikiSyncTarget } from './wiki-sync.target.js';

// Wiring only: the MediaWiki target when ALLMENDE_WIKI_DATABASE_URL is set.
@Module({})
export class WikiSyncModule implements OnModuleInit, OnApplicationShutdown {
  private client: MysqlMediaWikiClient | undefined;

  constructor(
    private readonly orm: MikroORM,
    private readonly registry: SyncRegistry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  onModuleInit(): void {
    const wiki = this.config.wiki;
    if (!wiki) return;
    this.client = new MysqlMediaWikiClient(wiki.databaseUrl, wiki.tablePrefix);
    this.registry.register(new WikiSyncTarget(this.orm, this.client, this.config, wiki));
  }

  async onApplicationShutdown(): Promise<void> {
    await this.client?.close();
  }
}
