// How the extauth program asks allmende: over HTTP with a service token (scope jabber:auth).
// The program holds no database credentials and never sees a hash.

export interface JabberAuthClient {
  // True only if allmende said yes; anything else (no, an error, a timeout) is false.
  auth(user: string, server: string, password: string): Promise<boolean>;
  isUser(user: string, server: string): Promise<boolean>;
}

export interface HttpJabberAuthOptions {
  // allmende's base URL, e.g. http://127.0.0.1:3000
  url: string;
  token: string;
  // Well inside ejabberd's own wait for an answer, so a slow allmende means "no", never a hang.
  timeoutMs: number;
  // Where failures are reported (stderr in the program: stdout carries only answers).
  warn(message: string): void;
}

export class HttpJabberAuthClient implements JabberAuthClient {
  private readonly base: string;

  constructor(private readonly options: HttpJabberAuthOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  async auth(user: string, server: string, password: string): Promise<boolean> {
    return (await this.post('/api/jabber/auth', { user, server, password }, user))?.ok === true;
  }

  async isUser(user: string, server: string): Promise<boolean> {
    return (await this.post('/api/jabber/isuser', { user, server }, user))?.exists === true;
  }

  // No retry: ejabberd's user is waiting, and a second try would double the wait.
  private async post(
    path: string,
    body: Record<string, string>,
    user: string,
  ): Promise<{ ok?: unknown; exists?: unknown } | undefined> {
    try {
      const res = await fetch(this.base + path, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.options.token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
      if (!res.ok) {
        const text = (await res.text()).slice(0, 300);
        this.options.warn(`${path} for ${JSON.stringify(user)}: HTTP ${res.status} ${text}`);
        return undefined;
      }
      return (await res.json()) as { ok?: unknown; exists?: unknown };
    } catch (err) {
      const name = err instanceof Error ? err.name : '';
      const reason =
        name === 'TimeoutError' ? `no answer within ${this.options.timeoutMs} ms` : describeFetchError(err);
      this.options.warn(`${path} for ${JSON.stringify(user)}: ${reason}`);
      return undefined;
    }
  }
}

function describeFetchError(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
