import { chunked, joined } from './feed-text.js';

// A small iCalendar (RFC 5545) writer. Feeds are built as a tree of components once and written
// as text here or as XML by xcal.ts, so both always say the same.

export type ValueType = 'text' | 'date-time' | 'date' | 'recur' | 'duration' | 'utc-offset' | 'integer' | 'uri';

export interface IcsProperty {
  name: string;
  // In iCalendar syntax, except that text is unescaped (the writer escapes it). Several date or
  // date-time values (EXDATE) are joined with ",".
  value: string;
  type: ValueType;
  params?: Record<string, string>;
}

export interface IcsComponent {
  name: string;
  properties: IcsProperty[];
  // An array, or a generator that makes each subcomponent as it is written: a feed of 10,000
  // events then never holds all of them as objects at once.
  components: Iterable<IcsComponent>;
}

export function component(
  name: string,
  properties: IcsProperty[],
  components: Iterable<IcsComponent> = [],
): IcsComponent {
  return { name, properties, components };
}

export function prop(name: string, type: ValueType, value: string, params?: Record<string, string>): IcsProperty {
  return params ? { name, type, value, params } : { name, type, value };
}

// Backslash, semicolon, comma and line breaks are escaped in TEXT (3.3.11); other control
// characters are not allowed at all and are dropped.
export function escapeText(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/;/g, '\\;')
    .replace(/,/g, '\\,')
    .replace(/\r\n|\r|\n/g, '\\n')
    .replace(/[^\P{Cc}\t]/gu, '');
}

// Parameter values cannot hold quotes or control characters; ":", ";" and "," need quotes.
function paramValue(value: string): string {
  const clean = value.replace(/["\p{Cc}]/gu, '');
  return /[:;,]/.test(clean) ? `"${clean}"` : clean;
}

// Lines longer than 75 octets are folded: CRLF and one space, never inside a UTF-8 character.
export function foldLine(line: string): string {
  if (line.length <= 75 && !/[^\p{ASCII}]/u.test(line)) return line;
  if (Buffer.byteLength(line) <= 75) return line;
  const out: string[] = [];
  let current = '';
  let bytes = 0;
  let limit = 75;
  for (const ch of line) {
    const size = Buffer.byteLength(ch);
    if (bytes + size > limit) {
      out.push(current);
      current = '';
      bytes = 0;
      limit = 74; // the leading space of a continuation line counts
    }
    current += ch;
    bytes += size;
  }
  out.push(current);
  return out.join('\r\n ');
}

function contentLine(p: IcsProperty): string {
  let line = p.name;
  if (p.params) for (const [k, v] of Object.entries(p.params)) line += `;${k}=${paramValue(v)}`;
  line += `:${p.type === 'text' ? escapeText(p.value) : p.value}`;
  return foldLine(line);
}

function* lines(c: IcsComponent): Generator<string> {
  yield `BEGIN:${c.name}\r\n`;
  for (const p of c.properties) yield `${contentLine(p)}\r\n`;
  for (const sub of c.components) yield* lines(sub);
  yield `END:${c.name}\r\n`;
}

// The calendar as text with CRLF line ends (the last line ends with CRLF too), in flat chunks
// made while the VEVENTs are (see feed-text.ts).
export function icsChunks(calendar: IcsComponent): Generator<string> {
  return chunked(lines(calendar));
}

export function serializeIcs(calendar: IcsComponent): string {
  return joined(icsChunks(calendar));
}
