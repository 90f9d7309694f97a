export type Language = 'de' | 'en';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

// What every mail may mention besides its own data.
export interface RenderContext {
  clubName: string;
  boardAddress?: string;
  // IANA zone for dates in the text; the server's zone when unset.
  timeZone?: string;
}

// A mail is written once as blocks; text and HTML are both made from them, so they always agree.
export type Inline = string | { strong: string };
export type Block = { p: Inline[] } | { link: string } | { list: string[] };

export interface MailContent {
  subject: string;
  blocks: Block[];
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// A subject is one header line: control characters (a newline above all) become spaces.
export function oneLine(s: string): string {
  return s.replace(/[\p{Cc}\p{Cf}]+/gu, ' ').trim();
}

// ISO timestamps read as a date and time in the member's language; anything else as given.
export function formatDateTime(value: string, language: Language, timeZone?: string): string {
  const at = /^\d{4}-\d{2}-\d{2}T/.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) return value;
  return new Intl.DateTimeFormat(language === 'de' ? 'de-DE' : 'en-GB', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone,
  }).format(at);
}

const CLOSING: Record<Language, { regards: string; automatic: string; questions: string }> = {
  de: {
    regards: 'Viele Grüße',
    automatic: 'Diese Nachricht wurde automatisch verschickt.',
    questions: 'Fragen? Schreib an',
  },
  en: {
    regards: 'Best regards,',
    automatic: 'This message was sent automatically.',
    questions: 'Questions? Write to',
  },
};

function inlineText(parts: Inline[]): string {
  return parts.map((x) => (typeof x === 'string' ? x : x.strong)).join('');
}

function inlineHtml(parts: Inline[]): string {
  return parts
    .map((x) => (typeof x === 'string' ? escapeHtml(x) : `<strong>${escapeHtml(x.strong)}</strong>`))
    .join('');
}

// Only web links become anchors; anything else is shown as text, never as a javascript: link.
function linkHtml(url: string): string {
  const shown = escapeHtml(url);
  return /^https?:\/\//i.test(url) ? `<a href="${shown}">${shown}</a>` : shown;
}

export function layout(content: MailContent, language: Language, ctx: RenderContext): RenderedMail {
  const closing = CLOSING[language];
  const footer = [closing.automatic, ...(ctx.boardAddress ? [`${closing.questions} ${ctx.boardAddress}.`] : [])];
  const text = [
    ...content.blocks.map((b) =>
      'p' in b ? inlineText(b.p) : 'link' in b ? b.link : b.list.map((item) => `- ${item}`).join('\n'),
    ),
    `${closing.regards}\n${ctx.clubName}`,
    `-- \n${footer.join('\n')}`,
  ].join('\n\n');
  const body = content.blocks.map((b) =>
    'p' in b
      ? `<p>${inlineHtml(b.p)}</p>`
      : 'link' in b
        ? `<p>${linkHtml(b.link)}</p>`
        : `<ul>${b.list.map((item) => `<li>${escapeHtml(item)}</li>`).join('')}</ul>`,
  );
  const html = [
    '<!doctype html>',
    `<html lang="${language}">`,
    '<head><meta charset="utf-8"><meta name="viewport" content="width=device-width">',
    `<title>${escapeHtml(oneLine(content.subject))}</title></head>`,
    '<body style="font-family: sans-serif; line-height: 1.5; max-width: 40em">',
    ...body,
    `<p>${escapeHtml(closing.regards)}<br>${escapeHtml(ctx.clubName)}</p>`,
    `<p style="color: #666; font-size: smaller">${footer.map(escapeHtml).join('<br>')}</p>`,
    '</body>',
    '</html>',
    '',
  ].join('\n');
  return { subject: oneLine(content.subject), text: `${text}\n`, html };
}

export interface MailTemplate<K extends string = string> {
  // The data keys the template needs; enqueue refuses missing and unknown ones.
  fields: readonly K[];
  de(data: Record<K, string>, ctx: RenderContext): MailContent;
  en(data: Record<K, string>, ctx: RenderContext): MailContent;
}

export function defineTemplate<const K extends string>(template: MailTemplate<K>): MailTemplate<K> {
  return template;
}
