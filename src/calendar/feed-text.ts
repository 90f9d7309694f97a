// PURE: the one way the feeds (ics.ts, xcal.ts, atom.ts) turn into text.
//
// A writer yields small pieces (a line, an element). Held in an array until the end, a piece
// costs many times its text: V8 keeps a concatenation as a tree of its parts, and an xCal
// property is made of a dozen. 10,000 events of xCal held that way took 53 MiB of heap for
// 8 MiB of text. Joined into flat chunks as they come, the text is held about once.

const CHUNK_CHARS = 64 * 1024;

// The pieces joined into chunks of at least `size` characters (the last one may be shorter).
export function* chunked(pieces: Iterable<string>, size = CHUNK_CHARS): Generator<string> {
  let parts: string[] = [];
  let length = 0;
  for (const piece of pieces) {
    parts.push(piece);
    length += piece.length;
    if (length >= size) {
      yield parts.join('');
      parts = [];
      length = 0;
    }
  }
  if (length > 0) yield parts.join('');
}

// The whole text at once, for tests and callers that need a string.
export function joined(chunks: Iterable<string>): string {
  return Array.from(chunks).join('');
}

// The first chunk made now, the rest when read. A feed is sent as a stream once its first chunk
// is there; a writer that fails at once (an unknown zone's VTIMEZONE comes first) then throws
// before the answer has started, and gets the usual error answer instead of a cut-off one.
export function started(chunks: Iterable<string>): Iterable<string> {
  const rest = chunks[Symbol.iterator]();
  const first = rest.next();
  return (function* () {
    if (first.done) return;
    yield first.value;
    for (let next = rest.next(); !next.done; next = rest.next()) yield next.value;
  })();
}
