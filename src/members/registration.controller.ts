import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { MembersService } from './members.service.js';
import { linkKeySchema, registrationSchema } from './registration.schemas.js';
import { RegistrationService } from './registration.service.js';

// The key travels in the body, not the path, so it never lands in a proxy's access log.
const linkSchema = z.strictObject({ memberId: z.number().int().positive(), key: linkKeySchema });
const registerSchema = registrationSchema.extend(linkSchema.shape);

@ApiTags('registration')
@Controller('api')
export class RegistrationController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly members: MembersService,
  ) {}

  @Post('registration/preview')
  @HttpCode(200)
  @Access('public')
  @ApiOperation({ summary: 'What the welcome link offers (name, username, addresses); 410 if the link is not valid' })
  @ZodBody(linkSchema)
  preview(@Body(new ZodPipe(linkSchema)) body: z.infer<typeof linkSchema>) {
    return this.registration.preview(body.memberId, body.key);
  }

  @Post('registration')
  @HttpCode(200)
  @Access('public')
  @ApiOperation({ summary: 'Complete the registration from the welcome link: addresses, forwarding, password' })
  @ZodBody(registerSchema)
  register(@Body(new ZodPipe(registerSchema)) body: z.infer<typeof registerSchema>) {
    const { memberId, key, ...input } = body;
    return this.registration.register(memberId, key, input);
  }

  @Post('members/:id/welcome')
  @HttpCode(200)
  @Access('board', 'members:write')
  @ApiOperation({ summary: 'Send the welcome mail again; the earlier link stops working' })
  resend(@CurrentActor() actor: Actor, @Param('id', IdPipe) id: number) {
    return this.registration.resendWelcome(actor, id);
  }

  @Get('registrations')
  @Access('board', 'members:read')
  @ApiOperation({ summary: 'Registered members waiting for the board to activate them' })
  pending(@CurrentActor() actor: Actor) {
    return this.members.list(actor, { state: 'registered', page: 1, pageSize: 200 });
  }
}
