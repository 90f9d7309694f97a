// PURE: whether the client's copy is current (RFC 9110 13.1): If-None-Match wins over
// If-Modified-Since; entity tags compare weakly (a feed's bytes are the same for one tag).

export function isFresh(
  headers: Record<string, string | undefined>,
  validator: { etag: string; lastModified: Date },
): boolean {
  const inm = headers['if-none-match'];
  if (inm !== undefined) {
    if (inm.trim() === '*') return true;
    const weak = (t: string) => t.trim().replace(/^W\//, '');
    const mine = weak(validator.etag);
    return inm.split(',').some((t) => weak(t) === mine);
  }
  const ims = headers['if-modified-since'];
  if (ims !== undefined) {
    const since = Date.parse(ims);
    return !Number.isNaN(since) && validator.lastModified.getTime() <= since;
  }
  return false;
}
