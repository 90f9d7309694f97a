import { chunked, joined } from './feed-text.js';
import type { IcsComponent, IcsProperty } from './ics.js';

// xCal (RFC 6321): the same tree as the .ics feed, as XML.

// Markup characters become character references; what XML 1.0 does not allow in a document
// (control characters but tab and line breaks, U+FFFE, U+FFFF, halves of surrogate pairs) and
// the C1 controls are dropped.
export function escapeXml(s: string): string {
  return s.replace(/[^\P{Cc}\t\n\r]|[\uFFFE\uFFFF]|\p{Cs}/gu, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// 20260324T190000Z → 2026-03-24T19:00:00Z; 20260324 → 2026-03-24
function xmlDateTime(v: string): string {
  return v.replace(/^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2}))?(Z?)$/, (_m, y, mo, d, h, mi, s, z) =>
    h === undefined ? `${y}-${mo}-${d}` : `${y}-${mo}-${d}T${h}:${mi}:${s}${z}`,
  );
}

function xmlOffset(v: string): string {
  return v.replace(/^([+-])(\d{2})(\d{2})$/, '$1$2:$3');
}

// FREQ=WEEKLY;BYDAY=TU → <freq>WEEKLY</freq><byday>TU</byday> (list parts repeat the element).
function xmlRecur(v: string): string {
  return v
    .split(';')
    .map((part) => {
      const [k = '', val = ''] = part.split('=');
      const name = k.toLowerCase();
      const values = name === 'until' ? [xmlDateTime(val)] : val.split(',');
      return values.map((x) => `<${name}>${escapeXml(x)}</${name}>`).join('');
    })
    .join('');
}

function value(p: IcsProperty): string {
  switch (p.type) {
    case 'text':
      return `<text>${escapeXml(p.value)}</text>`;
    case 'date-time':
    case 'date':
      return p.value
        .split(',')
        .map((v) => `<${p.type}>${xmlDateTime(v)}</${p.type}>`)
        .join('');
    case 'recur':
      return `<recur>${xmlRecur(p.value)}</recur>`;
    case 'utc-offset':
      return `<utc-offset>${xmlOffset(p.value)}</utc-offset>`;
    case 'duration':
    case 'integer':
    case 'uri':
      return `<${p.type}>${escapeXml(p.value)}</${p.type}>`;
  }
}

function params(p: IcsProperty): string {
  const entries = Object.entries(p.params ?? {}).filter(([k]) => k !== 'VALUE');
  if (entries.length === 0) return '';
  const inner = entries
    .map(([k, v]) => {
      const name = k.toLowerCase();
      return `<${name}><text>${escapeXml(v)}</text></${name}>`;
    })
    .join('');
  return `<parameters>${inner}</parameters>`;
}

function* elements(c: IcsComponent): Generator<string> {
  const name = c.name.toLowerCase();
  yield `<${name}><properties>\n`;
  for (const p of c.properties) {
    const pname = p.name.toLowerCase();
    yield `<${pname}>${params(p)}${value(p)}</${pname}>\n`;
  }
  yield '</properties>\n';
  let any = false;
  for (const sub of c.components) {
    if (!any) yield '<components>\n';
    any = true;
    yield* elements(sub);
  }
  if (any) yield '</components>\n';
  yield `</${name}>\n`;
}

function* document(calendar: IcsComponent): Generator<string> {
  yield '<?xml version="1.0" encoding="utf-8"?>\n<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0">\n';
  yield* elements(calendar);
  yield '</icalendar>\n';
}

// The same text the .ics feed's tree makes, one line per element, in flat chunks made while the
// VEVENTs are (see feed-text.ts).
export function xcalChunks(calendar: IcsComponent): Generator<string> {
  return chunked(document(calendar));
}

export function serializeXcal(calendar: IcsComponent): string {
  return joined(xcalChunks(calendar));
}
