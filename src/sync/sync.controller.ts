import { Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { Access } from '../http/access.decorator.js';
import { ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { SyncEngine } from './sync-engine.service.js';
import { SyncStatusService } from './sync-status.service.js';
import { runsQuerySchema, targetNameSchema, type RunsQuery } from './sync.schemas.js';

@ApiTags('sync')
@Controller('api/sync')
export class SyncController {
  constructor(
    private readonly engine: SyncEngine,
    private readonly status: SyncStatusService,
  ) {}

  @Get()
  @Access('board', 'sync:read')
  @ApiOperation({ summary: 'Every configured target: health, last success, last error, failing since, last run' })
  all() {
    return this.status.status();
  }

  @Get(':target/plan')
  @Access('board', 'sync:read')
  @ApiOperation({ summary: 'Dry run: the actions a run would apply now, and the problems it would report' })
  plan(@Param('target', new ZodPipe(targetNameSchema)) target: string) {
    return this.engine.plan(target);
  }

  @Post(':target/run')
  @HttpCode(200)
  @Access('board', 'sync:write')
  @ApiOperation({ summary: 'Run the target now and wait for the result (409 while another run is in progress)' })
  run(@Param('target', new ZodPipe(targetNameSchema)) target: string) {
    return this.engine.run(target, 'manual');
  }

  @Get(':target/runs')
  @Access('board', 'sync:read')
  @ApiOperation({ summary: 'Recent runs, newest first, with counts per action kind and per-item errors' })
  @ZodQuery(runsQuerySchema)
  runs(
    @Param('target', new ZodPipe(targetNameSchema)) target: string,
    @Query(new ZodPipe(runsQuerySchema)) q: RunsQuery,
  ) {
    return this.status.runs(target, q.limit);
  }
}
