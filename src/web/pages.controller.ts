import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, SESSION_COOKIE } from '../auth/auth.service.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../core/app.errors.js';
import { Access, CurrentActor, type RequestWithActor } from '../http/access.decorator.js';
import { sessionCookie } from '../http/cookies.js';
import type { Actor } from '../core/actor.js';
import { ThingsService } from '../inventory/things.service.js';
import { ownerText, thingActions } from './member/things-pages.controller.js';
import { translate } from './i18n.js';
import { PageContextService } from './page-context.service.js';
import { sendPage } from './views.js';

type PageRequest = FastifyRequest & RequestWithActor;

// Pure: where to go after the login. Only a path on this site, never another host.
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

// Login, logout and the pages a member reaches from outside (a thing's label).
@ApiExcludeController()
@Controller()
export class PagesController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly auth: AuthService,
    private readonly things: ThingsService,
    private readonly pages: PageContextService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.secureCookie = config.http.publicUrl.startsWith('https:');
  }

  @Get('login')
  @Access('public')
  async loginForm(@Query('next') next: string | undefined, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return sendPage(reply, 200, 'login', ctx, { next: safeNext(next) }, 'login.title');
  }

  @Post('login')
  @Access('public')
  async login(
    @Query('next') next: string | undefined,
    @Body() body: Record<string, string | undefined>,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const login = (body.login ?? '').slice(0, 254);
    try {
      const { token, session } = await this.auth.login(
        login,
        body.password ?? '',
        req.ip ?? null,
        req.headers['user-agent'] ?? null,
      );
      const maxAge = Math.floor((session.expiresAt.getTime() - Date.now()) / 1000);
      return reply
        .header(
          'Set-Cookie',
          sessionCookie(SESSION_COOKIE, token, { secure: this.secureCookie, maxAgeSeconds: maxAge }),
        )
        .redirect(safeNext(next), 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'UNAUTHENTICATED' || err.code === 'RATE_LIMITED')) {
        const ctx = await this.pages.of(req, reply);
        return sendPage(
          reply,
          err.code === 'RATE_LIMITED' ? 429 : 401,
          'login',
          ctx,
          { next: safeNext(next), login, failed: true },
          'login.title',
        );
      }
      throw err;
    }
  }

  // The logout button in every page's header: ends this session, clears the cookie.
  @Post('logout')
  @Access('member')
  async logout(@CurrentActor() actor: Actor, @Res() reply: FastifyReply) {
    await this.auth.logout(actor);
    return reply
      .header('Set-Cookie', sessionCookie(SESSION_COOKIE, '', { secure: this.secureCookie, maxAgeSeconds: 0 }))
      .redirect('/login', 303);
  }

  // The page a label's QR code opens: members only (a stranger is sent to the login first).
  @Get('things/:ref')
  @Access('member')
  async thing(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    try {
      const thing = await this.things.get(ref);
      return sendPage(
        reply,
        200,
        'thing',
        ctx,
        { thing, ...thingActions(thing, actor), owner: ownerText(thing) },
        'thing.page',
        {
          name: thing.name,
        },
      );
    } catch (err) {
      if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED')) {
        const message = translate(ctx.lang, 'thing.notfound');
        return sendPage(reply, 404, 'message', ctx, { message, role: 'alert' }, 'thing.notfound');
      }
      throw err;
    }
  }
}
