import type { JabberAuthClient } from './extauth.client.js';

// In-memory allmende for tests of the program: accounts as user@server → password.
export class FakeJabberAuthClient implements JabberAuthClient {
  readonly asked: string[] = [];

  constructor(private readonly accounts: Record<string, string> = {}) {}

  auth(user: string, server: string, password: string): Promise<boolean> {
    this.asked.push(`auth:${user}@${server}`);
    return Promise.resolve(this.accounts[`${user}@${server}`] === password);
  }

  isUser(user: string, server: string): Promise<boolean> {
    this.asked.push(`isuser:${user}@${server}`);
    return Promise.resolve(`${user}@${server}` in this.accounts);
  }
}
