// ejabberd's external authentication protocol, pure: no I/O, no Nest.
//
// ejabberd writes requests as a 2-byte big-endian length followed by that many bytes of
// `command:User:Server[:Password]`, and reads answers as `00 02 00 01` (yes) or `00 02 00 00` (no).
// Only the first three ':' separate fields: a password may contain ':' itself.

export type ExtauthRequest =
  | { kind: 'auth'; user: string; server: string; password: string }
  | { kind: 'isuser'; user: string; server: string }
  // Requests allmende never grants (accounts and passwords live in allmende, not in ejabberd).
  | { kind: 'refused'; command: string }
  // A frame that is not a request at all; answered no, and the program keeps serving.
  | { kind: 'malformed'; reason: string };

export const YES = Buffer.from([0, 2, 0, 1]);
export const NO = Buffer.from([0, 2, 0, 0]);

export function encodeAnswer(yes: boolean): Buffer {
  return yes ? YES : NO;
}

const REFUSED = new Set(['setpass', 'tryregister', 'removeuser', 'removeuser3']);

// Splits at the first `count` colons; the rest (colons included) is the last field.
function splitFirst(text: string, count: number): string[] {
  const parts: string[] = [];
  let rest = text;
  for (let i = 0; i < count; i++) {
    const at = rest.indexOf(':');
    if (at < 0) break;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  parts.push(rest);
  return parts;
}

export function parseRequest(frame: Buffer): ExtauthRequest {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(frame);
  } catch {
    return { kind: 'malformed', reason: 'not UTF-8' };
  }
  const command = text.slice(0, Math.max(0, text.indexOf(':')));
  if (command === 'auth') {
    const [, user, server, password] = splitFirst(text, 3);
    if (user === undefined || server === undefined || password === undefined)
      return { kind: 'malformed', reason: 'auth needs User:Server:Password' };
    if (user === '' || server === '') return { kind: 'malformed', reason: 'empty user or server' };
    return { kind: 'auth', user, server, password };
  }
  if (command === 'isuser') {
    const [, user, server, extra] = splitFirst(text, 3);
    if (user === undefined || server === undefined || extra !== undefined)
      return { kind: 'malformed', reason: 'isuser needs User:Server' };
    if (user === '' || server === '') return { kind: 'malformed', reason: 'empty user or server' };
    return { kind: 'isuser', user, server };
  }
  if (REFUSED.has(command)) return { kind: 'refused', command };
  return { kind: 'malformed', reason: command === '' ? 'no command' : 'unknown command' };
}

// A streaming decoder: feed it chunks as they arrive on stdin, get the complete frames back.
// A frame may be split across chunks, and one chunk may carry several frames.
// A zero length is a malformed frame of its own (answered no), so the stream stays in step.
export class FrameDecoder {
  private buffer: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Buffer[] {
    this.buffer = this.buffer.length === 0 ? chunk : Buffer.concat([this.buffer, chunk]);
    const frames: Buffer[] = [];
    while (this.buffer.length >= 2) {
      const length = this.buffer.readUInt16BE(0);
      if (this.buffer.length < 2 + length) break;
      frames.push(this.buffer.subarray(2, 2 + length));
      this.buffer = this.buffer.subarray(2 + length);
    }
    return frames;
  }

  // Bytes of an unfinished frame. ejabberd writes each request whole, so bytes that stay
  // unfinished mean a length that lies: the caller drops them (answering no) to get back in step.
  get pending(): number {
    return this.buffer.length;
  }

  drop(): void {
    this.buffer = Buffer.alloc(0);
  }
}
