import type { IncomingMessage } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { photoTooLarge } from './photos.service.js';

export const PHOTO_CONTENT_TYPES = /^image\/[a-z0-9.+-]+$/i;

// Photos arrive as the raw request body with their image type (`curl --data-binary @a.jpg
// -H 'Content-Type: image/jpeg'`, or fetch(url, { body: file }) from a page): one file per request
// needs no multipart parser and no temporary files. The size limit is enforced while reading, so
// a 20 MB upload is refused after 10 MB (or at once, by its Content-Length), not held in memory.
export function registerPhotoParser(fastify: FastifyInstance, maxBytes: number): void {
  fastify.addContentTypeParser(PHOTO_CONTENT_TYPES, (req, payload, done) => {
    const declared = Number(req.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBytes) {
      done(photoTooLarge(maxBytes), undefined);
      payload.resume();
      return;
    }
    readLimited(payload, maxBytes).then(
      (body) => done(null, body),
      (err: unknown) => done(err as Error, undefined),
    );
  });
}

async function readLimited(stream: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > maxBytes) {
      stream.resume();
      throw photoTooLarge(maxBytes);
    }
    chunks.push(buf);
  }
  return Buffer.concat(chunks);
}
