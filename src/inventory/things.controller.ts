import { Body, Controller, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import {
  createThingSchema,
  extendSchema,
  lendSchema,
  moveSchema,
  thingListSchema,
  updateThingSchema,
  type CreateThingInput,
  type LendInput,
  type ThingListQuery,
  type UpdateThingInput,
} from './inventory.schemas.js';
import { LoansService } from './loans.service.js';
import { ThingsService } from './things.service.js';

const REF = { name: 'ref', description: 'the numeric id (2342) or the short name (einding)' };

@ApiTags('inventory')
@Controller('api/things')
export class ThingsController {
  constructor(
    private readonly things: ThingsService,
    private readonly loans: LoansService,
  ) {}

  @Get()
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'Search things: full text over name, short name, tags, place, owner; filters' })
  @ZodQuery(thingListSchema)
  list(@Query(new ZodPipe(thingListSchema)) query: ThingListQuery) {
    return this.things.list(query);
  }

  @Post()
  @Access('helper', 'inventory:write')
  @ApiOperation({ summary: 'Add a thing (the short name is made from the name unless given)' })
  @ZodBody(createThingSchema)
  create(@CurrentActor() actor: Actor, @Body(new ZodPipe(createThingSchema)) body: CreateThingInput) {
    return this.things.create(actor, body);
  }

  @Get(':ref')
  @Access('member', 'inventory:read')
  @ApiParam(REF)
  get(@Param('ref') ref: string) {
    return this.things.get(ref);
  }

  @Patch(':ref')
  @Access('helper', 'inventory:write')
  @ApiOperation({ summary: 'Change a thing; `version` refuses to overwrite a change made meanwhile' })
  @ApiParam(REF)
  @ZodBody(updateThingSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body(new ZodPipe(updateThingSchema)) body: UpdateThingInput,
  ) {
    return this.things.update(actor, ref, body);
  }

  @Post(':ref/move')
  @HttpCode(200)
  @Access('helper', 'inventory:write')
  @ApiOperation({ summary: 'Move a thing to another place (null: no place)' })
  @ApiParam(REF)
  @ZodBody(moveSchema)
  move(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body(new ZodPipe(moveSchema)) body: z.infer<typeof moveSchema>,
  ) {
    return this.things.move(actor, ref, body.locationId);
  }

  @Get(':ref/history')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'Every change to the thing: who, when, what' })
  @ApiParam(REF)
  history(@Param('ref') ref: string) {
    return this.things.history(ref);
  }

  @Post(':ref/loan')
  @HttpCode(200)
  @Access('member', 'inventory:write')
  @ApiOperation({ summary: 'Borrow a thing until a day (members for themselves, helpers for anyone)' })
  @ApiParam(REF)
  @ZodBody(lendSchema)
  lend(@CurrentActor() actor: Actor, @Param('ref') ref: string, @Body(new ZodPipe(lendSchema)) body: LendInput) {
    return this.loans.lend(actor, ref, body);
  }

  @Post(':ref/return')
  @HttpCode(200)
  @Access('member', 'inventory:write')
  @ApiOperation({ summary: 'Return a borrowed thing (its borrower or a helper)' })
  @ApiParam(REF)
  giveBack(@CurrentActor() actor: Actor, @Param('ref') ref: string) {
    return this.loans.giveBack(actor, ref);
  }

  @Post(':ref/loan/extend')
  @HttpCode(200)
  @Access('member', 'inventory:write')
  @ApiOperation({ summary: 'Move the return date of the open loan (its borrower or a helper)' })
  @ApiParam(REF)
  @ZodBody(extendSchema)
  extend(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body(new ZodPipe(extendSchema)) body: z.infer<typeof extendSchema>,
  ) {
    return this.loans.extend(actor, ref, body.dueOn);
  }

  @Get(':ref/loans')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'Who borrowed the thing, newest first' })
  @ApiParam(REF)
  loanHistory(@Param('ref') ref: string) {
    return this.loans.loans({ thingRef: ref });
  }
}
