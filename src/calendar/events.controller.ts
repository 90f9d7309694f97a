import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query, Req } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor, type RequestWithActor } from '../http/access.decorator.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import {
  createEventSchema,
  occurrenceSchema,
  rangeQuery,
  updateEventSchema,
  type CreateEventInput,
  type OccurrenceInput,
  type RangeQuery,
  type UpdateEventInput,
} from './calendar.schemas.js';
import { EventsService } from './events.service.js';

@ApiTags('calendar')
@Controller('api/events')
export class EventsController {
  constructor(private readonly events: EventsService) {}

  @Get()
  @Access('public')
  @ApiOperation({
    summary: 'Occurrences between two days (default: the next 31 days); members see members’ events too',
  })
  @ZodQuery(rangeQuery)
  list(@Req() req: RequestWithActor, @Query(new ZodPipe(rangeQuery)) query: RangeQuery) {
    return this.events.occurrences(req.actor, query);
  }

  @Post()
  @Access('member', 'calendar:write')
  @ApiOperation({
    summary: 'Create an event; its rooms and things are booked, or 409 names the event in the way',
  })
  @ZodBody(createEventSchema)
  create(@CurrentActor() actor: Actor, @Body(new ZodPipe(createEventSchema)) body: CreateEventInput) {
    return this.events.create(actor, body);
  }

  @Get(':ref')
  @Access('public')
  @ApiOperation({
    summary:
      'One event by id or slug (members’ events after login); a slug the event had before finds it too, the answer carrying its current slug and url',
  })
  get(@Req() req: RequestWithActor, @Param('ref') ref: string) {
    return this.events.get(req.actor, ref);
  }

  @Patch(':ref')
  @Access('member', 'calendar:write')
  @ApiOperation({
    summary:
      'Change an event (its responsible member, its creator, helpers and the board); droppedOccurrences lists moved or cancelled dates no longer in the series',
  })
  @ZodBody(updateEventSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body(new ZodPipe(updateEventSchema)) body: UpdateEventInput,
  ) {
    return this.events.update(actor, ref, body);
  }

  @Delete(':ref')
  @HttpCode(204)
  @Access('member', 'calendar:write')
  @ApiOperation({ summary: 'Delete an event for good (to keep it in feeds as cancelled, set status: cancelled)' })
  remove(@CurrentActor() actor: Actor, @Param('ref') ref: string) {
    return this.events.remove(actor, ref);
  }

  @Put(':ref/occurrences/:recurrenceId')
  @Access('member', 'calendar:write')
  @ApiOperation({
    summary: 'Move or cancel one occurrence of a recurring event (recurrenceId: its original start, ISO UTC)',
  })
  @ZodBody(occurrenceSchema)
  setOccurrence(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Param('recurrenceId') recurrenceId: string,
    @Body(new ZodPipe(occurrenceSchema)) body: OccurrenceInput,
  ) {
    return this.events.setOccurrence(actor, ref, recurrenceId, body);
  }

  @Delete(':ref/occurrences/:recurrenceId')
  @Access('member', 'calendar:write')
  @ApiOperation({ summary: 'Put a moved or cancelled occurrence back as the series has it' })
  clearOccurrence(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Param('recurrenceId') recurrenceId: string,
  ) {
    return this.events.clearOccurrence(actor, ref, recurrenceId);
  }
}
