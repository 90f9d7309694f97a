import { escapeXml } from './xcal.js';

// PURE: an Atom feed (RFC 4287) of upcoming occurrences, for feed readers and chat bots.

export interface AtomEntry {
  id: string;
  title: string;
  url: string;
  updated: number;
  // "Di., 24. März 2026, 19:00 – 21:00 · Vortragsraum", then the description.
  summary: string;
}

export function serializeAtom(feed: {
  id: string;
  title: string;
  selfUrl: string;
  updated: number;
  entries: readonly AtomEntry[];
}): string {
  const iso = (t: number) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom">',
    `<id>${escapeXml(feed.id)}</id>`,
    `<title>${escapeXml(feed.title)}</title>`,
    `<updated>${iso(feed.updated)}</updated>`,
    `<link rel="self" href="${escapeXml(feed.selfUrl)}"/>`,
    '<author><name>allmende</name></author>',
  ];
  for (const e of feed.entries) {
    out.push(
      '<entry>',
      `<id>${escapeXml(e.id)}</id>`,
      `<title>${escapeXml(e.title)}</title>`,
      `<link href="${escapeXml(e.url)}"/>`,
      `<updated>${iso(e.updated)}</updated>`,
      `<summary>${escapeXml(e.summary)}</summary>`,
      '</entry>',
    );
  }
  out.push('</feed>');
  return `${out.join('\n')}\n`;
}
