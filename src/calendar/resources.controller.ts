import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor, type RequestWithActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import {
  rangeQuery,
  resourceSchema,
  resourceUpdateSchema,
  type RangeQuery,
  type ResourceInput,
  type ResourceUpdateInput,
} from './calendar.schemas.js';
import { ResourcesService } from './resources.service.js';

@ApiTags('calendar')
@Controller('api/calendar/resources')
export class ResourcesController {
  constructor(private readonly resources: ResourcesService) {}

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
  availability(
    @Req() req: RequestWithActor,
    @Param('id', IdPipe) id: number,
    @Query(new ZodPipe(rangeQuery)) query: RangeQuery,
  ) {
    return this.resources.availability(id, query, req.actor);
  }
}
