import { Body, Controller, Get, Inject, Put, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { spaceApiDocument } from './spaceapi.js';
import { spaceStateSchema, type SpaceStateInput } from './space.schemas.js';
import { SpaceService, type SpaceState } from './space.service.js';

function stateView(state: SpaceState) {
  return { open: state.open, message: state.message, changedAt: state.changedAt?.toISOString() ?? null };
}

@ApiTags('space')
@Controller()
export class SpaceController {
  constructor(
    private readonly space: SpaceService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('api/space/state')
  @Access('public')
  @ApiOperation({ summary: 'Is the space open? (null: nobody has said yet)' })
  async state() {
    return stateView(await this.space.state());
  }

  @Put('api/space/state')
  @Access('member', 'space:write')
  @ApiOperation({
    summary:
      'Open or close the space, with an optional public message (at most 200 characters). Any logged-in member, or an API token with space:write (a door switch)',
  })
  @ZodBody(spaceStateSchema)
  async setState(@CurrentActor() actor: Actor, @Body(new ZodPipe(spaceStateSchema)) body: SpaceStateInput) {
    return stateView(await this.space.setState(actor, body));
  }

  // SpaceAPI v15 for the space directory and status widgets: public, readable from any site.
  @Get('spaceapi.json')
  @Access('public')
  @ApiOperation({ summary: 'SpaceAPI v15: name, location, contact, open/closed state, calendar feed, member count' })
  async spaceApi(@Res() reply: FastifyReply) {
    if (!this.config.space.spaceApi) throw new AppError('NOT_FOUND', 'the SpaceAPI endpoint is switched off');
    const [state, members] = await Promise.all([this.space.state(), this.space.memberCount()]);
    const doc = spaceApiDocument(this.config.space, this.config.http.publicUrl, this.config.timeZone, state, members);
    return reply
      .header('Access-Control-Allow-Origin', '*')
      .header('Cache-Control', 'no-cache')
      .header('Content-Type', 'application/json; charset=utf-8')
      .send(JSON.stringify(doc));
  }
}
