import { describe, expect, it } from 'vitest';
import { encodeAnswer, FrameDecoder, parseRequest, type ExtauthRequest } from './extauth.protocol.js';

function frame(text: string | Buffer): Buffer {
  const body = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
  const head = Buffer.alloc(2);
  head.writeUInt16BE(body.length);
  return Buffer.concat([head, body]);
}

describe('parseRequest', () => {
  const cases: [string, string | Buffer, ExtauthRequest][] = [
    ['auth', 'auth:karl:example.org:geheim', { kind: 'auth', user: 'karl', server: 'example.org', password: 'geheim' }],
    // Only the first three colons split: the rest is the password, colons and all.
    [
      'password with colons',
      'auth:karl:example.org:a:b::c:',
      { kind: 'auth', user: 'karl', server: 'example.org', password: 'a:b::c:' },
    ],
    ['empty password', 'auth:karl:example.org:', { kind: 'auth', user: 'karl', server: 'example.org', password: '' }],
    [
      'non-ASCII password',
      'auth:karl:example.org:Grüße für alle',
      { kind: 'auth', user: 'karl', server: 'example.org', password: 'Grüße für alle' },
    ],
    ['isuser', 'isuser:karl:example.org', { kind: 'isuser', user: 'karl', server: 'example.org' }],
    ['setpass', 'setpass:karl:example.org:neu', { kind: 'refused', command: 'setpass' }],
    ['tryregister', 'tryregister:karl:example.org:neu', { kind: 'refused', command: 'tryregister' }],
    ['removeuser', 'removeuser:karl:example.org', { kind: 'refused', command: 'removeuser' }],
    ['removeuser3', 'removeuser3:karl:example.org:alt', { kind: 'refused', command: 'removeuser3' }],
    [
      'auth without password',
      'auth:karl:example.org',
      { kind: 'malformed', reason: 'auth needs User:Server:Password' },
    ],
    ['auth with empty user', 'auth::example.org:x', { kind: 'malformed', reason: 'empty user or server' }],
    [
      'isuser with a fourth field',
      'isuser:karl:example.org:x',
      { kind: 'malformed', reason: 'isuser needs User:Server' },
    ],
    ['unknown command', 'login:karl:example.org:x', { kind: 'malformed', reason: 'unknown command' }],
    ['no colon at all', 'auth', { kind: 'malformed', reason: 'no command' }],
    ['empty frame', '', { kind: 'malformed', reason: 'no command' }],
    ['not UTF-8', Buffer.from([0x61, 0x75, 0x74, 0x68, 0x3a, 0xff, 0xfe]), { kind: 'malformed', reason: 'not UTF-8' }],
  ];
  it.each(cases)('%s', (_, input, expected) => {
    expect(parseRequest(typeof input === 'string' ? Buffer.from(input, 'utf8') : input)).toEqual(expected);
  });
});

describe('FrameDecoder', () => {
  const text = (frames: Buffer[]) => frames.map((f) => f.toString('utf8'));

  it('returns a frame that arrives whole', () => {
    expect(text(new FrameDecoder().push(frame('isuser:karl:example.org')))).toEqual(['isuser:karl:example.org']);
  });

  it('joins a frame split across chunks, even inside the length', () => {
    const bytes = frame('auth:karl:example.org:geheim');
    const d = new FrameDecoder();
    expect(d.push(bytes.subarray(0, 1))).toEqual([]);
    expect(d.push(bytes.subarray(1, 7))).toEqual([]);
    expect(d.pending).toBe(7);
    expect(text(d.push(bytes.subarray(7)))).toEqual(['auth:karl:example.org:geheim']);
    expect(d.pending).toBe(0);
  });

  it('splits several frames in one chunk, keeping a trailing partial one', () => {
    const third = frame('isuser:c:example.org');
    const d = new FrameDecoder();
    const chunk = Buffer.concat([frame('isuser:a:example.org'), frame('isuser:b:example.org'), third.subarray(0, 4)]);
    expect(text(d.push(chunk))).toEqual(['isuser:a:example.org', 'isuser:b:example.org']);
    expect(text(d.push(third.subarray(4)))).toEqual(['isuser:c:example.org']);
  });

  it('turns a zero length into an empty frame and stays in step', () => {
    const d = new FrameDecoder();
    expect(text(d.push(Buffer.concat([Buffer.from([0, 0]), frame('isuser:a:example.org')])))).toEqual([
      '',
      'isuser:a:example.org',
    ]);
  });

  it('drops an unfinished frame on request, then decodes what follows', () => {
    const d = new FrameDecoder();
    expect(d.push(Buffer.from([0xff, 0xff, 0x61]))).toEqual([]);
    d.drop();
    expect(text(d.push(frame('isuser:a:example.org')))).toEqual(['isuser:a:example.org']);
  });
});

describe('encodeAnswer', () => {
  it('writes 00 02 00 01 for yes and 00 02 00 00 for no', () => {
    expect([...encodeAnswer(true)]).toEqual([0, 2, 0, 1]);
    expect([...encodeAnswer(false)]).toEqual([0, 2, 0, 0]);
  });
});
