import { Controller, Get, Res } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { MikroORM } from '@mikro-orm/postgresql';
import type { FastifyReply } from 'fastify';
import { pendingMigrations } from '../database/database.js';
import { Access } from '../http/access.decorator.js';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly orm: MikroORM) {}

  @Get('live')
  @Access('public')
  live() {
    return { status: 'ok' };
  }

  // Ready = the database answers and every migration is applied.
  @Get('ready')
  @Access('public')
  async ready(@Res({ passthrough: true }) reply: FastifyReply) {
    const checks: Record<string, string> = {};
    try {
      await this.orm.em.fork().execute('select 1');
      checks.database = 'ok';
      const pending = await pendingMigrations(this.orm);
      checks.migrations = pending.length === 0 ? 'ok' : `pending: ${pending.join(', ')}`;
    } catch (err) {
      checks.database = `unreachable: ${err instanceof Error ? err.message : String(err)}`;
    }
    const ok = Object.values(checks).every((v) => v === 'ok');
    void reply.status(ok ? 200 : 503);
    return { status: ok ? 'ok' : 'unavailable', checks };
  }
}
