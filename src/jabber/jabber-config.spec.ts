import { describe, expect, it } from 'vitest';
import { ejabberdExtauthConfig, ejabberdLdapConfig, prosodyLdapConfig } from './jabber-config.js';

const dir = {
  uri: 'ldap://127.0.0.1:3389',
  base: 'dc=example,dc=org',
  bindDn: 'cn=jabber,ou=services,dc=example,dc=org',
};

describe('ejabberdExtauthConfig', () => {
  const text = ejabberdExtauthConfig({
    domain: 'example.org',
    program: '/usr/bin/node /opt/allmende/dist/cli/main.js jabber extauth --token-file /etc/ejabberd/allmende.token',
    poolSize: 2,
  });

  it('configures external auth with the program, the pool and no ejabberd cache', () => {
    expect(text).toContain('auth_method: [external]');
    expect(text).toContain(
      'extauth_program: "/usr/bin/node /opt/allmende/dist/cli/main.js jabber extauth --token-file /etc/ejabberd/allmende.token"',
    );
    expect(text).toContain('extauth_pool_size: 2');
    expect(text).toContain('auth_use_cache: false');
    expect(text).toContain('  - "example.org"');
  });

  it('escapes quotes and backslashes in YAML strings', () => {
    const odd = ejabberdExtauthConfig({ domain: 'example.org', program: '/opt/a"b\\c', poolSize: 1 });
    expect(odd).toContain('extauth_program: "/opt/a\\"b\\\\c"');
  });
});

describe('ejabberdLdapConfig', () => {
  const text = ejabberdLdapConfig('example.org', dir);

  it('binds against ou=people with uid as the login and says it is untested', () => {
    expect(text).toContain('auth_method: [ldap]');
    expect(text).toContain('ldap_servers:\n  - "127.0.0.1"');
    expect(text).toContain('ldap_port: 3389');
    expect(text).toContain('ldap_base: "ou=people,dc=example,dc=org"');
    expect(text).toContain('ldap_uids:\n  uid: "%u"');
    expect(text).toContain('NOT YET TESTED');
  });

  it('makes shared roster groups from ou=groups', () => {
    expect(text).toContain('mod_shared_roster_ldap:');
    expect(text).toContain('ldap_base: "ou=groups,dc=example,dc=org"');
    expect(text).toContain('ldap_memberattr_format_re: "uid=([^,]+),ou=people,dc=example,dc=org"');
  });

  it('uses TLS and port 636 for ldaps', () => {
    const tls = ejabberdLdapConfig('example.org', { ...dir, uri: 'ldaps://ldap.example.org' });
    expect(tls).toContain('ldap_port: 636');
    expect(tls).toContain('ldap_encrypt: tls');
  });

  it('refuses a URI that is not LDAP', () => {
    expect(() => ejabberdLdapConfig('example.org', { ...dir, uri: 'http://x' })).toThrow('not an LDAP URI');
  });
});

describe('prosodyLdapConfig', () => {
  const text = prosodyLdapConfig('example.org', dir);

  it('uses LDAP in bind mode with the uid filter', () => {
    expect(text).toContain('VirtualHost "example.org"');
    expect(text).toContain('authentication = "ldap"');
    expect(text).toContain('ldap_server = "127.0.0.1:3389"');
    expect(text).toContain('ldap_base = "ou=people,dc=example,dc=org"');
    expect(text).toContain('ldap_filter = "(uid=$user)"');
    expect(text).toContain('ldap_mode = "bind"');
    expect(text).toContain('ldap_tls = false');
  });
});
