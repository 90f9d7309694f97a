import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { AuthService, SESSION_COOKIE } from '../auth/auth.service.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { hasRole, hasScope } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { ACCESS_KEY, type AccessRule, type RequestWithActor } from './access.decorator.js';
import { readCookie } from './cookies.js';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

@Injectable()
export class AuthGuard implements CanActivate {
  private readonly origin: string;

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.origin = new URL(config.http.publicUrl).origin;
  }

  async canActivate(ctx: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      ctx.getHandler(),
      ctx.getClass(),
    ]);
    // Secure by default: a route without an @Access rule is a programming error, not an open door.
    if (!rule) throw new AppError('FORBIDDEN', 'this route declares no access rule');
    const req = ctx.switchToHttp().getRequest<FastifyRequest & RequestWithActor>();
    const cookie = readCookie(req.headers.cookie, SESSION_COOKIE);
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    const actor = await this.auth.authenticate(cookie, bearer, req.ip ?? null);
    if (actor) req.actor = actor;
    if (!SAFE_METHODS.has(req.method)) {
      const origin = requestOrigin(req);
      // Cookies ride along on cross-site requests, so a write with a session must prove its origin.
      // Any other write that a browser marks as coming from elsewhere (e.g. a forged login form) is
      // refused too; programs without a browser send no Origin and are not affected.
      const refused = origin === undefined ? actor?.kind === 'member' : origin !== this.origin;
      if (refused) {
        throw new AppError('FORBIDDEN', 'cross-origin request refused (Origin does not match ALLMENDE_PUBLIC_URL)');
      }
    }
    if (rule.role === 'public') return true;
    if (!actor) throw new AppError('UNAUTHENTICATED', 'log in or send an API token');
    if (!hasRole(actor, rule.role)) throw new AppError('FORBIDDEN', `needs the ${rule.role} role`);
    // A token does only what a scope names: routes without a scope (own sessions, tokens,
    // profile) are for people who logged in.
    if (actor.kind === 'token' && !rule.scope) throw new AppError('FORBIDDEN', 'this route is not open to API tokens');
    if (rule.scope && !hasScope(actor, rule.scope))
      throw new AppError('FORBIDDEN', `token lacks the ${rule.scope} scope`);
    return true;
  }
}

function requestOrigin(req: FastifyRequest): string | undefined {
  return req.headers.origin ?? refererOrigin(req.headers.referer);
}

function refererOrigin(referer: string | undefined): string | undefined {
  if (!referer) return undefined;
  try {
    return new URL(referer).origin;
  } catch {
    return undefined;
  }
}
