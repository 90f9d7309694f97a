// Pure: a slapd.conf for allmende's directory and the LDIF of its base entries. The hashes are
// made by the caller (allmende's own Argon2id), so this file needs no I/O.

export interface SlapdConfigInput {
  base: string;
  // allmende's writer and the read-only service account, both entries right under the base.
  writerDn: string;
  readerDn: string;
  // The mdb folder, the pid and args files.
  dataDir: string;
  runDir: string;
  // fsync every write (slow: ~4 ms an entry on an ordinary disk) instead of once a minute.
  durable?: boolean;
  // Debian's defaults.
  schemaDir?: string;
  modulePath?: string;
}

export interface BaseLdifInput {
  base: string;
  organization: string;
  writerDn: string;
  // '{ARGON2}' + PHC strings.
  writerPassword: string;
  readerDn: string;
  readerPassword: string;
}

export class SlapdConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SlapdConfigError';
  }
}

export function slapdConf(i: SlapdConfigInput): string {
  for (const dn of [i.base, i.writerDn, i.readerDn]) quoted(dn);
  const schema = i.schemaDir ?? '/etc/ldap/schema';
  const writer = quoted(i.writerDn);
  const reader = quoted(i.readerDn);
  return `# slapd.conf for allmende's directory (printed by \`allmende directory config\`).
# People: uid=<username>,ou=people,${i.base}; groups: cn=<slug>,ou=groups,${i.base}.
include ${schema}/core.schema
include ${schema}/cosine.schema
include ${schema}/inetorgperson.schema
include ${schema}/nis.schema

pidfile ${i.runDir}/slapd.pid
argsfile ${i.runDir}/slapd.args
modulepath ${i.modulePath ?? '/usr/lib/ldap'}
moduleload back_mdb
# {ARGON2}: allmende writes each member's Argon2id PHC string as their userPassword.
moduleload argon2
password-hash {ARGON2}
# Binds need a DN and a password; anonymous binds are refused.
disallow bind_anon

database mdb
suffix ${quoted(i.base)}
directory ${i.dataDir}
maxsize 1073741824
${
  i.durable
    ? '# Every write is flushed to disk before slapd answers (--durable).'
    : `# The directory is a copy allmende rewrites at every run: flush to disk once a minute rather
# than at every write (10,000 entries: ~3 s instead of ~45 s). A power failure can lose the last
# minute, which the next full reconcile writes again; if the database is damaged, slapadd the
# base LDIF into an empty folder and run: allmende sync run directory.
dbnosync
checkpoint 1024 1`
}
index objectClass eq
index uid,mail eq
index cn eq,sub
index member eq

# allmende and the reader list the whole directory (more than slapd's default 500 entries).
limits dn.exact=${writer} size=unlimited time=unlimited
limits dn.exact=${reader} size=unlimited time=unlimited

# Clients may discover the server's controls (paging) and schema.
access to dn.base="" by * read
access to dn.base="cn=Subschema" by * read
# Nobody reads passwords: allmende writes them, everyone may bind with them.
access to attrs=userPassword
  by dn.exact=${writer} write
  by anonymous auth
  by * none
# allmende writes; programs that search bind as the reader; a person reads their own entry.
access to dn.subtree=${quoted(i.base)}
  by dn.exact=${writer} write
  by dn.exact=${reader} read
  by self read
  by * none
`;
}

export function baseLdif(i: BaseLdifInput): string {
  const entries: string[][] = [];
  const [attr, value] = firstRdn(i.base);
  if (attr === 'dc') {
    entries.push([
      `dn: ${i.base}`,
      'objectClass: top',
      'objectClass: dcObject',
      'objectClass: organization',
      `dc: ${value}`,
      `o: ${i.organization}`,
    ]);
  } else if (attr === 'o') {
    entries.push([`dn: ${i.base}`, 'objectClass: top', 'objectClass: organization', `o: ${value}`]);
  } else if (attr === 'ou') {
    entries.push([`dn: ${i.base}`, 'objectClass: top', 'objectClass: organizationalUnit', `ou: ${value}`]);
  } else {
    throw new SlapdConfigError(`the base ${i.base} must start with dc=, o= or ou=`);
  }
  for (const ou of ['people', 'groups']) {
    entries.push([`dn: ou=${ou},${i.base}`, 'objectClass: top', 'objectClass: organizationalUnit', `ou: ${ou}`]);
  }
  for (const [dn, password, what] of [
    [i.writerDn, i.writerPassword, 'allmende writes people and groups'],
    [i.readerDn, i.readerPassword, 'read-only account for programs that search the directory'],
  ] as const) {
    const [cnAttr, cn] = firstRdn(dn);
    if (cnAttr !== 'cn' || dn.toLowerCase() !== `cn=${cn},${i.base}`.toLowerCase()) {
      throw new SlapdConfigError(`${dn} must be cn=<name>,${i.base}`);
    }
    entries.push([
      `dn: ${dn}`,
      'objectClass: top',
      'objectClass: organizationalRole',
      'objectClass: simpleSecurityObject',
      `cn: ${cn}`,
      `description: ${what}`,
      `userPassword: ${password}`,
    ]);
  }
  return `${entries.map((lines) => lines.map(ldifLine).join('\n')).join('\n\n')}\n`;
}

// RFC 2849: a value that is not a safe string is written base64-encoded after `::`.
export function ldifLine(line: string): string {
  const at = line.indexOf(': ');
  const name = line.slice(0, at);
  const value = line.slice(at + 2);
  // eslint-disable-next-line no-control-regex
  const safe = /^[\x01-\x09\x0b\x0c\x0e-\x1f\x21-\x39\x3b\x3d-\x7f][\x01-\x09\x0b\x0c\x0e-\x7f]*$/.test(value);
  return safe && !value.endsWith(' ') ? line : `${name}:: ${Buffer.from(value, 'utf8').toString('base64')}`;
}

function firstRdn(dn: string): [string, string] {
  const m = /^([a-zA-Z]+)=([^,+]+)(,|$)/.exec(dn);
  if (!m?.[1] || !m[2]) throw new SlapdConfigError(`${dn} is not a DN such as dc=club,dc=example`);
  return [m[1].toLowerCase(), m[2]];
}

function quoted(dn: string): string {
  if (/["\\\n]/.test(dn))
    throw new SlapdConfigError(`${dn}: quotes, backslashes and line breaks are not supported here`);
  return `"${dn}"`;
}
