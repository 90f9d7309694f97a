import type { Language } from '../notifications/templates/templates.js';
import { boardMessages } from './messages/board.js';
import { calendarMessages } from './messages/calendar.js';
import { coreMessages } from './messages/core.js';
import { layoutMessages } from './messages/layout.js';
import { startMessages } from './messages/start.js';
import { memberMessages } from './messages/member.js';
import { roomsMessages } from './messages/rooms.js';

// Pure: the page language from the member's choice, else the browser's Accept-Language, else the default.
export function pickLanguage(
  preferred: Language | null | undefined,
  acceptLanguage: string | undefined,
  fallback: Language,
): Language {
  if (preferred) return preferred;
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((part) => {
      const [tag = '', ...params] = part.trim().toLowerCase().split(';');
      const q = params.map((p) => /^q=([0-9.]+)$/.exec(p.trim())?.[1]).find((v) => v !== undefined);
      return { lang: tag.split('-')[0] ?? '', q: q === undefined ? 1 : Number(q) };
    })
    .filter((x) => x.lang !== '' && x.q > 0)
    .sort((a, b) => b.q - a.q);
  for (const { lang } of ranked) if (lang === 'de' || lang === 'en') return lang;
  return fallback;
}

// Each area of the web UI keeps its strings in src/web/messages/<area>.ts; a key lives in one file.
const catalogs = [
  coreMessages,
  layoutMessages,
  memberMessages,
  boardMessages,
  calendarMessages,
  startMessages,
  roomsMessages,
] as const;
type Catalog = (typeof catalogs)[number];
type Keys<C> = C extends { de: infer D } ? keyof D : never;
export type MessageKey = Keys<Catalog>;

const de = Object.assign({}, ...catalogs.map((c) => c.de)) as Record<MessageKey, string>;
const en = Object.assign({}, ...catalogs.map((c) => c.en)) as Record<MessageKey, string>;

// For keys built at run time (a note named in a query string): is there such a message?
export function isMessageKey(key: string): key is MessageKey {
  return Object.hasOwn(de, key);
}

// Pure: the message in the language, with {placeholders} filled (escaping is the template's job).
export function translate(lang: Language, key: MessageKey, vars: Record<string, string> = {}): string {
  return fill((lang === 'de' ? de : en)[key], vars);
}

// Pure: a text's {placeholders} filled; an unknown one stays visible.
export function fill(text: string, vars: Record<string, string | number> = {}): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => (vars[k] === undefined ? `{${k}}` : String(vars[k])));
}

const LOCALES: Record<Language, string> = { de: 'de-DE', en: 'en-GB' };

// Pure: a date (and time) as people of the language write it, in the club's time zone.
export function formatDate(lang: Language, value: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeZone }).format(new Date(value));
}

export function formatDateTime(lang: Language, value: Date | string, timeZone: string): string {
  return new Intl.DateTimeFormat(LOCALES[lang], { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(
    new Date(value),
  );
}
