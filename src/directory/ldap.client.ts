import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { Attribute, Change, Client } from 'ldapts';
import type { LdapConfig } from '../config/config.js';
import type { Attributes, DirectoryEntry } from './directory-sync.plan.js';
import { directoryError, DirectoryError } from './directory.errors.js';

// The two subtrees allmende keeps: people and groups.
export type Subtree = 'people' | 'groups';

export interface LdapClient {
  // Every entry directly under ou=<subtree>,<base> with the named attributes (names as given).
  // Throws DirectoryError('no_base') when that ou does not exist.
  list(subtree: Subtree, attributes: readonly string[]): Promise<DirectoryEntry[]>;
  add(dn: string, attributes: Attributes): Promise<void>;
  // Replaces each listed attribute; [] removes it.
  replace(dn: string, changes: Attributes): Promise<void>;
  // Gone already is fine.
  remove(dn: string): Promise<void>;
  close(): Promise<void>;
}

const PAGE_SIZE = 1000;

// ldapts over one connection, bound as allmende's writer. A dropped connection is replaced by a
// new one (StartTLS and bind again) at the next operation; no retries here (the next run is).
export class LdaptsClient implements LdapClient {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;
  private readonly password: string;

  constructor(private readonly config: LdapConfig) {
    this.password = config.bindPassword ?? readPasswordFile(config.bindPasswordFile ?? '');
    // An empty password would make an unauthenticated bind (RFC 4513 5.1.2), not a login.
    if (this.password === '') throw new Error('the LDAP bind password is empty');
  }

  async list(subtree: Subtree, attributes: readonly string[]): Promise<DirectoryEntry[]> {
    const under = `ou=${subtree},${this.config.base}`;
    const client = await this.connection();
    const out: DirectoryEntry[] = [];
    try {
      for await (const page of client.searchPaginated(under, {
        scope: 'one',
        filter: '(objectClass=*)',
        attributes: [...attributes],
        paged: { pageSize: PAGE_SIZE },
      })) {
        for (const e of page.searchEntries) out.push(toEntry(e, attributes));
      }
    } catch (err) {
      if ((err as { code?: unknown }).code === 32) {
        throw new DirectoryError(
          'no_base',
          `${under} does not exist in the directory at ${this.config.url}: load the base entries (\`allmende directory config\` prints them)`,
        );
      }
      throw directoryError(err, `reading ${under}`);
    }
    return out;
  }

  async add(dn: string, attributes: Attributes): Promise<void> {
    const values = Object.fromEntries(Object.entries(attributes).filter(([, v]) => v.length > 0));
    await this.op(`adding ${dn}`, (c) => c.add(dn, values));
  }

  async replace(dn: string, changes: Attributes): Promise<void> {
    const list = Object.entries(changes).map(
      ([type, values]) => new Change({ operation: 'replace', modification: new Attribute({ type, values }) }),
    );
    if (list.length > 0) await this.op(`changing ${dn}`, (c) => c.modify(dn, list));
  }

  async remove(dn: string): Promise<void> {
    const client = await this.connection();
    try {
      await client.del(dn);
    } catch (err) {
      if ((err as { code?: unknown }).code === 32) return; // no such object
      throw directoryError(err, `deleting ${dn}`);
    }
  }

  async close(): Promise<void> {
    const c = this.client;
    this.client = undefined;
    await c?.unbind().catch(() => undefined);
  }

  private async op(doing: string, fn: (c: Client) => Promise<unknown>): Promise<void> {
    const client = await this.connection();
    try {
      await fn(client);
    } catch (err) {
      throw directoryError(err, doing);
    }
  }

  // One bound connection, shared by the concurrent actions of a run.
  private async connection(): Promise<Client> {
    if (this.client?.isConnected && this.client.isBound) return this.client;
    this.connecting ??= this.connect().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async connect(): Promise<Client> {
    await this.close();
    const ca = this.config.caFile ? readFileSync(this.config.caFile) : undefined;
    // The certificate is checked against the URL's host; SNI only carries names, not addresses.
    const host = new URL(this.config.url).hostname.replace(/^\[|\]$/g, '');
    const tlsOptions = { ca, minVersion: 'TLSv1.2' as const, host, servername: isIP(host) ? undefined : host };
    const client = new Client({
      url: this.config.url,
      timeout: this.config.timeoutMs,
      connectTimeout: this.config.timeoutMs,
      // ldapts speaks TLS from the start whenever tlsOptions are given: only for ldaps://.
      tlsOptions: this.config.url.startsWith('ldaps:') ? tlsOptions : undefined,
      strictDN: false,
    });
    try {
      if (this.config.startTls) await client.startTLS(tlsOptions);
      await client.bind(this.config.bindDn, this.password);
    } catch (err) {
      await client.unbind().catch(() => undefined);
      throw directoryError(err, `binding as ${this.config.bindDn} to ${this.config.url}`);
    }
    this.client = client;
    return client;
  }
}

function toEntry(e: { dn: string; [k: string]: unknown }, wanted: readonly string[]): DirectoryEntry {
  const byLower = new Map(wanted.map((w) => [w.toLowerCase(), w]));
  const attributes: Attributes = {};
  for (const [key, raw] of Object.entries(e)) {
    if (key === 'dn') continue;
    const name = byLower.get(key.toLowerCase());
    if (!name) continue;
    const list = Array.isArray(raw) ? (raw as unknown[]) : [raw];
    attributes[name] = list.map((v) => (Buffer.isBuffer(v) ? v.toString('utf8') : String(v)));
  }
  return { dn: e.dn, attributes };
}

// Fails start-up with the variable's name rather than a bare ENOENT.
export function readPasswordFile(file: string): string {
  try {
    return readFileSync(file, 'utf8').trim();
  } catch (err) {
    throw new Error(`ALLMENDE_LDAP_BIND_PASSWORD_FILE: cannot read ${file}: ${(err as Error).message}`, {
      cause: err,
    });
  }
}
