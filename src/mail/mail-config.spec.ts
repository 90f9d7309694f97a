import { describe, expect, it } from 'vitest';
import {
  DEFAULT_WIRING,
  dovecotFiles,
  parseLmtp,
  postfixFiles,
  postfixTransport,
  type GeneratedFile,
  type MailWiring,
} from './mail-config.js';
import { mailRoleProblems } from './mail-role.js';

const wiring: MailWiring = {
  ...DEFAULT_WIRING,
  db: {
    host: 'db.example.org',
    port: 5432,
    dbname: 'allmende',
    user: 'allmende_mail',
    password: 'c2VjcmV0LXNlY3JldA==',
    tls: 'off',
  },
};

function file(files: GeneratedFile[], name: string): GeneratedFile {
  const f = files.find((x) => x.name === name);
  if (!f) throw new Error(`no ${name}`);
  return f;
}

// key = value lines of a Postfix map or Dovecot SQL file.
function settings(content: string): Record<string, string> {
  return Object.fromEntries(
    content
      .split('\n')
      .filter((l) => /^[a-z0-9_]+ = /.test(l))
      .map((l) => [l.slice(0, l.indexOf(' = ')), l.slice(l.indexOf(' = ') + 3)]),
  );
}

describe('postfixFiles', () => {
  it('writes three pgsql maps on the views, each with the role and password, readable by root and postfix only', () => {
    const files = postfixFiles(wiring);
    expect(files.map((f) => f.path)).toEqual([
      '/etc/postfix/allmende/virtual_mailbox_domains.cf',
      '/etc/postfix/allmende/virtual_mailbox_maps.cf',
      '/etc/postfix/allmende/virtual_alias_maps.cf',
      '/etc/postfix/allmende/main.cf.allmende',
    ]);
    const alias = settings(file(files, 'virtual_alias_maps').content);
    expect(alias).toEqual({
      hosts: 'inet:db.example.org:5432',
      user: 'allmende_mail',
      password: 'c2VjcmV0LXNlY3JldA==',
      dbname: 'allmende',
      query: `SELECT destination FROM mail_virtual_aliases WHERE source = '%s'`,
    });
    expect(settings(file(files, 'virtual_mailbox_maps').content).query).toBe(
      `SELECT maildir FROM mail_virtual_mailboxes WHERE address = '%s'`,
    );
    for (const f of files.slice(0, 3)) expect(f.mode).toBe(0o640);
  });

  it('main.cf lines point at the maps through proxymap and deliver over LMTP into the queue-relative socket', () => {
    const main = settings(file(postfixFiles(wiring), 'main.cf').content);
    expect(main).toEqual({
      virtual_mailbox_domains: 'proxy:pgsql:/etc/postfix/allmende/virtual_mailbox_domains.cf',
      virtual_mailbox_maps: 'proxy:pgsql:/etc/postfix/allmende/virtual_mailbox_maps.cf',
      virtual_alias_maps: 'proxy:pgsql:/etc/postfix/allmende/virtual_alias_maps.cf',
      virtual_transport: 'lmtp:unix:private/dovecot-lmtp',
      smtputf8_enable: 'no',
    });
    const direct = settings(file(postfixFiles({ ...wiring, proxy: false }), 'main.cf').content);
    expect(direct.virtual_alias_maps).toBe('pgsql:/etc/postfix/allmende/virtual_alias_maps.cf');
  });

  it('with TLS, the host becomes a connection URI that carries sslmode (the only way libpq gets it from Postfix)', () => {
    const tls = settings(
      file(
        postfixFiles({ ...wiring, db: { ...wiring.db, tls: 'verify', caFile: '/etc/ssl/db-ca.pem' } }),
        'virtual_mailbox_domains',
      ).content,
    );
    // "/" and "=" of a base64 password are escaped in the URI.
    expect(tls.hosts).toBe(
      'postgresql://allmende_mail:c2VjcmV0LXNlY3JldA%3D%3D@db.example.org:5432/allmende?sslmode=verify-full&sslrootcert=%2Fetc%2Fssl%2Fdb-ca.pem',
    );
  });
});

describe('postfixTransport and parseLmtp', () => {
  it.each([
    ['unix:/var/spool/postfix/private/dovecot-lmtp', 'lmtp:unix:private/dovecot-lmtp'],
    ['/run/dovecot/lmtp', 'lmtp:unix:/run/dovecot/lmtp'],
    ['inet:127.0.0.1:24', 'lmtp:inet:127.0.0.1:24'],
  ])('%s → %s', (input, transport) => {
    const lmtp = parseLmtp(input);
    expect(lmtp).toBeDefined();
    if (lmtp) expect(postfixTransport(lmtp)).toBe(transport);
  });

  it.each(['lmtp', 'inet:127.0.0.1', 'inet:127.0.0.1:99999', 'unix:relative/path', 'tcp:host:24'])(
    'refuses %s',
    (input) => expect(parseLmtp(input)).toBeUndefined(),
  );
});

describe('dovecotFiles', () => {
  const files = dovecotFiles(wiring);

  it('dovecot-sql.conf.ext reads the users view, never a NULL password, with homes under the mail root', () => {
    const sql = file(files, 'dovecot-sql.conf.ext');
    expect(sql.path).toBe('/etc/dovecot/dovecot-sql.conf.ext');
    expect(sql.mode).toBe(0o640);
    expect(settings(sql.content)).toEqual({
      driver: 'pgsql',
      connect: 'host=db.example.org port=5432 dbname=allmende user=allmende_mail password=c2VjcmV0LXNlY3JldA==',
      default_pass_scheme: 'ARGON2ID',
      password_query: `SELECT "user", password FROM mail_dovecot_users WHERE "user" = '%u' AND password IS NOT NULL`,
      user_query: `SELECT '/var/vmail/' || maildir AS home, 5000 AS uid, 5000 AS gid, '*:bytes=' || quota_bytes AS quota_rule FROM mail_dovecot_users WHERE "user" = '%u'`,
      iterate_query: 'SELECT address AS "user" FROM mail_virtual_mailboxes',
    });
  });

  it('asks libpq for TLS on a remote database', () => {
    const connect = (tls: MailWiring['db']['tls']) =>
      settings(
        file(dovecotFiles({ ...wiring, db: { ...wiring.db, tls, caFile: '/ca.pem' } }), 'dovecot-sql.conf.ext').content,
      ).connect;
    expect(connect('require')).toMatch(/ sslmode=require$/);
    expect(connect('verify')).toMatch(/ sslmode=verify-full sslrootcert=\/ca.pem$/);
  });

  it('conf.d file: SQL passdb and userdb, maildir in the home, LMTP listener for Postfix', () => {
    const conf = file(files, '90-allmende.conf').content;
    expect(conf).toContain('mail_location = maildir:~/Maildir\n');
    expect(conf).toContain('passdb {\n  driver = sql\n  args = /etc/dovecot/dovecot-sql.conf.ext\n}');
    expect(conf).toContain('userdb {\n  driver = sql\n  args = /etc/dovecot/dovecot-sql.conf.ext\n}');
    expect(conf).toContain(
      '  unix_listener /var/spool/postfix/private/dovecot-lmtp {\n    mode = 0600\n    user = postfix',
    );
    const inet = file(
      dovecotFiles({ ...wiring, lmtp: { kind: 'inet', host: '127.0.0.1', port: 2424 } }),
      '90-allmende.conf',
    ).content;
    expect(inet).toContain('  inet_listener lmtp {\n    address = 127.0.0.1\n    port = 2424\n  }');
  });

  it('quotes the mail root as an SQL string', () => {
    const sql = file(dovecotFiles({ ...wiring, mailRoot: "/srv/o'mail/" }), 'dovecot-sql.conf.ext').content;
    expect(sql).toContain(`SELECT '/srv/o''mail/' || maildir AS home`);
  });
});

describe('mailRoleProblems', () => {
  it('accepts a plain role name and a base64 password', () => {
    expect(mailRoleProblems('allmende_mail', 'c2VjcmV0LXNlY3JldA==')).toEqual([]);
  });

  it.each([
    ['Allmende-Mail', 'c2VjcmV0LXNlY3JldA==', ['name']],
    ['allmende_mail', 'short', ['password']],
    // Spaces, quotes and # would need quoting that Postfix maps and libpq's conninfo do not share.
    ['allmende_mail', "with space and 'quote' #1", ['password']],
    ['x"; drop table member; --', 'c2VjcmV0LXNlY3JldA==', ['name']],
  ])('%s / %s → problems with %j', (name, password, fields) => {
    expect(mailRoleProblems(name, password).map((p) => p.field)).toEqual(fields);
  });
});
