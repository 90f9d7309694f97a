import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService, SESSION_COOKIE } from '../auth/auth.service.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../core/app.errors.js';
import { Access, type RequestWithActor } from '../http/access.decorator.js';
import { sessionCookie } from '../http/cookies.js';
import { ThingsService } from '../inventory/things.service.js';
import type { Language } from '../notifications/templates/templates.js';
import { translate } from './i18n.js';
import { pageLanguage, renderPage, sendPage } from './views.js';

type PageRequest = FastifyRequest & RequestWithActor;

// Pure: where to go after the login. Only a path on this site, never another host.
export function safeNext(next: string | undefined): string {
  return next && /^\/(?![/\\])[^\s]*$/.test(next) ? next : '/';
}

// Login and the pages a member reaches from outside (a thing's label).
@ApiExcludeController()
@Controller()
export class PagesController {
  private readonly secureCookie: boolean;

  constructor(
    private readonly auth: AuthService,
    private readonly things: ThingsService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secureCookie = config.http.publicUrl.startsWith('https:');
  }

  @Get('login')
  @Access('public')
  loginForm(@Query('next') next: string | undefined, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    return sendPage(reply, 200, 'login', this.lang(req), { next: safeNext(next) }, 'login.title');
  }

  @Post('login')
  @Access('public')
  async login(
    @Query('next') next: string | undefined,
    @Body() body: Record<string, string | undefined>,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = this.lang(req);
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
        return sendPage(
          reply,
          err.code === 'RATE_LIMITED' ? 429 : 401,
          'login',
          lang,
          { next: safeNext(next), login, failed: true },
          'login.title',
        );
      }
      throw err;
    }
  }

  // The page a label's QR code opens: members only (a stranger is sent to the login first).
  @Get('things/:ref')
  @Access('public')
  async thing(@Param('ref') ref: string, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const lang = this.lang(req);
    if (!req.actor) return reply.redirect(`/login?next=${encodeURIComponent(`/things/${ref}`)}`, 303);
    try {
      const thing = await this.things.get(ref);
      return reply
        .status(200)
        .header('Content-Type', 'text/html; charset=utf-8')
        .header('Cache-Control', 'private, no-cache')
        .send(renderPage('thing', { lang, title: thing.name, thing }));
    } catch (err) {
      if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED')) {
        return sendPage(
          reply,
          404,
          'message',
          lang,
          { message: translate(lang, 'thing.notfound'), role: 'alert' },
          'thing.notfound',
        );
      }
      throw err;
    }
  }

  private lang(req: PageRequest): Language {
    return pageLanguage(req, this.config.defaultLanguage);
  }
}
