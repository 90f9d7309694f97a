import { MikroORM } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { RequestWithActor } from '../http/access.decorator.js';
import { Member } from '../members/entities/member.entity.js';
import { csrfToken } from './csrf.js';
import { pickLanguage } from './i18n.js';
import type { PageContext } from './views.js';

// Who is looking at a page and in which language: the member's choice, else the browser's, else
// the club's default.
@Injectable()
export class PageContextService {
  private readonly secure: boolean;

  constructor(
    private readonly orm: MikroORM,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.secure = config.http.publicUrl.startsWith('https:');
  }

  async of(req: FastifyRequest & RequestWithActor, reply: FastifyReply): Promise<PageContext> {
    const actor = req.actor;
    const member =
      actor?.memberId !== null && actor?.memberId !== undefined
        ? await this.orm.em
            .fork()
            .findOne(Member, { id: actor.memberId }, { fields: ['id', 'username', 'displayName', 'language'] })
        : null;
    return {
      lang: pickLanguage(member?.language, req.headers['accept-language'], this.config.defaultLanguage),
      csrf: csrfToken(req, reply, this.secure),
      user:
        member && actor
          ? { id: member.id, username: member.username, displayName: member.displayName, role: actor.role }
          : null,
      path: req.url.split('?')[0] ?? '/',
      timeZone: this.config.timeZone,
    };
  }

  // For answers built outside a controller (the error filter): no database, no member.
  anonymous(req: FastifyRequest, reply: FastifyReply): PageContext {
    return {
      lang: pickLanguage(null, req.headers['accept-language'], this.config.defaultLanguage),
      csrf: csrfToken(req, reply, this.secure),
      user: null,
      path: req.url.split('?')[0] ?? '/',
      timeZone: this.config.timeZone,
    };
  }
}
