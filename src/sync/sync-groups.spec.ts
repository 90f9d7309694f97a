import { describe, expect, it } from 'vitest';
import { serialGroups } from './sync-groups.js';

describe('serialGroups', () => {
  it('keeps every action on its own without a key', () => {
    expect(serialGroups(['a', 'b', 'c'])).toEqual([['a'], ['b'], ['c']]);
  });

  it('puts actions with the same key together, in planned order, groups by first appearance', () => {
    const actions = [
      { list: 'intern', email: 'x' },
      { list: 'intern', email: 'y' },
      { list: 'vorstand', email: 'x' },
      { list: 'kasse', email: 'z' },
      { list: 'kasse', email: 'y' },
    ];
    expect(serialGroups(actions, (a) => a.email)).toEqual([
      [actions[0], actions[2]],
      [actions[1], actions[4]],
      [actions[3]],
    ]);
  });

  it('gives nothing for nothing', () => {
    expect(serialGroups([], (a: string) => a)).toEqual([]);
  });
});
