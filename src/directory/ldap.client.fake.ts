import type { Attributes, DirectoryEntry } from './directory-sync.plan.js';
import { DirectoryError } from './directory.errors.js';
import type { LdapClient, Subtree } from './ldap.client.js';

// In-memory LdapClient: entries by lower-cased DN. `down` makes every call fail as an outage.
export class FakeLdapClient implements LdapClient {
  readonly entries = new Map<string, DirectoryEntry>();
  down = false;

  constructor(private readonly base: string) {}

  list(subtree: Subtree, attributes: readonly string[]): Promise<DirectoryEntry[]> {
    this.check();
    const suffix = `,ou=${subtree},${this.base}`.toLowerCase();
    const out = [...this.entries.values()]
      .filter((e) => e.dn.toLowerCase().endsWith(suffix) && !e.dn.slice(0, -suffix.length).includes(','))
      .map((e) => ({
        dn: e.dn,
        attributes: Object.fromEntries(Object.entries(e.attributes).filter(([k]) => attributes.includes(k))),
      }));
    return Promise.resolve(out);
  }

  add(dn: string, attributes: Attributes): Promise<void> {
    this.check();
    if (this.entries.has(dn.toLowerCase())) return Promise.reject(new DirectoryError('exists', `${dn} exists`));
    this.entries.set(dn.toLowerCase(), { dn, attributes: structuredClone(attributes) });
    return Promise.resolve();
  }

  replace(dn: string, changes: Attributes): Promise<void> {
    this.check();
    const e = this.entries.get(dn.toLowerCase());
    if (!e) return Promise.reject(new DirectoryError('failed', `${dn} does not exist`));
    for (const [k, v] of Object.entries(changes)) {
      if (v.length === 0) delete e.attributes[k];
      else e.attributes[k] = [...v];
    }
    return Promise.resolve();
  }

  remove(dn: string): Promise<void> {
    this.check();
    this.entries.delete(dn.toLowerCase());
    return Promise.resolve();
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private check(): void {
    if (this.down) throw new DirectoryError('unreachable', 'directory unreachable (fake)');
  }
}
