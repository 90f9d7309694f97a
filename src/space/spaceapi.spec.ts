import { describe, expect, it } from 'vitest';
import { parseConfig } from '../config/config.js';
import { spaceApiDocument } from './spaceapi.js';

const base = { ALLMENDE_PUBLIC_URL: 'https://club.example/', ALLMENDE_CLUB_NAME: 'Werkraum e.V.' };
const unknown = { open: null, message: null, changedAt: null };

describe('spaceApiDocument', () => {
  it('fills the required fields from the defaults and leaves `open` out while nobody has said', () => {
    const c = parseConfig(base);
    expect(spaceApiDocument(c.space, c.http.publicUrl, 'Europe/Berlin', unknown, 3)).toEqual({
      api_compatibility: ['15'],
      space: 'Werkraum e.V.',
      logo: 'https://club.example/assets/logo.svg',
      url: 'https://club.example',
      contact: {},
      state: {},
      feeds: { calendar: { type: 'ical', url: 'https://club.example/calendar.ics' } },
      sensors: { total_member_count: [{ value: 3, description: 'active members' }] },
    });
  });

  it('takes the configured space, location and contact; lastchange in Unix seconds', () => {
    const c = parseConfig({
      ...base,
      ALLMENDE_SPACE_NAME: 'Werkraum',
      ALLMENDE_SPACEAPI_LOGO_URL: 'https://club.example/logo.png',
      ALLMENDE_SPACEAPI_URL: 'https://www.club.example',
      ALLMENDE_SPACE_ADDRESS: 'Hauptstraße 1, 12345 Musterstadt, Germany',
      ALLMENDE_SPACE_LAT: '52.5',
      ALLMENDE_SPACE_LON: '13.4',
      ALLMENDE_BOARD_ADDRESS: 'vorstand@club.example',
    });
    const state = { open: true, message: 'members only', changedAt: new Date('2026-12-02T18:00:00.900Z') };
    const doc = spaceApiDocument(c.space, c.http.publicUrl, 'Europe/Berlin', state, 0);
    expect(doc).toMatchObject({
      space: 'Werkraum',
      logo: 'https://club.example/logo.png',
      url: 'https://www.club.example',
      location: {
        address: 'Hauptstraße 1, 12345 Musterstadt, Germany',
        lat: 52.5,
        lon: 13.4,
        timezone: 'Europe/Berlin',
      },
      // The board's address unless ALLMENDE_SPACE_CONTACT_EMAIL says otherwise.
      contact: { email: 'vorstand@club.example' },
      state: { open: true, lastchange: 1796234400, message: 'members only' },
    });
    expect(doc.state).not.toHaveProperty('trigger_person');
  });

  it('refuses a latitude without a longitude at start', () => {
    expect(() => parseConfig({ ...base, ALLMENDE_SPACE_LAT: '52.5' })).toThrow(/ALLMENDE_SPACE_LON/);
    expect(() => parseConfig({ ...base, ALLMENDE_SPACE_LAT: '91', ALLMENDE_SPACE_LON: '0' })).toThrow(
      /ALLMENDE_SPACE_LAT/,
    );
  });
});
