// Pure helpers that turn a member's name into a login/mail-safe username.

// Letters that NFD does not decompose, or whose German/Nordic spelling differs
// from "base letter without accent" (Müller is Mueller, not Muller).
const TRANSLITERATIONS: Readonly<Record<string, string>> = {
  ä: 'ae',
  ö: 'oe',
  ü: 'ue',
  Ä: 'Ae',
  Ö: 'Oe',
  Ü: 'Ue',
  ß: 'ss',
  ẞ: 'SS',
  æ: 'ae',
  Æ: 'Ae',
  ø: 'oe',
  Ø: 'Oe',
  å: 'a',
  Å: 'A',
  œ: 'oe',
  Œ: 'Oe',
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ð: 'd',
  Ð: 'D',
  þ: 'th',
  Þ: 'Th',
};

const TRANSLITERATION_PATTERN = new RegExp(`[${Object.keys(TRANSLITERATIONS).join('')}]`, 'gu');

// Typographic apostrophes count too: names pasted from Word carry ’ instead of '.
const APOSTROPHES = /['’‘ʼ`´]/gu;
// Whitespace, underscores and Unicode dashes all separate name words.
const WORD_SEPARATORS = /[\s_\u2010-\u2015\u2212]+/gu;

export const USERNAME_MAX_BASE_LENGTH = 48;

/** Transliterates umlauts and special letters, strips every other accent. */
export function transliterate(s: string): string {
  // NFC first so an already decomposed "a\u0308" is still found as 'ä'.
  return s
    .normalize('NFC')
    .replace(TRANSLITERATION_PATTERN, (ch) => TRANSLITERATIONS[ch] ?? ch)
    .normalize('NFD')
    .replace(/\p{M}/gu, '');
}

function cleanNamePart(part: string): string {
  return (
    transliterate(part)
      .toLowerCase()
      .replace(APOSTROPHES, '')
      .replace(WORD_SEPARATORS, '-')
      .replace(/[^a-z0-9.-]/g, '')
      // A mixed run like ". -" (from "St. John") keeps the '-' so '.' stays the first/last separator.
      .replace(/[.-]{2,}/g, (run) => (run.includes('-') ? '-' : '.'))
      .replace(/^[.-]+|[.-]+$/g, '')
  );
}

/** "Anna Lena" + "O'Brien" → "anna-lena.obrien"; never empty, at most 48 characters. */
export function usernameBase(firstName: string, lastName: string): string {
  const parts = [cleanNamePart(firstName), cleanNamePart(lastName)].filter((p) => p !== '');
  if (parts.length === 0) return 'member';
  return parts
    .join('.')
    .slice(0, USERNAME_MAX_BASE_LENGTH)
    .replace(/[.-]+$/, '');
}

// Guards against an isTaken that never says "free"; no real club has this many namesakes.
const MAX_SUFFIX = 100_000;

/** The base, or base2, base3, … — the first candidate that is neither taken nor reserved. */
export function deriveUsername(
  firstName: string,
  lastName: string,
  isTaken: (candidate: string) => boolean,
  reserved: ReadonlySet<string>,
): string {
  const base = usernameBase(firstName, lastName);
  const isFree = (candidate: string): boolean => !reserved.has(candidate) && !isTaken(candidate);
  if (isFree(base)) return base;
  for (let n = 2; n <= MAX_SUFFIX; n++) {
    const candidate = `${base}${n}`;
    if (isFree(candidate)) return candidate;
  }
  throw new Error(`no free username for base '${base}' up to suffix ${MAX_SUFFIX}`);
}

// Mailbox and system names that must never be handed to a member (RFC 2142 and friends).
export const DEFAULT_RESERVED_USERNAMES: ReadonlySet<string> = new Set([
  'admin',
  'root',
  'postmaster',
  'abuse',
  'hostmaster',
  'webmaster',
  'noreply',
  'no-reply',
  'mailer-daemon',
  'info',
  'security',
  'support',
  'administrator',
  'system',
  'nobody',
  'list',
  'mailman',
  'www-data',
]);

/** The defaults plus a configured list (trimmed, lower-cased, blanks ignored). */
export function reservedUsernames(extra: readonly string[]): ReadonlySet<string> {
  const result = new Set(DEFAULT_RESERVED_USERNAMES);
  for (const name of extra) {
    const cleaned = name.trim().toLowerCase();
    if (cleaned !== '') result.add(cleaned);
  }
  return result;
}

const USERNAME_PATTERN = /^[a-z0-9](?:[a-z0-9.-]{0,62}[a-z0-9])?$/;

export function isValidUsername(s: string): boolean {
  return USERNAME_PATTERN.test(s) && !s.includes('..');
}

// For a PostgreSQL regular expression: a base only holds [a-z0-9.-], of which '.' is special.
export function escapeUsernamePattern(base: string): string {
  return base.replace(/[.\\^$*+?()[\]{}|]/g, (c) => `\\${c}`);
}
