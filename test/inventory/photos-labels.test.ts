import { createRequire } from 'node:module';
import sharp from 'sharp';
import type supertest from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, PUBLIC_URL, type TestApp } from '../support/test-app.js';

type Agent = Awaited<ReturnType<typeof loginAs>>;
// jsqr is CommonJS whose types claim a default export.
const jsQR = createRequire(import.meta.url)('jsqr') as (typeof import('jsqr'))['default'];

// Supertest buffers binary bodies only when asked to.
function binary(req: supertest.Test): supertest.Test {
  return req.buffer(true).parse((res, done) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => done(null, Buffer.concat(chunks)));
  });
}

async function photoWithExif(): Promise<Buffer> {
  return sharp({ create: { width: 2400, height: 1800, channels: 3, background: { r: 30, g: 120, b: 200 } } })
    .jpeg()
    .withExif({ IFD0: { Artist: 'Rosa', Copyright: 'GPS 52.5 13.4' } })
    .toBuffer();
}

// Renders the SVG like a printer would and reads every QR code on it like a phone would.
async function readQrCodes(svg: Buffer, labels: number): Promise<string[]> {
  const { data, info } = await sharp(svg, { density: 150 })
    .flatten({ background: 'white' })
    .ensureAlpha()
    .raw()
    .toBuffer({ resolveWithObject: true });
  const found: string[] = [];
  // Each label is one cell of the 3 × 8 grid on a 210 × 297 mm page.
  const cellW = Math.floor(info.width / 3);
  const cellH = Math.floor((info.height * 37) / 297);
  for (let i = 0; i < labels; i++) {
    const x0 = (i % 3) * cellW;
    const y0 = Math.floor(i / 3) * cellH;
    const crop = await sharp(data, { raw: { width: info.width, height: info.height, channels: 4 } })
      .extract({ left: x0, top: y0, width: cellW, height: cellH })
      .raw()
      .toBuffer();
    const code = jsQR(new Uint8ClampedArray(crop), cellW, cellH);
    if (code) found.push(code.data);
  }
  return found;
}

describe('photos and labels', () => {
  let t: TestApp;
  let helper: Agent;
  let member: Agent;
  let thingId: number;

  beforeAll(async () => {
    t = await createTestApp({ ALLMENDE_PHOTO_MAX_MB: '10' });
    helper = await loginAs(t, 'helper');
    member = await loginAs(t, 'member');
    thingId = (await helper.post('/api/things').send({ name: 'Standbohrmaschine', slug: 'standbohrer' })).body.id;
  });
  afterAll(async () => {
    await t.close();
  });

  it('stores a photo re-encoded and resized, without its EXIF, and serves it with caching', async () => {
    const up = await helper
      .post('/api/things/standbohrer/photos')
      .set('Content-Type', 'image/jpeg')
      .send(await photoWithExif());
    expect(up.status).toBe(201);
    const [photo] = up.body.photos as { id: number; url: string; thumbnailUrl: string }[];
    expect(photo?.url).toBe(`/api/things/${thingId}/photos/${photo?.id}`);
    const res = await binary(member.get(photo?.url ?? ''));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toBe('image/webp');
    expect(res.headers['cache-control']).toBe('private, max-age=31536000, immutable');
    const meta = await sharp(res.body as Buffer).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(['webp', 1600, 1200]);
    expect(meta.exif).toBeUndefined();
    const again = await member.get(photo?.url ?? '').set('If-None-Match', String(res.headers.etag));
    expect(again.status).toBe(304);
    const thumb = await binary(member.get(photo?.thumbnailUrl ?? ''));
    expect((await sharp(thumb.body as Buffer).metadata()).width).toBe(320);
  });

  it('refuses a 20 MB photo with 413', async () => {
    const res = await helper
      .post('/api/things/standbohrer/photos')
      .set('Content-Type', 'image/jpeg')
      .send(Buffer.alloc(20 * 1024 * 1024, 1));
    expect(res.status).toBe(413);
    expect(res.body.error.message).toMatch(/larger than 10 MB/);
  });

  it('refuses what is not an image', async () => {
    const res = await helper
      .post('/api/things/standbohrer/photos')
      .set('Content-Type', 'image/png')
      .send(Buffer.from('<?php system($_GET["c"]); ?>'));
    expect(res.status).toBe(400);
    expect(res.body.error.message).toMatch(/not an image/);
    const text = await helper.post('/api/things/standbohrer/photos').set('Content-Type', 'text/plain').send('hallo');
    expect(text.status).toBe(400);
    expect(text.body.error.message).toMatch(/Content-Type, e.g. image\/jpeg/);
  });

  it('lets only helpers add and remove photos', async () => {
    const res = await member
      .post('/api/things/standbohrer/photos')
      .set('Content-Type', 'image/jpeg')
      .send(await photoWithExif());
    expect(res.status).toBe(403);
    const thing = (await member.get('/api/things/standbohrer')).body as { photos: { id: number }[] };
    const removed = await helper.delete(`/api/things/standbohrer/photos/${thing.photos[0]?.id}`);
    expect(removed.body.photos).toEqual([]);
  });

  it("prints a label whose QR code leads to the thing's page", async () => {
    const res = await binary(member.get('/api/things/standbohrer/label?format=svg'));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    expect(await readQrCodes(res.body as Buffer, 1)).toEqual([`${PUBLIC_URL}/things/${thingId}`]);
  });

  it('prints a sheet for every thing in a place and below it', async () => {
    const room = (await helper.post('/api/locations').send({ name: 'Keller' })).body as { id: number };
    const shelf = (await helper.post('/api/locations').send({ name: 'Regal', parentId: room.id })).body as {
      id: number;
    };
    const ids: number[] = [];
    for (let i = 1; i <= 4; i++) {
      const thing = await helper
        .post('/api/things')
        .send({ name: `Kiste ${i}`, locationId: i % 2 ? room.id : shelf.id });
      ids.push(thing.body.id as number);
    }
    const svg = await binary(member.get(`/api/locations/${room.id}/labels?format=svg`));
    expect((await readQrCodes(svg.body as Buffer, 4)).sort()).toEqual(
      ids.map((id) => `${PUBLIC_URL}/things/${id}`).sort(),
    );
    const pdf = await binary(member.get(`/api/locations/${room.id}/labels`));
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect((pdf.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
  });
});
