import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Language } from '../notifications/templates/templates.js';
import { pickLanguage, translate, type MessageKey } from './i18n.js';

// The templates stay in src/web/views (they are not compiled); found from here in src/ and dist/.
function viewsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 5; i++) {
    const candidate = join(dir, 'src', 'web', 'views');
    if (existsSync(candidate)) return candidate;
    dir = dirname(dir);
  }
  throw new Error('src/web/views not found');
}

// Eta escapes every <%= %> output; nothing is printed raw but the included partials.
const eta = new Eta({ views: viewsDir(), autoEscape: true, cache: process.env.NODE_ENV !== 'development' });

export interface PageData {
  lang: Language;
  title: string;
  [key: string]: unknown;
}

export function renderPage(name: string, data: PageData): string {
  const t = (key: MessageKey, vars?: Record<string, string>) => translate(data.lang, key, vars);
  return eta.render(name, { ...data, t });
}

// The language of a page for someone not logged in: the browser's, else the configured default.
export function pageLanguage(req: FastifyRequest, fallback: Language): Language {
  return pickLanguage(null, req.headers['accept-language'], fallback);
}

// A page with a translated title, never cached (pages carry forms, keys or personal data).
export function sendPage(
  reply: FastifyReply,
  status: number,
  view: string,
  lang: Language,
  data: Record<string, unknown>,
  title: MessageKey,
  titleVars?: Record<string, string>,
): FastifyReply {
  const html = renderPage(view, { ...data, lang, title: translate(lang, title, titleVars) });
  return reply
    .status(status)
    .header('Content-Type', 'text/html; charset=utf-8')
    .header('Cache-Control', 'no-store')
    .send(html);
}
