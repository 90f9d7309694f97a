import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  ParseUUIDPipe,
  Patch,
  Post,
  Req,
  Res,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { Access, CurrentActor } from '../http/access.decorator.js';
import { sessionCookie } from '../http/cookies.js';
import { ZodBody } from '../http/openapi.js';
import { ZodPipe } from '../http/zod.pipe.js';
import { MembersService } from '../members/members.service.js';
import { updateSchema, type UpdateInput } from '../members/members.schemas.js';
import { loginSchema, tokenSchema } from './auth.schemas.js';
import { AuthService, SESSION_COOKIE } from './auth.service.js';

@ApiTags('auth')
@Controller('api')
export class AuthController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly auth: AuthService,
    private readonly members: MembersService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secureCookie = config.http.publicUrl.startsWith('https:');
  }

  @Post('auth/login')
  @HttpCode(200)
  @Access('public')
  @ApiOperation({ summary: 'Log in with username or e-mail and password; sets the session cookie' })
  @ZodBody(loginSchema)
  async login(
    @Body(new ZodPipe(loginSchema)) body: z.infer<typeof loginSchema>,
    @Req() req: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const { token, session, member } = await this.auth.login(
      body.login,
      body.password,
      req.ip ?? null,
      req.headers['user-agent'] ?? null,
    );
    const maxAge = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
    void reply.header(
      'Set-Cookie',
      sessionCookie(SESSION_COOKIE, token, { secure: this.secureCookie, maxAgeSeconds: maxAge }),
    );
    return { username: member.username, expiresAt: session.expiresAt };
  }

  @Post('auth/logout')
  @HttpCode(204)
  @Access('member')
  async logout(@CurrentActor() actor: Actor, @Res({ passthrough: true }) reply: FastifyReply) {
    await this.auth.logout(actor);
    void reply.header('Set-Cookie', sessionCookie(SESSION_COOKIE, '', { secure: this.secureCookie, maxAgeSeconds: 0 }));
  }

  @Get('me')
  @Access('member')
  async me(@CurrentActor() actor: Actor) {
    return { ...(await this.members.get(actor, actor.memberId ?? 0)), role: actor.role };
  }

  @Patch('me')
  @Access('member')
  @ApiOperation({ summary: 'Change your own record; name changes wait for the board' })
  @ZodBody(updateSchema)
  updateMe(@CurrentActor() actor: Actor, @Body(new ZodPipe(updateSchema)) body: UpdateInput) {
    return this.members.update(actor, actor.memberId ?? 0, body);
  }

  @Get('auth/sessions')
  @Access('member')
  sessions(@CurrentActor() actor: Actor) {
    return this.auth.sessionsOf(actor.memberId ?? 0);
  }

  @Delete('auth/sessions/:id')
  @HttpCode(204)
  @Access('member')
  revokeSession(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.auth.revokeSession(actor, id);
  }

  @Get('auth/tokens')
  @Access('board')
  tokens(@CurrentActor() actor: Actor) {
    return this.auth.tokensOf(actor.memberId ?? 0);
  }

  @Post('auth/tokens')
  @Access('board')
  @ApiOperation({ summary: 'Create an API token (shown once); it acts with your role, limited to its scopes' })
  @ZodBody(tokenSchema)
  async createToken(@CurrentActor() actor: Actor, @Body(new ZodPipe(tokenSchema)) body: z.infer<typeof tokenSchema>) {
    const { token, apiToken } = await this.auth.createToken(
      actor,
      body.name,
      body.scopes,
      body.expiresAt ? new Date(body.expiresAt) : null,
    );
    return { token, id: apiToken.id, name: apiToken.name, scopes: apiToken.scopes, expiresAt: apiToken.expiresAt };
  }

  @Delete('auth/tokens/:id')
  @HttpCode(204)
  @Access('board')
  revokeToken(@CurrentActor() actor: Actor, @Param('id', ParseUUIDPipe) id: string) {
    return this.auth.revokeToken(actor, id);
  }
}
