import type { MediaWikiClient, NewWikiUser } from './mediawiki.client.js';
import type { WikiUser } from './wiki-sync.plan.js';
import { WikiError } from './wiki-sync.errors.js';

// In-memory wiki for tests above the client. `down` fails every call as a dropped connection would.
export class FakeMediaWikiClient implements MediaWikiClient {
  readonly users = new Map<number, WikiUser & { token: string }>();
  down = false;
  private nextId = 1;

  // A user made in the wiki itself (not by allmende).
  addForeignUser(name: string): number {
    const id = this.nextId++;
    this.users.set(id, {
      id,
      name,
      realName: '',
      email: '',
      password: ':pbkdf2:x',
      groups: [],
      blockedByUs: false,
      token: 't',
    });
    return id;
  }

  byName(name: string): (WikiUser & { token: string }) | undefined {
    return [...this.users.values()].find((u) => u.name === name);
  }

  usersById(ids: number[]): Promise<WikiUser[]> {
    this.check();
    return Promise.resolve(ids.flatMap((id) => (this.users.has(id) ? [this.copy(id)] : [])));
  }

  usersByName(names: string[]): Promise<WikiUser[]> {
    this.check();
    const wanted = new Set(names);
    return Promise.resolve([...this.users.values()].filter((u) => wanted.has(u.name)).map((u) => this.copy(u.id)));
  }

  createUser(u: NewWikiUser): Promise<number> {
    this.check();
    if (this.byName(u.name)) return Promise.reject(new WikiError('exists', `Duplicate entry '${u.name}'`));
    const id = this.nextId++;
    this.users.set(id, { id, ...u, groups: [...u.groups], blockedByUs: false, token: `t${id}` });
    return Promise.resolve(id);
  }

  updateProfile(id: number, realName: string, email: string): Promise<void> {
    return this.change(id, (u) => Object.assign(u, { realName, email }));
  }

  setPassword(id: number, password: string): Promise<void> {
    return this.change(id, (u) => Object.assign(u, { password, token: `${u.token}+` }));
  }

  setGroups(id: number, add: string[], remove: string[]): Promise<void> {
    return this.change(id, (u) => {
      u.groups = [...new Set([...u.groups, ...add])].filter((g) => !remove.includes(g));
    });
  }

  block(id: number): Promise<void> {
    return this.change(id, (u) => (u.blockedByUs = true));
  }

  unblock(id: number): Promise<void> {
    return this.change(id, (u) => (u.blockedByUs = false));
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  private copy(id: number): WikiUser {
    const { token: _token, ...u } = this.users.get(id) ?? ({} as never);
    return { ...u, groups: [...u.groups] };
  }

  private change(id: number, fn: (u: WikiUser & { token: string }) => void): Promise<void> {
    this.check();
    const u = this.users.get(id);
    if (!u) return Promise.reject(new WikiError('failed', `no wiki user #${id}`));
    fn(u);
    return Promise.resolve();
  }

  private check(): void {
    if (this.down) throw new WikiError('unreachable', 'wiki database unreachable: Connection lost');
  }
}
