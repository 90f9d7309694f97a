import { MailmanError } from './mailman-sync.errors.js';

// A subscriber as allmende sees it. memberId is Mailman's id of the subscription.
export interface ListMember {
  email: string;
  displayName: string;
  memberId: string;
}

export interface MailmanClient {
  // Lists are named by their posting address (fqdn_listname). null when the list does not exist.
  roster(list: string): Promise<ListMember[] | null>;
  // Subscribes without confirmation, approval or welcome mail. Returns Mailman's member id, or
  // null if the address was subscribed already.
  subscribe(list: string, email: string, displayName: string): Promise<string | null>;
  // By Mailman's member id, or by address when the id is not known; gone already is fine.
  unsubscribe(list: string, email: string, memberId?: string): Promise<void>;
  // Mailman keeps the display name on the address, so it changes on every list at once.
  setDisplayName(email: string, displayName: string): Promise<void>;
}

export interface MailmanClientOptions {
  url: string; // e.g. http://127.0.0.1:8001 (the /3.1 is ours)
  user: string;
  password: string;
  timeoutMs: number;
}

interface RosterPage {
  entries?: { email: string; display_name?: string; member_id: string }[];
  total_size: number;
}

// Mailman loads every member of the list for each page and then slices: few big pages are
// much cheaper than many small ones (10,000 members: ~3 s in one page, ~14 s in pages of 1,000).
const PAGE = 10_000;

// Mailman 3 core's REST API 3.1 with plain fetch. One bounded retry for reads on a reset
// connection or a 502/503 (a restarting Mailman); writes are not retried here (the next run is).
export class HttpMailmanClient implements MailmanClient {
  private readonly base: string;
  private readonly auth: string;

  constructor(private readonly opts: MailmanClientOptions) {
    this.base = `${opts.url.replace(/\/+$/, '')}/3.1`;
    this.auth = `Basic ${Buffer.from(`${opts.user}:${opts.password}`).toString('base64')}`;
  }

  // /members/find with `fields` serialises only what we read: ~5× faster than the roster resource,
  // which computes every member's user, address and preference links.
  async roster(list: string): Promise<ListMember[] | null> {
    try {
      await this.request('GET', `/lists/${enc(listId(list))}`);
    } catch (err) {
      if (err instanceof MailmanError && err.code === 'not_found') return null;
      throw err;
    }
    const out: ListMember[] = [];
    const query = `list_id=${enc(listId(list))}&role=member&fields=email&fields=display_name&fields=member_id`;
    for (let page = 1; ; page++) {
      const body = await this.json<RosterPage>('GET', `/members/find?${query}&count=${PAGE}&page=${page}`);
      for (const e of body.entries ?? []) {
        out.push({ email: e.email.toLowerCase(), displayName: e.display_name ?? '', memberId: e.member_id });
      }
      if ((body.entries ?? []).length < PAGE || out.length >= body.total_size) return out;
    }
  }

  async subscribe(list: string, email: string, displayName: string): Promise<string | null> {
    try {
      const res = await this.request('POST', '/members', {
        list_id: listId(list),
        subscriber: email,
        display_name: displayName,
        pre_verified: true,
        pre_confirmed: true,
        pre_approved: true,
        send_welcome_message: false,
      });
      // 201 with Location: …/3.1/members/<id>
      return res.headers.get('location')?.split('/').pop() ?? '';
    } catch (err) {
      if (err instanceof MailmanError && err.code === 'conflict') return null;
      throw err;
    }
  }

  async unsubscribe(list: string, email: string, memberId?: string): Promise<void> {
    try {
      let id = memberId;
      if (!id) {
        const m = await this.json<{ member_id: string }>('GET', `/lists/${enc(listId(list))}/member/${enc(email)}`);
        id = m.member_id;
      }
      await this.request('DELETE', `/members/${enc(id)}`);
    } catch (err) {
      if (err instanceof MailmanError && err.code === 'not_found') return; // gone already
      throw err;
    }
  }

  async setDisplayName(email: string, displayName: string): Promise<void> {
    await this.request('PATCH', `/addresses/${enc(email)}`, { display_name: displayName });
  }

  private async json<T>(method: string, path: string): Promise<T> {
    const res = await this.request(method, path);
    try {
      return (await res.json()) as T;
    } catch {
      throw new MailmanError('bad_answer', `Mailman answered ${method} ${path} with something that is not JSON`);
    }
  }

  private async request(method: string, path: string, body?: Record<string, unknown>): Promise<Response> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.once(method, path, body);
      } catch (err) {
        const transient =
          err instanceof MailmanError && (err.code === 'unreachable' || err.status === 502 || err.status === 503);
        if (method !== 'GET' || attempt >= 2 || !transient) throw err;
        await new Promise((r) => setTimeout(r, 300));
      }
    }
  }

  private async once(method: string, path: string, body?: Record<string, unknown>): Promise<Response> {
    let res: Response;
    try {
      res = await fetch(`${this.base}${path}`, {
        method,
        headers: {
          authorization: this.auth,
          accept: 'application/json',
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(this.opts.timeoutMs),
      });
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } };
      if (e.name === 'TimeoutError' || e.name === 'AbortError') {
        throw new MailmanError('timeout', `Mailman did not answer ${method} ${path} within ${this.opts.timeoutMs} ms`);
      }
      const why = e.cause?.code ?? e.cause?.message ?? e.message;
      throw new MailmanError('unreachable', `cannot reach Mailman at ${this.opts.url}: ${why}`);
    }
    if (res.ok) return res;
    const text = (await res.text().catch(() => '')).slice(0, 300);
    const detail = describeBody(text);
    const where = `${method} ${path}`;
    if (res.status === 401 || res.status === 403) {
      throw new MailmanError('unauthorized', `Mailman refused the REST credentials (${res.status})`, res.status);
    }
    if (res.status === 404) throw new MailmanError('not_found', `${where}: not found`, 404);
    if (res.status === 409) throw new MailmanError('conflict', `${where}: ${detail || 'conflict'}`, 409);
    if (res.status >= 500)
      throw new MailmanError('server_error', `Mailman failed ${where} (${res.status}) ${detail}`, res.status);
    throw new MailmanError('bad_request', `Mailman refused ${where} (${res.status}): ${detail}`, res.status);
  }
}

// Mailman names a list by its id, the posting address with a dot for the @.
export function listId(address: string): string {
  return address.replace('@', '.');
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

// Mailman's errors are JSON ({"title": …, "description": …}) or plain text.
function describeBody(text: string): string {
  try {
    const j = JSON.parse(text) as { description?: string; title?: string };
    return j.description ?? j.title ?? text;
  } catch {
    return text;
  }
}
