import { describe, expect, it } from 'vitest';
import type { MemberImportRecord } from './csv/member-csv.js';
import { planImport, type ExistingMember } from './member-import.plan.js';

const statuses = new Set(['member', 'supporter']);
const record = (o: Partial<MemberImportRecord>): MemberImportRecord => ({
  line: 2,
  memberNumber: null,
  firstName: 'Rosa',
  lastName: 'Luxemburg',
  email: null,
  status: null,
  since: null,
  language: null,
  ...o,
});
const rosa: ExistingMember = {
  id: 7,
  memberNumber: '1871',
  firstName: 'Rosa',
  lastName: 'Luxemburg',
  email: 'rosa@example.org',
  language: 'de',
  status: 'member',
};

describe('planImport', () => {
  it('creates an unknown member with the given fields and today as the start', () => {
    const { actions } = planImport([record({ memberNumber: '1' })], [], statuses, '2026-11-23');
    expect(actions).toEqual([
      {
        line: 2,
        kind: 'create',
        name: 'Rosa Luxemburg',
        changes: [
          { field: 'memberNumber', old: null, new: '1' },
          { field: 'firstName', old: null, new: 'Rosa' },
          { field: 'lastName', old: null, new: 'Luxemburg' },
          { field: 'status', old: null, new: 'member' },
          { field: 'since', old: null, new: '2026-11-23' },
        ],
      },
    ]);
  });

  it.each([
    // same values: nothing to do (re-running a file changes nothing)
    [record({ memberNumber: '1871', email: 'rosa@example.org' }), 'unchanged', []],
    // matched by number, new surname
    [record({ memberNumber: '1871', lastName: 'Lübeck' }), 'update', ['lastName']],
    // matched by e-mail when the row has no number
    [record({ email: 'rosa@example.org', status: 'supporter' }), 'update', ['status']],
    // an empty cell never erases: language stays 'de'
    [record({ memberNumber: '1871', language: null }), 'unchanged', []],
  ] as const)('%# → %s', (row, kind, fields) => {
    const { actions, problems } = planImport([row], [rosa], statuses, '2026-11-23');
    expect(problems).toEqual([]);
    expect(actions[0]?.kind).toBe(kind);
    expect(actions[0]?.memberId).toBe(7);
    expect(actions[0]?.changes.map((c) => c.field)).toEqual(fields);
  });

  it('reports an unknown status and an e-mail that belongs to someone else', () => {
    const karl: ExistingMember = { ...rosa, id: 8, memberNumber: '1919', email: 'karl@example.org' };
    const { actions, problems } = planImport(
      [
        record({ line: 3, memberNumber: '5', status: 'vip' }),
        record({ line: 4, memberNumber: '1871', email: 'karl@example.org' }),
      ],
      [rosa, karl],
      statuses,
      '2026-11-23',
    );
    expect(actions).toEqual([]);
    expect(problems).toMatchObject([
      { line: 3, field: 'status', message: "unknown status 'vip' (known: member, supporter)" },
      { line: 4, field: 'email', message: 'e-mail karl@example.org belongs to another member (number 1919)' },
    ]);
  });
});
