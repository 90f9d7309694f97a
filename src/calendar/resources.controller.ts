import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { Access, CurrentActor, type RequestWithActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { BookingsService } from './bookings.service.js';
import { seesMembersEvents } from './calendar-access.js';
import {
  rangeQuery,
  resourceSchema,
  resourceUpdateSchema,
  type RangeQuery,
  type ResourceInput,
  type ResourceUpdateInput,
} from './calendar.schemas.js';
import { ResourcesService } from './resources.service.js';
import { localToUtc, parseLocal } from './time-zone.js';
import { Inject } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';

const DAY = 86_400_000;

@ApiTags('calendar')
@Controller('api/calendar/resources')
export class ResourcesController {
  constructor(
    private readonly resources: ResourcesService,
    private readonly bookings: BookingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get()
  @Access('public')
  @ApiOperation({ summary: 'The bookable rooms and things' })
  list() {
    return this.resources.list();
  }

  @Post()
  @Access('helper', 'calendar:write')
  @ApiOperation({ summary: 'Make an inventory place (locationId) or thing (thing: id or slug) bookable' })
  @ZodBody(resourceSchema)
  create(@CurrentActor() actor: Actor, @Body(new ZodPipe(resourceSchema)) body: ResourceInput) {
    return this.resources.create(actor, body);
  }

  @Get(':id')
  @Access('public')
  get(@Param('id', IdPipe) id: number) {
    return this.resources.get(id);
  }

  @Patch(':id')
  @Access('helper', 'calendar:write')
  @ZodBody(resourceUpdateSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(resourceUpdateSchema)) body: ResourceUpdateInput,
  ) {
    return this.resources.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('helper', 'calendar:write')
  @ApiOperation({ summary: 'No longer bookable (refused while it is booked from now on)' })
  remove(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.resources.remove(actor, id);
  }

  @Get(':id/availability')
  @Access('public')
  @ApiOperation({
    summary:
      'Free/busy of a room or thing between two days (default: today and 6 more); titles of members’ events only for members',
  })
  @ZodQuery(rangeQuery)
  async availability(
    @Req() req: RequestWithActor,
    @Param('id', IdPipe) id: number,
    @Query(new ZodPipe(rangeQuery)) query: RangeQuery,
  ) {
    const resource = await this.resources.get(id);
    const zone = this.config.calendar.timeZone;
    const fromDay = parseLocal(query.from ?? new Date().toISOString().slice(0, 10));
    const from = fromDay ? localToUtc(zone, fromDay) : Date.now();
    const toDay = query.to ? parseLocal(query.to) : undefined;
    const to = toDay ? localToUtc(zone, toDay) + DAY : from + 7 * DAY;
    if (to <= from) throw AppError.validation([{ field: 'to', message: 'must not be before from' }]);
    if (to - from > 62 * DAY) throw AppError.validation([{ field: 'to', message: 'at most 62 days at once' }]);
    const busy = await this.bookings.busy(id, from, to, seesMembersEvents(req.actor));
    return { resource, from: new Date(from).toISOString(), to: new Date(to).toISOString(), busy };
  }
}
