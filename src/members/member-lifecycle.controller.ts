import { Body, Controller, Delete, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { EmailChangeService } from './email-change.service.js';
import { ExitService } from './exit.service.js';
import { MemberIntakeService } from './member-intake.service.js';
import { emailSchema, exitSchema } from './members.schemas.js';
import { MembersService } from './members.service.js';
import { linkKeySchema } from './registration.schemas.js';

const emailChangeSchema = z.strictObject({ email: emailSchema });
const confirmSchema = z.strictObject({ memberId: z.number().int().positive(), key: linkKeySchema });
const renameSchema = z.strictObject({ username: z.string().trim().min(1).max(64) });

// Changes of a member's standing: private address (confirmed by mail), username, exit.
@ApiTags('members')
@Controller('api')
export class MemberLifecycleController {
  constructor(
    private readonly emailChange: EmailChangeService,
    private readonly exits: ExitService,
    private readonly intake: MemberIntakeService,
    private readonly members: MembersService,
  ) {}

  @Post('me/email')
  @HttpCode(202)
  @Access('member')
  @ApiOperation({ summary: 'Change your private address: it applies when you confirm the link sent to the new one' })
  @ZodBody(emailChangeSchema)
  changeEmail(
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(emailChangeSchema)) body: z.infer<typeof emailChangeSchema>,
  ) {
    return this.emailChange.request(actor, actor.memberId ?? 0, body.email);
  }

  @Post('email-change/confirm')
  @HttpCode(200)
  @Access('public')
  @ApiOperation({ summary: 'Confirm a private address change with the key from the mail' })
  @ZodBody(confirmSchema)
  confirmEmail(@Body(new ZodPipe(confirmSchema)) body: z.infer<typeof confirmSchema>) {
    return this.emailChange.confirm(body.memberId, body.key);
  }

  @Post('members/:id/username')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ApiOperation({ summary: 'Rename a member; the old username stays taken (and becomes an alias)' })
  @ZodBody(renameSchema)
  async rename(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(renameSchema)) body: z.infer<typeof renameSchema>,
  ) {
    await this.intake.rename(actor, id, body.username);
    return this.members.get(actor, id);
  }

  @Post('members/:id/exit')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ApiOperation({ summary: 'Record an exit: on that day access ends and the personal data is erased' })
  @ZodBody(exitSchema)
  recordExit(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body(new ZodPipe(exitSchema)) body: z.infer<typeof exitSchema>,
  ) {
    return this.exits.record(actor, id, body.on, body.reason);
  }

  @Delete('members/:id/exit')
  @HttpCode(204)
  @Access('board', 'members:write')
  @ApiOperation({ summary: 'Undo a recorded exit before its day' })
  undoExit(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.exits.undo(actor, id);
  }

  @Get('exits')
  @Access('board', 'members:read')
  @ApiOperation({ summary: 'Recorded exits whose data is not erased yet, soonest first' })
  upcoming() {
    return this.exits.upcoming();
  }
}
