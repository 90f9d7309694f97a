import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import type { RequestWithActor } from '../http/access.decorator.js';
import { csrfToken } from './csrf.js';
import { pickLanguage, translate, type MessageKey } from './i18n.js';
import { sendPage, type PageContext } from './views.js';

// Pure: does this request come from a person's browser on a page (not the API, not a feed)?
export function wantsPage(req: Pick<FastifyRequest, 'url' | 'headers'>): boolean {
  return !req.url.startsWith('/api/') && (req.headers.accept ?? '').includes('text/html');
}

const MESSAGES: Partial<Record<string, MessageKey>> = {
  FORBIDDEN: 'page.error.forbidden',
  NOT_FOUND: 'page.error.notfound',
  CSRF: 'page.error.csrf',
  INTERNAL: 'page.error.internal',
};

// An error as a page: a stranger on a members' page goes to the login first; anything else is
// shown in the page's language with the layout (no database: the error may be the database).
export function sendErrorPage(
  req: FastifyRequest & RequestWithActor,
  reply: FastifyReply,
  config: Pick<AppConfig, 'defaultLanguage' | 'timeZone' | 'http'>,
  status: number,
  code: string,
  message: string,
): FastifyReply {
  if (code === 'UNAUTHENTICATED' && req.method === 'GET') {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  const actor = req.actor;
  const ctx: PageContext = {
    lang: pickLanguage(null, req.headers['accept-language'], config.defaultLanguage),
    csrf: csrfToken(req, reply, config.http.publicUrl.startsWith('https:')),
    user:
      actor?.kind === 'member' && actor.memberId !== null
        ? { id: actor.memberId, username: actor.label, displayName: actor.label, role: actor.role }
        : null,
    path: req.url.split('?')[0] ?? '/',
    timeZone: config.timeZone,
  };
  const key = MESSAGES[code];
  const text = key ? translate(ctx.lang, key) : translate(ctx.lang, 'page.error.other', { message });
  const link = { href: '/', text: translate(ctx.lang, 'page.back') };
  return sendPage(reply, status, 'message', ctx, { message: text, role: 'alert', link }, 'page.error.title');
}
