import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { MailingListsService } from './mailing-lists.service.js';
import { listInputSchema, type ListInput } from './mailing-lists.schemas.js';

@ApiTags('lists')
@Controller('api/lists')
export class MailingListsController {
  constructor(private readonly lists: MailingListsService) {}

  @Get()
  @Access('member', 'members:read')
  @ApiOperation({ summary: 'The Mailman lists allmende feeds, and whom each is for' })
  all() {
    return this.lists.list();
  }

  @Post()
  @Access('board', 'sync:write')
  @ApiOperation({ summary: 'Feed a Mailman list from all active members, a group, a status or opt-ins' })
  @ZodBody(listInputSchema)
  create(@CurrentActor() actor: Actor, @Body(new ZodPipe(listInputSchema)) body: ListInput) {
    return this.lists.create(actor, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Access('board', 'sync:write')
  @ApiOperation({ summary: 'Stop feeding the list (its subscribers stay in Mailman)' })
  async remove(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    await this.lists.remove(actor, id);
  }

  @Put(':id/opt-ins/:memberId')
  @Access('member', 'members:write')
  @ApiOperation({ summary: 'Opt a member in to an opt-in list (members themselves, or the board)' })
  optIn(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('memberId', IdPipe) memberId: number) {
    return this.lists.setOptIn(actor, id, memberId, true);
  }

  @Delete(':id/opt-ins/:memberId')
  @Access('member', 'members:write')
  @ApiOperation({ summary: 'Opt a member out of an opt-in list' })
  optOut(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number, @Param('memberId', IdPipe) memberId: number) {
    return this.lists.setOptIn(actor, id, memberId, false);
  }
}
