import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import {
  locationSchema,
  locationUpdateSchema,
  type LocationInput,
  type LocationUpdateInput,
} from './inventory.schemas.js';
import { LabelsService } from './labels.service.js';
import { LocationsService } from './locations.service.js';
import { labelQuery, sendSheet } from './thing-extras.controller.js';

@ApiTags('inventory')
@Controller('api/locations')
export class LocationsController {
  constructor(
    private readonly locations: LocationsService,
    private readonly labels: LabelsService,
  ) {}

  @Get()
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'Every place (room → shelf → box) with its path and number of things' })
  list() {
    return this.locations.list();
  }

  @Post()
  @Access('helper', 'inventory:write')
  @ZodBody(locationSchema)
  create(@CurrentActor() actor: Actor, @Body(new ZodPipe(locationSchema)) body: LocationInput) {
    return this.locations.create(actor, body);
  }

  @Get(':id')
  @Access('member', 'inventory:read')
  get(@Param('id', IdPipe) id: number) {
    return this.locations.get(id);
  }

  @Patch(':id')
  @Access('helper', 'inventory:write')
  @ApiOperation({ summary: 'Rename or move a place; a place inside itself is refused' })
  @ZodBody(locationUpdateSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(locationUpdateSchema)) body: LocationUpdateInput,
  ) {
    return this.locations.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('helper', 'inventory:write')
  @ApiOperation({ summary: 'Remove an empty place' })
  remove(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.locations.remove(actor, id);
  }

  @Get(':id/labels')
  @Access('member', 'inventory:read')
  @ApiOperation({ summary: 'Label sheet (A4, 3 × 8) for every thing in the place and below it' })
  @ApiProduces('application/pdf', 'image/svg+xml')
  @ZodQuery(labelQuery)
  async labelSheet(
    @Param('id', IdPipe) id: number,
    @Query(new ZodPipe(labelQuery)) query: z.infer<typeof labelQuery>,
    @Res() reply: FastifyReply,
  ) {
    return sendSheet(reply, await this.labels.forLocation(id, query.format, query.skip));
  }
}
