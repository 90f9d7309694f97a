import type { Readable, Writable } from 'node:stream';
import type { JabberAuthClient } from './extauth.client.js';
import { encodeAnswer, FrameDecoder, parseRequest, type ExtauthRequest } from './extauth.protocol.js';

export interface ExtauthLog {
  warn(message: string): void;
}

// How long an unfinished frame may wait for the rest of its bytes. ejabberd writes each request
// in one go, so a frame still unfinished after this had a length that lied: it is answered no and
// dropped, and the program keeps serving.
export const PARTIAL_FRAME_MS = 1000;

// Serves ejabberd's requests from input until it closes; answers go to output, in request order,
// one per frame. Nothing but answers is ever written to output.
export function serveExtauth(
  input: Readable,
  output: Writable,
  client: JabberAuthClient,
  log: ExtauthLog,
  partialFrameMs = PARTIAL_FRAME_MS,
): Promise<void> {
  const decoder = new FrameDecoder();
  // One request at a time, answered in order (ejabberd waits for each answer anyway).
  let queue: Promise<void> = Promise.resolve();
  let partialTimer: NodeJS.Timeout | undefined;

  const answer = (yes: boolean) =>
    new Promise<void>((resolve) => {
      output.write(encodeAnswer(yes), () => resolve());
    });

  const enqueue = (work: () => Promise<boolean>) => {
    queue = queue.then(async () => answer(await work().catch(() => false)));
  };

  const dropPartial = () => {
    partialTimer = undefined;
    if (decoder.pending === 0) return;
    log.warn(`dropped ${decoder.pending} bytes of an unfinished request (its length is wrong); answered no`);
    decoder.drop();
    enqueue(() => Promise.resolve(false));
  };

  return new Promise((resolve, reject) => {
    input.on('data', (chunk: Buffer) => {
      clearTimeout(partialTimer);
      for (const frame of decoder.push(chunk)) {
        const request = parseRequest(frame);
        enqueue(() => decide(request, client, log));
      }
      if (decoder.pending > 0) partialTimer = setTimeout(dropPartial, partialFrameMs);
    });
    input.once('end', () => {
      clearTimeout(partialTimer);
      if (decoder.pending > 0) dropPartial();
      queue.then(resolve, reject);
    });
    input.once('error', reject);
  });
}

async function decide(request: ExtauthRequest, client: JabberAuthClient, log: ExtauthLog): Promise<boolean> {
  switch (request.kind) {
    case 'auth':
      return client.auth(request.user, request.server, request.password);
    case 'isuser':
      return client.isUser(request.user, request.server);
    case 'refused':
      // Accounts and passwords are managed in allmende, never from the Jabber server.
      log.warn(`${request.command} is not allowed (accounts are managed in allmende); answered no`);
      return false;
    case 'malformed':
      log.warn(`malformed request (${request.reason}); answered no`);
      return false;
  }
}
