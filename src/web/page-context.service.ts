import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RequestWithActor } from '../http/access.decorator.js';
import { Member } from '../members/entities/member.entity.js';
import { csrfToken } from './csrf.js';
import { pickLanguage } from './i18n.js';
import type { Language } from '../notifications/templates/templates.js';
import type { PageContext, PageUser } from './views.js';

// Who is looking at a page and in which language: the member's choice, else the browser's, else
// the club's default.
@Injectable()
export class PageContextService {
  constructor(
    private readonly orm: MikroORM,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async of(req: FastifyRequest & RequestWithActor, reply: FastifyReply): Promise<PageContext> {
    const actor = req.actor;
    const id = actor?.memberId ?? null;
    if (!actor || id === null) return pageContext(req, reply, this.config, null);
    // A session brings what the page shows of the member (its label is the user name); a token
    // (a script reading a page) does not.
    const member = actor.member
      ? { username: actor.label, ...actor.member }
      : await this.orm.em.fork().findOne(Member, { id }, { fields: ['username', 'displayName', 'language'] });
    const user = member ? { id, username: member.username, displayName: member.displayName, role: actor.role } : null;
    return pageContext(req, reply, this.config, user, member?.language);
  }
}

// Pure but for the form-token cookie: the context of a page for this request and user.
export function pageContext(
  req: FastifyRequest,
  reply: FastifyReply,
  config: Pick<AppConfig, 'defaultLanguage' | 'timeZone' | 'http'>,
  user: PageUser | null,
  preferred?: Language | null,
): PageContext {
  return {
    lang: pickLanguage(preferred, req.headers['accept-language'], config.defaultLanguage),
    csrf: csrfToken(req, reply, config.http.publicUrl.startsWith('https:')),
    user,
    path: req.url.split('?')[0] ?? '/',
    timeZone: config.timeZone,
  };
}
