import type { SpaceConfig } from '../config/config.js';
import type { SpaceState } from './space.service.js';

// The parts of SpaceAPI v15 (https://spaceapi.io/docs/) that allmende fills in.
export interface SpaceApiDocument {
  api_compatibility: ['15'];
  space: string;
  logo: string;
  url: string;
  location?: { address?: string; lat?: number; lon?: number; timezone: string };
  contact: { email?: string };
  state: { open?: boolean; lastchange?: number; message?: string };
  feeds: { calendar: { type: 'ical'; url: string } };
  sensors: { total_member_count: { value: number; description: string }[] };
}

// Pure: the document from the configuration, the state and the member count. Who opened the
// space is not published (trigger_person): it would tell the world where a member is.
export function spaceApiDocument(
  space: SpaceConfig,
  publicUrl: string,
  timeZone: string,
  state: SpaceState,
  memberCount: number,
): SpaceApiDocument {
  const hasLocation = space.address !== undefined || space.lat !== undefined;
  return {
    api_compatibility: ['15'],
    space: space.name,
    logo: space.logoUrl,
    url: space.url,
    ...(hasLocation
      ? {
          location: {
            ...(space.address !== undefined ? { address: space.address } : {}),
            ...(space.lat !== undefined && space.lon !== undefined ? { lat: space.lat, lon: space.lon } : {}),
            timezone: timeZone,
          },
        }
      : {}),
    contact: space.contactEmail !== undefined ? { email: space.contactEmail } : {},
    // No `open` at all means "unknown" in v15: nobody has said yet.
    state: {
      ...(state.open !== null ? { open: state.open } : {}),
      ...(state.changedAt !== null ? { lastchange: Math.floor(state.changedAt.getTime() / 1000) } : {}),
      ...(state.message !== null ? { message: state.message } : {}),
    },
    feeds: { calendar: { type: 'ical', url: `${publicUrl}/calendar.ics` } },
    sensors: { total_member_count: [{ value: memberCount, description: 'active members' }] },
  };
}
