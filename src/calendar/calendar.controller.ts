import { Body, Controller, Delete, Get, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { AnnouncementsService } from './announcements.service.js';
import { announceSchema, type AnnounceInput } from './calendar.schemas.js';
import { FeedTokensService } from './feed-tokens.service.js';

@ApiTags('calendar')
@Controller('api/calendar')
export class CalendarController {
  constructor(
    private readonly tokens: FeedTokensService,
    private readonly announcements: AnnouncementsService,
  ) {}

  @Get('feed-token')
  @Access('member')
  @ApiOperation({ summary: 'Whether I have a private feed link, since when, last used when' })
  feedToken(@CurrentActor() actor: Actor) {
    return this.tokens.status(actor);
  }

  @Post('feed-token')
  @Access('member')
  @ApiOperation({
    summary: 'A new private feed link (members’ calendar, my events); revokes the previous one. Shown once.',
  })
  issueFeedToken(@CurrentActor() actor: Actor) {
    return this.tokens.issue(actor);
  }

  @Delete('feed-token')
  @Access('member')
  @ApiOperation({ summary: 'Revoke my private feed link: it answers 404 from now on' })
  revokeFeedToken(@CurrentActor() actor: Actor) {
    return this.tokens.revoke(actor);
  }

  @Post('announce')
  @HttpCode(200)
  @Access('board', 'calendar:write')
  @ApiOperation({ summary: 'Mail the coming events now (to ALLMENDE_CALENDAR_ANNOUNCE_TO or the address given)' })
  @ZodBody(announceSchema)
  announce(@CurrentActor() actor: Actor, @Body(new ZodPipe(announceSchema)) body: AnnounceInput) {
    return this.announcements.announce(actor, body);
  }
}
