import { parseThingRef } from '../../inventory/thing-ref.js';

// Pure: where an event's page asked for at an address it had before leads to — the same page at
// its current slug with the same query — or undefined when the address is current (or an id).
export function movedEventLocation(ref: string, slug: string, url: string, page = ''): string | undefined {
  const parsed = parseThingRef(ref);
  if (!parsed || !('slug' in parsed) || parsed.slug === slug) return undefined;
  const q = url.indexOf('?');
  // What the request line carried, made safe for a header (it is sent back as it came).
  const query = q < 0 ? '' : url.slice(q).replace(/[^\x21-\x7e]/g, (c) => encodeURIComponent(c));
  return `/events/${slug}${page}${query}`;
}
