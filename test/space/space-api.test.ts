import { readFileSync } from 'node:fs';
import { Ajv2019 } from 'ajv/dist/2019.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestApp, loginAs, makeMember, PUBLIC_URL, type TestApp } from '../support/test-app.js';

// The SpaceAPI v15 rules as a JSON schema (test/fixtures/spaceapi/README.md says what it covers).
const ajv = new Ajv2019({ strict: false, allErrors: true });
const validate = ajv.compile(
  JSON.parse(readFileSync(new URL('../fixtures/spaceapi/v15.schema.json', import.meta.url), 'utf8')) as object,
);

function valid(doc: unknown): string {
  return validate(doc) ? 'valid' : ajv.errorsText(validate.errors);
}

describe('SpaceAPI and the space state API', () => {
  let t: TestApp;
  let board: Awaited<ReturnType<typeof loginAs>>;
  let doorToken: string;
  let readToken: string;

  beforeAll(async () => {
    t = await createTestApp({
      ALLMENDE_CLUB_NAME: 'Werkraum e.V.',
      ALLMENDE_SPACE_ADDRESS: 'Hauptstraße 1, 12345 Musterstadt, Germany',
      ALLMENDE_SPACE_LAT: '52.52',
      ALLMENDE_SPACE_LON: '13.405',
      ALLMENDE_SPACE_CONTACT_EMAIL: 'info@club.example',
    });
    board = await loginAs(t, 'board');
    const door = await board.post('/api/auth/tokens').send({ name: 'door switch', scopes: ['space:write'] });
    expect(door.status).toBe(201);
    doorToken = (door.body as { token: string }).token;
    const read = await board.post('/api/auth/tokens').send({ name: 'reader', scopes: ['members:read'] });
    readToken = (read.body as { token: string }).token;
  });
  afterAll(() => t.close());

  const put = (body: unknown, token = doorToken) =>
    t.http
      .put('/api/space/state')
      .set('Authorization', `Bearer ${token}`)
      .send(body as object);

  it('answers a valid v15 document, readable from any site, with the state unknown at first', async () => {
    await makeMember(t, { state: 'active' });
    await makeMember(t, { state: 'registered' });
    const res = await t.http.get('/spaceapi.json').set('Origin', 'https://elsewhere.example');
    expect(res.status).toBe(200);
    expect(res.headers['access-control-allow-origin']).toBe('*');
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(valid(res.body)).toBe('valid');
    expect(res.body).toMatchObject({
      api_compatibility: ['15'],
      space: 'Werkraum e.V.',
      logo: `${PUBLIC_URL}/assets/logo.svg`,
      url: PUBLIC_URL,
      location: { address: 'Hauptstraße 1, 12345 Musterstadt, Germany', lat: 52.52, lon: 13.405 },
      contact: { email: 'info@club.example' },
      feeds: { calendar: { type: 'ical', url: `${PUBLIC_URL}/calendar.ics` } },
      // The board member who logged in and the active one; the registered one is not counted.
      sensors: { total_member_count: [{ value: 2 }] },
    });
    expect(res.body.state).toEqual({});
    // The validator is not a yes-man: a document missing `logo`, or a lat without lon, fails.
    const { logo: _logo, ...noLogo } = res.body as Record<string, unknown>;
    expect(valid(noLogo)).toMatch(/logo/);
    expect(valid({ ...res.body, location: { lat: 52.52 } })).toMatch(/lon/);
    const logo = await t.http.get('/assets/logo.svg');
    expect(logo.status).toBe(200);
    expect(logo.headers['content-type']).toBe('image/svg+xml');
  });

  it('a door switch with space:write opens and closes the space; the SpaceAPI follows', async () => {
    const before = Math.floor(Date.now() / 1000);
    const opened = await put({ open: true, message: 'members only' });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ open: true, message: 'members only' });
    let doc = (await t.http.get('/spaceapi.json')).body;
    expect(valid(doc)).toBe('valid');
    expect(doc.state).toMatchObject({ open: true, message: 'members only' });
    expect(doc.state.lastchange).toBeGreaterThanOrEqual(before);
    expect(doc.state).not.toHaveProperty('trigger_person');

    expect((await put({ open: false })).status).toBe(200);
    doc = (await t.http.get('/spaceapi.json')).body;
    expect(doc.state).toEqual({ open: false, lastchange: expect.any(Number) });
    expect((await t.http.get('/api/space/state')).body).toMatchObject({ open: false, message: null });
    // Who did it is in the history and the audit log, not in the public document.
    const [row] = await t.orm.em
      .fork()
      .execute<{ changed_by_label: string }[]>(
        'select changed_by_label from space_state_change order by id desc limit 1',
      );
    expect(row?.changed_by_label).toMatch(/door switch/);
  });

  it('a logged-in member may set it through the API from our origin, not from another', async () => {
    const member = await loginAs(t, 'member');
    expect((await member.put('/api/space/state').send({ open: true })).status).toBe(200);
    const foreign = await t.http
      .put('/api/space/state')
      .set('Cookie', member.cookie)
      .set('Origin', 'https://evil.example')
      .send({ open: false });
    expect(foreign.status).toBe(403);
    expect((await t.http.get('/api/space/state')).body.open).toBe(true);
  });

  it('refuses a missing or wrong token (401) and a token without space:write (403)', async () => {
    expect((await t.http.put('/api/space/state').send({ open: true })).status).toBe(401);
    expect((await put({ open: true }, 'am_not-a-real-token')).status).toBe(401);
    const scoped = await put({ open: true }, readToken);
    expect(scoped.status).toBe(403);
    expect(scoped.body.error.message).toMatch(/space:write/);
  });

  it('refuses bad JSON, a missing or wrong field, an unknown field and an oversized message', async () => {
    const broken = await t.http
      .put('/api/space/state')
      .set('Authorization', `Bearer ${doorToken}`)
      .set('Content-Type', 'application/json')
      .send('{"open": tru');
    expect(broken.status).toBe(400);
    for (const body of [{}, { open: 'yes' }, { open: true, colour: 'green' }, { open: true, message: 'a\nb' }]) {
      const res = await put(body);
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(res.body.error.code).toBe('VALIDATION_FAILED');
    }
    const long = await put({ open: true, message: 'x'.repeat(201) });
    expect(long.status).toBe(400);
    expect(long.body.error.fields).toEqual([{ field: 'message', message: 'at most 200 characters' }]);
    // A body far beyond any message is cut off by the body limit before it is parsed.
    const huge = await put({ open: true, message: 'x'.repeat(2 * 1024 * 1024) });
    expect(huge.status).toBe(413);
    expect((await t.http.get('/api/space/state')).body.open).toBe(true);
  });

  it('is documented in openapi.json with the token scope', async () => {
    const doc = (await t.http.get('/api/docs/openapi.json')).body;
    expect(doc.paths['/api/space/state'].put['x-allmende-access']).toEqual({
      role: 'member',
      tokenScope: 'space:write',
    });
    expect(doc.paths['/spaceapi.json'].get).toBeDefined();
  });
});

describe('SpaceAPI switched off', () => {
  it('answers 404', async () => {
    const t = await createTestApp({ ALLMENDE_SPACEAPI: 'false' });
    try {
      expect((await t.http.get('/spaceapi.json')).status).toBe(404);
    } finally {
      await t.close();
    }
  });
});
