import type { Ownership } from './entities/thing.entity.js';
import type { ThingRow } from './thing-query.js';

export interface ThingView {
  id: number;
  slug: string;
  name: string;
  description: string | null;
  tags: string[];
  location: { id: number; path: string[] } | null;
  ownership: Ownership;
  owner: { memberId: number | null; name: string | null } | null;
  ownerUntil: string | null;
  needsInduction: boolean;
  archived: boolean;
  loan: { id: number; borrowerId: number; borrowerName: string | null; dueOn: string; overdue: boolean } | null;
  photos: { id: number; url: string; thumbnailUrl: string }[];
  // The thing's page, which its label's QR code links to.
  url: string;
  createdAt: string;
  updatedAt: string;
  version: number;
}

export function parsePgArray(value: string[] | number[] | string): string[] {
  if (Array.isArray(value)) return value.map(String);
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((x) => x.replace(/^"|"$/g, ''));
}

export function thingUrl(publicUrl: string, id: number): string {
  return `${publicUrl}/things/${id}`;
}

// Pure: a row of thing-query's SQL → the view the API returns.
export function toThingView(
  r: ThingRow,
  paths: ReadonlyMap<number, string[]>,
  publicUrl: string,
  today: string,
): ThingView {
  const owner =
    r.owner_member_id !== null
      ? { memberId: r.owner_member_id, name: r.owner_member_name }
      : r.owner_name !== null
        ? { memberId: null, name: r.owner_name }
        : null;
  return {
    id: r.id,
    slug: r.slug,
    name: r.name,
    description: r.description,
    tags: parsePgArray(r.tags),
    location: r.location_id === null ? null : { id: r.location_id, path: paths.get(r.location_id) ?? [] },
    ownership: r.ownership,
    owner,
    ownerUntil: r.owner_until,
    needsInduction: r.needs_induction,
    archived: r.archived_at !== null,
    loan:
      r.loan_id === null || r.borrower_id === null || r.loan_due_on === null
        ? null
        : {
            id: r.loan_id,
            borrowerId: r.borrower_id,
            borrowerName: r.borrower_name,
            dueOn: r.loan_due_on,
            overdue: r.loan_due_on < today,
          },
    photos: parsePgArray(r.photo_ids).map((id) => ({
      id: Number(id),
      url: `/api/things/${r.id}/photos/${id}`,
      thumbnailUrl: `/api/things/${r.id}/photos/${id}?size=thumbnail`,
    })),
    url: thingUrl(publicUrl, r.id),
    createdAt: new Date(r.created_at).toISOString(),
    updatedAt: new Date(r.updated_at).toISOString(),
    version: r.version,
  };
}
