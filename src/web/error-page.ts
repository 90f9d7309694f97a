import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AppConfig } from '../config/config.js';
import type { FieldProblem, Problem } from '../core/app.errors.js';
import type { RequestWithActor } from '../http/access.decorator.js';
import { translate, type MessageKey } from './i18n.js';
import type { Language } from '../notifications/templates/templates.js';
import { pageContext } from './page-context.service.js';
import { problemText } from './problems.js';
import { sendPage } from './views.js';

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
  problem: Problem & { fields?: readonly FieldProblem[] },
): FastifyReply {
  if (code === 'UNAUTHENTICATED' && req.method === 'GET') {
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  }
  const actor = req.actor;
  const user =
    actor?.kind === 'member' && actor.memberId !== null
      ? { id: actor.memberId, username: actor.label, displayName: actor.label, role: actor.role }
      : null;
  const ctx = pageContext(req, reply, config, user);
  const key = MESSAGES[code];
  const text = key
    ? translate(ctx.lang, key)
    : translate(ctx.lang, 'page.error.other', { message: said(ctx.lang, problem) });
  const link = { href: '/', text: translate(ctx.lang, 'page.back') };
  return sendPage(reply, status, 'message', ctx, { message: text, role: 'alert', link }, 'page.error.title');
}

// Pure: a refusal in the page's language; refused input names its fields (in English, the
// message does already).
function said(lang: Language, problem: Problem & { fields?: readonly FieldProblem[] }): string {
  if (problem.key || lang === 'en' || !problem.fields?.length) return problemText(lang, problem);
  return problem.fields.map((f) => `${f.field}: ${problemText(lang, f)}`).join('; ');
}
