import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { FastifyReply } from 'fastify';
import type { Role } from '../core/actor.js';
import type { Language } from '../notifications/templates/templates.js';
import { formatDate, formatDateTime, translate, type MessageKey } from './i18n.js';
import { navFor } from './nav.js';

// Templates and the stylesheet stay in src/web (they are not compiled); found from src/ and dist/.
export function webDir(sub: 'views' | 'assets'): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'src', 'web', sub);
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error(`src/web/${sub} not found`);
}

// Eta escapes every <%= %> output; nothing is printed raw but the included partials.
const eta = new Eta({ views: webDir('views'), autoEscape: true, cache: process.env.NODE_ENV !== 'development' });

export interface PageUser {
  id: number;
  username: string;
  displayName: string;
  role: Role;
}

// What every page knows about its request: built once per request by PageContextService.
export interface PageContext {
  lang: Language;
  // The form token every <form method="post"> carries (include('./csrf', it)).
  csrf: string;
  user: PageUser | null;
  path: string;
  timeZone: string;
}

export function renderPage(view: string, ctx: PageContext, data: Record<string, unknown> & { title: string }): string {
  const { lang, timeZone } = ctx;
  return eta.render(view, {
    ...data,
    ...ctx,
    nav: navFor(ctx.user?.role ?? null, ctx.path),
    t: (key: MessageKey, vars?: Record<string, string>) => translate(lang, key, vars),
    fmt: {
      date: (value: Date | string) => formatDate(lang, value, timeZone),
      dateTime: (value: Date | string) => formatDateTime(lang, value, timeZone),
    },
  });
}

// A page with a translated title, never cached (pages carry forms, keys or personal data).
export function sendPage(
  reply: FastifyReply,
  status: number,
  view: string,
  ctx: PageContext,
  data: Record<string, unknown>,
  title: MessageKey,
  titleVars?: Record<string, string>,
): FastifyReply {
  const html = renderPage(view, ctx, { ...data, title: translate(ctx.lang, title, titleVars) });
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(html);
}
