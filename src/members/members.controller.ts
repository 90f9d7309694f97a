import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import { IdPipe } from '../http/id.pipe.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody, ZodQuery } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { MemberIntakeService } from './member-intake.service.js';
import { MembersService } from './members.service.js';
import {
  intakeSchema,
  listQuerySchema,
  stateChangeSchema,
  statusChangeSchema,
  updateSchema,
  type IntakeInput,
  type ListQuery,
  type UpdateInput,
} from './members.schemas.js';
import { z } from 'zod';

@ApiTags('members')
@Controller('api/members')
export class MembersController {
  constructor(
    private readonly members: MembersService,
    private readonly intake: MemberIntakeService,
  ) {}

  @Post()
  @Access('board', 'members:write')
  @ApiOperation({
    summary: 'Take a new member in (derives display name and username); sends the welcome mail to the private address',
  })
  @ZodBody(intakeSchema)
  async create(@CurrentActor() actor: Actor, @Body(new ZodPipe(intakeSchema)) body: IntakeInput) {
    const { sendWelcome, ...input } = body;
    const member = await this.intake.intake(actor, input, { welcome: sendWelcome ?? true });
    return this.members.get(actor, member.id);
  }

  @Get()
  @Access('member', 'members:read')
  @ApiOperation({ summary: 'List and search members; members see only what members may see' })
  @ZodQuery(listQuerySchema)
  list(@CurrentActor() actor: Actor, @Query(new ZodPipe(listQuerySchema)) query: ListQuery) {
    return this.members.list(actor, query);
  }

  @Get(':id')
  @Access('member', 'members:read')
  get(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.members.get(actor, id);
  }

  @Patch(':id')
  @Access('member', 'members:write')
  @ApiOperation({ summary: 'Change a member; a member changing an approval field gets a pending revision' })
  @ZodBody(updateSchema)
  update(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(updateSchema)) body: UpdateInput,
  ) {
    return this.members.update(actor, id, body);
  }

  @Post(':id/status')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ApiOperation({ summary: 'Change the membership status from a day on (closes the current period)' })
  @ZodBody(statusChangeSchema)
  status(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(statusChangeSchema)) body: z.infer<typeof statusChangeSchema>,
  ) {
    return this.members.changeStatus(actor, id, body.status, body.begin);
  }

  @Post(':id/state')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ApiOperation({ summary: 'Change the account state (activate, suspend, record the exit)' })
  @ZodBody(stateChangeSchema)
  state(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(stateChangeSchema)) body: z.infer<typeof stateChangeSchema>,
  ) {
    return this.members.changeState(actor, id, body.state, body.reason);
  }

  @Put(':id/groups/:slug')
  @Access('board', 'members:write')
  addGroup(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('slug') slug: string) {
    return this.members.setGroup(actor, id, slug, true);
  }

  @Delete(':id/groups/:slug')
  @Access('board', 'members:write')
  removeGroup(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('slug') slug: string) {
    return this.members.setGroup(actor, id, slug, false);
  }

  @Get(':id/history')
  @Access('board', 'members:read')
  @ApiOperation({ summary: 'Every change to the member: who, when, which fields, old → new' })
  history(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.members.history(actor, id);
  }
}
