import { MikroORM } from '@mikro-orm/postgresql';
import type { Logger } from 'pino';
import { parseConfig } from './config/config.js';
import { ormOptions } from './database/orm.config.js';
import { createApp, openApiDocument } from './server.js';

// The OpenAPI document as committed in openapi.json. Needs no database: the ORM never connects.
export async function openApiJson(log: Logger): Promise<string> {
  const config = parseConfig({ ALLMENDE_PUBLIC_URL: 'http://localhost:3000' });
  const orm = new MikroORM(ormOptions('postgresql://openapi@127.0.0.1:9/openapi', config));
  const app = await createApp(config, orm, log);
  try {
    await app.init();
    return `${JSON.stringify(openApiDocument(app), null, 2)}\n`;
  } finally {
    await app.close();
  }
}
