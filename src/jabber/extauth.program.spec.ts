import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { FakeJabberAuthClient } from './extauth.client.fake.js';
import { serveExtauth } from './extauth.program.js';

function frame(text: string): Buffer {
  const body = Buffer.from(text, 'utf8');
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

// Feeds the chunks to the program and returns the answers it wrote (1 = yes, 0 = no) and its warnings.
async function run(chunks: Buffer[], { pauseMs = 0 } = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const written: Buffer[] = [];
  output.on('data', (c: Buffer) => written.push(c));
  const warnings: string[] = [];
  const client = new FakeJabberAuthClient({ 'karl@example.org': 'a:b:c geheim' });
  const done = serveExtauth(input, output, client, { warn: (m) => warnings.push(m) }, 20);
  for (const chunk of chunks) {
    input.write(chunk);
    if (pauseMs > 0) await new Promise((r) => setTimeout(r, pauseMs));
  }
  input.end();
  await done;
  const bytes = Buffer.concat(written);
  const answers: number[] = [];
  for (let i = 0; i < bytes.length; i += 4) {
    expect([...bytes.subarray(i, i + 3)]).toEqual([0, 2, 0]);
    answers.push(bytes[i + 3] ?? -1);
  }
  expect(bytes.length % 4).toBe(0);
  return { answers, warnings };
}

describe('serveExtauth', () => {
  it('answers auth and isuser in request order, with a colon-laden password', async () => {
    const { answers } = await run([
      Buffer.concat([
        frame('auth:karl:example.org:a:b:c geheim'),
        frame('auth:karl:example.org:falsch'),
        frame('isuser:karl:example.org'),
        frame('isuser:rosa:example.org'),
      ]),
    ]);
    expect(answers).toEqual([1, 0, 1, 0]);
  });

  it('answers no to setpass, tryregister, removeuser and unknown commands, and keeps serving', async () => {
    const { answers, warnings } = await run([
      frame('setpass:karl:example.org:neu'),
      frame('tryregister:rosa:example.org:x'),
      frame('removeuser:karl:example.org'),
      frame('removeuser3:karl:example.org:a:b:c geheim'),
      frame('frobnicate:karl'),
      frame('auth:karl:example.org:a:b:c geheim'),
    ]);
    expect(answers).toEqual([0, 0, 0, 0, 0, 1]);
    expect(warnings).toHaveLength(5);
  });

  it('answers no to a zero length and to a length that lies, then serves the next request', async () => {
    const { answers } = await run(
      [Buffer.from([0, 0]), Buffer.from([0x7f, 0xff, 0x61, 0x62]), frame('auth:karl:example.org:a:b:c geheim')],
      { pauseMs: 60 },
    );
    expect(answers).toEqual([0, 0, 1]);
  });

  it('answers a request whose bytes arrive one at a time', async () => {
    const bytes = frame('isuser:karl:example.org');
    const { answers } = await run([...bytes].map((b) => Buffer.from([b])));
    expect(answers).toEqual([1]);
  });
});
