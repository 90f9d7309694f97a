import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { IdPipe } from '../http/id.pipe.js';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { MembersService } from './members.service.js';
import { decisionSchema } from './members.schemas.js';

@ApiTags('approvals')
@Controller('api/approvals')
export class ApprovalsController {
  constructor(private readonly members: MembersService) {}

  @Get()
  @Access('board', 'members:read')
  @ApiOperation({ summary: 'Changes waiting for the board' })
  list() {
    return this.members.pendingApprovals();
  }

  @Post(':id/approve')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ZodBody(decisionSchema)
  approve(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(decisionSchema)) body: z.infer<typeof decisionSchema>,
  ) {
    return this.members.decide(actor, id, true, body.note);
  }

  @Post(':id/reject')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ZodBody(decisionSchema)
  reject(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(decisionSchema)) body: z.infer<typeof decisionSchema>,
  ) {
    return this.members.decide(actor, id, false, body.note);
  }
}
