import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { z } from 'zod';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { JabberAuthService } from './jabber-auth.service.js';
import { jabberAuthSchema, jabberIsUserSchema } from './jabber.schemas.js';

// Asked by `allmende jabber extauth` on behalf of ejabberd; only API tokens with jabber:auth.
@ApiTags('jabber')
@Controller('api/jabber')
export class JabberController {
  constructor(private readonly jabber: JabberAuthService) {}

  @Post('auth')
  @HttpCode(200)
  @Access('admin', 'jabber:auth')
  @ApiOperation({
    summary:
      'Is this the password of an active member on the Jabber domain? Same check and failure limits as the web login (429 while limited)',
  })
  @ZodBody(jabberAuthSchema)
  async auth(
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(jabberAuthSchema)) body: z.infer<typeof jabberAuthSchema>,
  ) {
    return { ok: await this.jabber.auth(actor, body.user, body.server, body.password) };
  }

  @Post('isuser')
  @HttpCode(200)
  @Access('admin', 'jabber:auth')
  @ApiOperation({ summary: 'Is there an active member with a password by this name on the Jabber domain?' })
  @ZodBody(jabberIsUserSchema)
  async isUser(
    @CurrentActor() actor: Actor,
    @Body(new ZodPipe(jabberIsUserSchema)) body: z.infer<typeof jabberIsUserSchema>,
  ) {
    return { exists: await this.jabber.isUser(actor, body.user, body.server) };
  }
}
