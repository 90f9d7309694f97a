import { describe, expect, it } from 'vitest';
import type { ListMember } from './mailman.client.js';
import { planMailman, type DesiredList, type MailmanActual } from './mailman-sync.plan.js';

const anna = { email: 'anna@example.org', displayName: 'Anna A', memberId: 1 };
const bert = { email: 'bert@example.org', displayName: 'Bert B', memberId: 2 };

function list(over: Partial<DesiredList> = {}): DesiredList {
  return { id: 7, address: 'intern@example.org', exclusive: false, subscribers: [anna, bert], managed: [], ...over };
}

function on(...members: [string, string?][]): ListMember[] {
  return members.map(([email, displayName], i) => ({ email, displayName: displayName ?? '', memberId: `mm${i}` }));
}

function kinds(desired: DesiredList[], rosters: MailmanActual['rosters'], fromCache = false): string[] {
  return planMailman({ lists: desired, problems: [] }, { rosters, fromCache }).actions.map(
    (a) => `${a.kind} ${a.item}`,
  );
}

describe('planMailman', () => {
  const cases: { name: string; list: DesiredList; roster: ListMember[]; expected: string[] }[] = [
    {
      name: 'an empty list gets every desired subscriber',
      list: list(),
      roster: [],
      expected: ['subscribe intern@example.org: anna@example.org', 'subscribe intern@example.org: bert@example.org'],
    },
    {
      name: 'a roster that matches needs nothing',
      list: list({ managed: ['anna@example.org', 'bert@example.org'] }),
      roster: on(['anna@example.org', 'Anna A'], ['bert@example.org', 'Bert B']),
      expected: [],
    },
    {
      // Anna was subscribed by hand before allmende fed the list: adopted, not re-subscribed.
      name: "a member's address already on the list is adopted",
      list: list({ subscribers: [anna], managed: [] }),
      roster: on(['anna@example.org', 'Anna A']),
      expected: ['adopt intern@example.org: anna@example.org'],
    },
    {
      name: 'a changed display name is updated',
      list: list({ subscribers: [anna], managed: ['anna@example.org'] }),
      roster: on(['anna@example.org', 'Anna Alt']),
      expected: ['rename intern@example.org: anna@example.org'],
    },
    {
      // Bert left the group: allmende subscribed him, so allmende unsubscribes him.
      name: 'a managed subscriber who is no longer desired is unsubscribed',
      list: list({ subscribers: [anna], managed: ['anna@example.org', 'bert@example.org'] }),
      roster: on(['anna@example.org', 'Anna A'], ['bert@example.org', 'Bert B']),
      expected: ['unsubscribe intern@example.org: bert@example.org'],
    },
    {
      name: 'a hand-added non-member stays on a list that is not exclusive',
      list: list({ subscribers: [anna], managed: ['anna@example.org'] }),
      roster: on(['anna@example.org', 'Anna A'], ['gast@example.com', 'Gast']),
      expected: [],
    },
    {
      name: 'an exclusive list loses the non-member',
      list: list({ subscribers: [anna], managed: ['anna@example.org'], exclusive: true }),
      roster: on(['anna@example.org', 'Anna A'], ['gast@example.com', 'Gast']),
      expected: ['unsubscribe intern@example.org: gast@example.com'],
    },
    {
      // Someone removed Bert in Mailman and he is no longer desired: only our record goes.
      name: 'a managed address gone from the list is forgotten',
      list: list({ subscribers: [anna], managed: ['anna@example.org', 'bert@example.org'] }),
      roster: on(['anna@example.org', 'Anna A']),
      expected: ['forget intern@example.org: bert@example.org'],
    },
    {
      name: 'addresses compare without case',
      list: list({ subscribers: [anna], managed: ['anna@example.org'] }),
      roster: on(['Anna@Example.org', 'Anna A']),
      expected: [],
    },
  ];

  it.each(cases)('$name', ({ list: l, roster, expected }) => {
    expect(kinds([l], new Map([[l.address, roster]]))).toEqual(expected);
  });

  it('a list missing in Mailman is a problem of that list; the other lists go on', () => {
    const missing = list({ id: 8, address: 'gibtsnicht@example.org' });
    const plan = planMailman(
      { lists: [missing, list()], problems: [] },
      {
        rosters: new Map([
          ['intern@example.org', []],
          ['gibtsnicht@example.org', null],
        ]),
        fromCache: false,
      },
    );
    expect(plan.problems).toEqual([
      { item: 'gibtsnicht@example.org', message: expect.stringContaining('does not exist in Mailman') },
    ]);
    expect(plan.actions.map((a) => a.item)).toEqual([
      'intern@example.org: anna@example.org',
      'intern@example.org: bert@example.org',
    ]);
  });

  it('a roster that could not be read is reported and planned for no further', () => {
    const plan = planMailman(
      { lists: [list()], problems: [] },
      { rosters: new Map([['intern@example.org', { error: 'HTTP 500' }]]), fromCache: false },
    );
    expect(plan.actions).toEqual([]);
    expect(plan.problems[0]?.message).toContain('HTTP 500');
  });

  it('from a cached roster, an address gone from it is unsubscribed by address rather than forgotten', () => {
    const l = list({ subscribers: [anna], managed: ['anna@example.org', 'bert@example.org'] });
    expect(kinds([l], new Map([[l.address, on(['anna@example.org', 'Anna A'])]]), true)).toEqual([
      'unsubscribe intern@example.org: bert@example.org',
    ]);
  });
});
