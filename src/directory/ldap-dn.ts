// Pure: RFC 4514 escaping of attribute values in DNs, RFC 4515 escaping in filters. A member name
// such as `Müller, "Kalle" <#1>` must never change the meaning of a DN or a filter.

export function escapeDnValue(value: string): string {
  let out = '';
  for (let i = 0; i < value.length; i++) {
    const c = value.charAt(i);
    const first = i === 0;
    const last = i === value.length - 1;
    if (c === '\0') out += '\\00';
    else if (',+"\\<>;='.includes(c)) out += `\\${c}`;
    else if ((first && (c === '#' || c === ' ')) || (last && c === ' ')) out += `\\${c}`;
    else out += c;
  }
  return out;
}

export function escapeFilterValue(value: string): string {
  return value.replace(/[\0*()\\]/g, (c) => `\\${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

export function personDn(uid: string, base: string): string {
  return `uid=${escapeDnValue(uid)},ou=people,${base}`;
}

export function groupDn(cn: string, base: string): string {
  return `cn=${escapeDnValue(cn)},ou=groups,${base}`;
}
