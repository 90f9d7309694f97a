import type { IcsComponent, IcsProperty } from './ics.js';

// xCal (RFC 6321): the same tree as the .ics feed, as XML.

export function escapeXml(s: string): string {
  return s.replace(/[^\P{Cc}\t\n\r]/gu, '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
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

function writeComponent(c: IcsComponent, out: string[]): void {
  const name = c.name.toLowerCase();
  out.push(`<${name}><properties>`);
  for (const p of c.properties) {
    const pname = p.name.toLowerCase();
    out.push(`<${pname}>${params(p)}${value(p)}</${pname}>`);
  }
  out.push('</properties>');
  let any = false;
  for (const sub of c.components) {
    if (!any) out.push('<components>');
    any = true;
    writeComponent(sub, out);
  }
  if (any) out.push('</components>');
  out.push(`</${name}>`);
}

export function serializeXcal(calendar: IcsComponent): string {
  const out = ['<?xml version="1.0" encoding="utf-8"?>', '<icalendar xmlns="urn:ietf:params:xml:ns:icalendar-2.0">'];
  writeComponent(calendar, out);
  out.push('</icalendar>');
  return `${out.join('\n')}\n`;
}
