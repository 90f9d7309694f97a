import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { createServer as createTcpServer, type AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

// `allmende jabber extauth` as ejabberd runs it: a child process speaking the protocol on its
// stdin and stdout. These cases need no ejabberd (the lab test runs the real one).
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const NODE = join(ROOT, 'node_modules', '.bin', 'node');
const MAIN = join(ROOT, 'dist', 'cli', 'main.js');

function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

// Starts the program against url; answers() waits for n answers (1 yes, 0 no) or fails.
function extauth(url: string, timeoutMs = 1000) {
  const child: ChildProcess = spawn(NODE, [MAIN, 'jabber', 'extauth', '--url', url, '--timeout', String(timeoutMs)], {
    env: { PATH: process.env.PATH ?? '', ALLMENDE_JABBER_TOKEN: 'am_test-token' },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let out = Buffer.alloc(0);
  let err = '';
  child.stdout?.on('data', (c: Buffer) => (out = Buffer.concat([out, c])));
  child.stderr?.on('data', (c: Buffer) => (err += c.toString('utf8')));
  return {
    child,
    write: (bytes: Buffer) => child.stdin?.write(bytes),
    stderr: () => err,
    async answers(n: number, waitMs = 15_000): Promise<number[]> {
      const until = Date.now() + waitMs;
      while (out.length < 4 * n && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
      expect(out.length, `stdout: ${out.toString('hex')}\nstderr: ${err}`).toBe(4 * n);
      const answers: number[] = [];
      for (let i = 0; i < out.length; i += 4) {
        expect([...out.subarray(i, i + 3)]).toEqual([0, 2, 0]);
        answers.push(out[i + 3] ?? -1);
      }
      return answers;
    },
    async close(): Promise<number | null> {
      child.stdin?.end();
      if (child.exitCode !== null) return child.exitCode;
      return new Promise((done) => child.once('exit', (code) => done(code)));
    },
  };
}

// A stand-in for allmende: yes for karl's password with colons, and one route that never answers.
let fake: Server;
let fakeUrl: string;
let closedUrl: string;

beforeAll(async () => {
  fake = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString('utf8')));
    req.on('end', () => {
      const { user, password } = JSON.parse(body) as { user: string; password?: string };
      if (req.headers.authorization !== 'Bearer am_test-token') {
        res.writeHead(401).end();
        return;
      }
      if (user === 'langsam') return; // never answers: the program must give up on its own
      res.setHeader('content-type', 'application/json');
      if (req.url === '/api/jabber/auth') res.end(JSON.stringify({ ok: user === 'karl' && password === 'a:b:c' }));
      else res.end(JSON.stringify({ exists: user === 'karl' }));
    });
  });
  await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
  fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
  // A port that was free a moment ago and is closed now: nobody listens.
  const probe = createTcpServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  closedUrl = `http://127.0.0.1:${(probe.address() as AddressInfo).port}`;
  await new Promise((r) => probe.close(r));
});

afterAll(async () => {
  fake.closeAllConnections();
  await new Promise((r) => fake.close(r));
});

describe('allmende jabber extauth', () => {
  it('answers on stdout only, in order, with a password that contains colons', async () => {
    const p = extauth(fakeUrl);
    p.write(Buffer.concat([frame('auth:karl:example.org:a:b:c'), frame('auth:karl:example.org:a:b')]));
    p.write(frame('isuser:karl:example.org'));
    expect(await p.answers(3)).toEqual([1, 0, 1]);
    expect(await p.close()).toBe(0);
  });

  it('answers no to a malformed frame and an unknown command, and keeps serving', async () => {
    const p = extauth(fakeUrl);
    p.write(Buffer.concat([Buffer.from([0, 0]), frame('bogus:karl:example.org'), frame('setpass:karl:example.org:x')]));
    expect(await p.answers(3)).toEqual([0, 0, 0]);
    // A length that promises more than ever comes: dropped after a moment, answered no.
    p.write(Buffer.from([0x40, 0x00, 0x61, 0x75]));
    expect(await p.answers(4)).toEqual([0, 0, 0, 0]);
    p.write(frame('auth:karl:example.org:a:b:c'));
    expect(await p.answers(5)).toEqual([0, 0, 0, 0, 1]);
    expect(p.stderr()).toContain('unknown command');
    expect(p.stderr()).toContain('setpass is not allowed');
    expect(await p.close()).toBe(0);
  });

  it('answers no when allmende is unreachable', async () => {
    const p = extauth(closedUrl);
    p.write(frame('auth:karl:example.org:a:b:c'));
    expect(await p.answers(1)).toEqual([0]);
    expect(p.stderr()).toContain('/api/jabber/auth');
    await p.close();
  });

  it('answers no when allmende does not answer within the timeout, then serves the next request', async () => {
    const p = extauth(fakeUrl, 500);
    p.write(frame('auth:langsam:example.org:a:b:c'));
    p.write(frame('auth:karl:example.org:a:b:c'));
    expect(await p.answers(2)).toEqual([0, 1]);
    expect(p.stderr()).toContain('no answer within 500 ms');
    await p.close();
  });

  it('refuses to start without a token, saying so on stderr and nothing on stdout', async () => {
    const child = spawn(NODE, [MAIN, 'jabber', 'extauth'], { env: { PATH: process.env.PATH ?? '' } });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise((done) => child.once('exit', done));
    expect(code).toBe(1);
    expect(out).toBe('');
    expect(err).toContain('ALLMENDE_JABBER_TOKEN');
  });
});
