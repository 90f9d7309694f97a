// Pure: MediaWiki's user name rules (UserNameUtils::isValid and isCreatable of 1.39, with the
// default $wgInvalidUsernameCharacters '@:>'): a canonical name, or why MediaWiki refuses it.

export type WikiNameResult = { ok: true; name: string } | { ok: false; reason: string };

const MAX_BYTES = 255;
// Characters a title (and so a user name) cannot have, plus the user-name-only ones.
// eslint-disable-next-line no-control-regex -- control characters are exactly what it looks for
const ILLEGAL = /[#<>[\]|{}@:/\u0000-\u001f\u007f]/u;
// MediaWiki's extra troublemakers: C1 controls, odd spaces, bidi marks, private use.
const TROUBLE = /[\u0080-\u00a0\u2000-\u200f\u2028-\u202f\u3000\ue000-\uf8ff]/u;
const IPV4 = /^\d{1,3}\.\d{1,3}\.\d{1,3}\.(\d{1,3}|xxx)$/i;
const IPV6 = /^[0-9a-f]{0,4}(:[0-9a-f]{0,4}){2,7}$/i;

export function canonicalWikiName(raw: string): WikiNameResult {
  // Underscores are spaces in MediaWiki; runs of spaces collapse; the first letter is upper case.
  const spaced = raw.replace(/_/g, ' ').replace(/\s+/gu, ' ').trim();
  if (spaced === '') return { ok: false, reason: 'the name is empty' };
  const name = spaced.charAt(0).toUpperCase() + spaced.slice(1);
  const bad = ILLEGAL.exec(name) ?? TROUBLE.exec(name);
  if (bad) {
    const c = bad[0];
    const shown = /[\p{L}\p{N}\p{P}\p{S}]/u.test(c)
      ? `"${c}"`
      : `U+${c.codePointAt(0)?.toString(16).toUpperCase().padStart(4, '0')}`;
    return { ok: false, reason: `MediaWiki does not allow ${shown} in user names` };
  }
  if (/%[0-9a-f]{2}/i.test(name)) return { ok: false, reason: 'MediaWiki does not allow %-escapes in user names' };
  if (/&[a-z0-9#]+;/i.test(name)) return { ok: false, reason: 'MediaWiki does not allow HTML entities in user names' };
  if (name.includes('~~~')) return { ok: false, reason: 'MediaWiki does not allow "~~~" in user names' };
  if (/^\.\.?( |$)/.test(name) || name.includes('/.'))
    return { ok: false, reason: 'MediaWiki does not allow this name' };
  if (IPV4.test(name) || IPV6.test(name)) return { ok: false, reason: 'an IP address cannot be a user name' };
  if (Buffer.byteLength(name) > MAX_BYTES) return { ok: false, reason: `longer than ${MAX_BYTES} bytes` };
  return { ok: true, name };
}
