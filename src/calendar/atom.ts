import { chunked, joined } from './feed-text.js';
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

export interface AtomFeed {
  id: string;
  title: string;
  selfUrl: string;
  updated: number;
  entries: Iterable<AtomEntry>;
}

const iso = (t: number) => new Date(Math.floor(t / 1000) * 1000).toISOString().replace('.000Z', 'Z');

function* document(feed: AtomFeed): Generator<string> {
  yield '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">\n';
  yield `<id>${escapeXml(feed.id)}</id>\n<title>${escapeXml(feed.title)}</title>\n`;
  yield `<updated>${iso(feed.updated)}</updated>\n<link rel="self" href="${escapeXml(feed.selfUrl)}"/>\n`;
  yield '<author><name>allmende</name></author>\n';
  for (const e of feed.entries) {
    yield `<entry>\n<id>${escapeXml(e.id)}</id>\n<title>${escapeXml(e.title)}</title>\n`;
    yield `<link href="${escapeXml(e.url)}"/>\n<updated>${iso(e.updated)}</updated>\n`;
    yield `<summary>${escapeXml(e.summary)}</summary>\n</entry>\n`;
  }
  yield '</feed>\n';
}

// In flat chunks, as the calendar feeds (see feed-text.ts).
export function atomChunks(feed: AtomFeed): Generator<string> {
  return chunked(document(feed));
}

export function serializeAtom(feed: AtomFeed): string {
  return joined(atomChunks(feed));
}
