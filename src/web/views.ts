import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Eta } from 'eta';
import type { Language } from '../notifications/templates/templates.js';
import { translate, type MessageKey } from './i18n.js';

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
