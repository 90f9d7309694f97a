import type { ListMember, MailmanClient } from './mailman.client.js';
import { MailmanError } from './mailman-sync.errors.js';

// In-memory Mailman for tests of everything above the client. `down` makes every call fail as
// an unreachable Mailman would; `failFor` makes calls about one address fail.
export class FakeMailmanClient implements MailmanClient {
  readonly lists = new Map<string, Map<string, ListMember>>();
  readonly names = new Map<string, string>();
  down = false;
  readonly failFor = new Set<string>();
  calls = 0;
  // Makes every read wait, to hold a run open (lock tests).
  delayMs = 0;
  // As Mailman: the first subscription of an address creates it, which takes a moment; a second
  // subscription of the same new address meanwhile collides (Mailman answers 400).
  collideOnNewAddress = false;
  private readonly creating = new Set<string>();
  private nextId = 1;

  createList(list: string, members: { email: string; displayName?: string }[] = []): void {
    const roster = new Map<string, ListMember>();
    for (const m of members) roster.set(m.email, this.member(m.email, m.displayName ?? ''));
    this.lists.set(list, roster);
  }

  emails(list: string): string[] {
    return [...(this.lists.get(list)?.keys() ?? [])].sort();
  }

  async roster(list: string): Promise<ListMember[] | null> {
    if (this.delayMs > 0) await new Promise((r) => setTimeout(r, this.delayMs));
    this.check();
    const roster = this.lists.get(list);
    return roster ? [...roster.values()].map((m) => ({ ...m, displayName: this.names.get(m.email) ?? '' })) : null;
  }

  async subscribe(list: string, email: string, displayName: string): Promise<string | null> {
    this.check(email);
    if (this.collideOnNewAddress && !this.names.has(email)) {
      if (this.creating.has(email)) throw new MailmanError('bad_request', `UNIQUE constraint failed: ${email}`, 400);
      this.creating.add(email);
      await new Promise((r) => setTimeout(r, 20));
      this.creating.delete(email);
    }
    const roster = this.lists.get(list);
    if (!roster) throw new MailmanError('bad_request', 'No such list', 400);
    if (roster.has(email)) return null;
    const m = this.member(email, displayName);
    roster.set(email, m);
    return m.memberId;
  }

  unsubscribe(list: string, email: string, memberId?: string): Promise<void> {
    this.check();
    const roster = this.lists.get(list);
    for (const [e, m] of roster ?? []) if (m.memberId === memberId || (!memberId && e === email)) roster?.delete(e);
    return Promise.resolve();
  }

  setDisplayName(email: string, displayName: string): Promise<void> {
    this.check(email);
    this.names.set(email, displayName);
    return Promise.resolve();
  }

  private member(email: string, displayName: string): ListMember {
    if (!this.names.has(email) || displayName) this.names.set(email, displayName);
    return { email, displayName, memberId: `m${this.nextId++}` };
  }

  private check(email?: string): void {
    this.calls++;
    if (this.down) throw new MailmanError('unreachable', 'cannot reach Mailman at fake: ECONNREFUSED');
    if (email && this.failFor.has(email))
      throw new MailmanError('server_error', `Mailman failed (500) for ${email}`, 500);
  }
}
