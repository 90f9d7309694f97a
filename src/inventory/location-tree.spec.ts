import { describe, expect, it } from 'vitest';
import { locationPaths, parsePath, subtreeIds, wouldCycle, type LocationNode } from './location-tree.js';

// Werkstatt(1) → Regal(2) → Kiste(3); Lager(4)
const nodes: LocationNode[] = [
  { id: 1, parentId: null, name: 'Werkstatt' },
  { id: 2, parentId: 1, name: 'Regal' },
  { id: 3, parentId: 2, name: 'Kiste' },
  { id: 4, parentId: null, name: 'Lager' },
];

describe('wouldCycle', () => {
  it.each([
    [3, 3, true], // a box inside itself
    [1, 3, true], // the room inside its own box
    [1, 2, true],
    [3, 4, false],
    [2, null, false],
    [4, 3, false],
  ])('moving %i under %s → %s', (id, parent, expected) => {
    expect(wouldCycle(nodes, id, parent)).toBe(expected);
  });
});

describe('locationPaths', () => {
  it('names every ancestor', () => {
    const paths = locationPaths(nodes);
    expect(paths.get(3)).toEqual(['Werkstatt', 'Regal', 'Kiste']);
    expect(paths.get(4)).toEqual(['Lager']);
  });
});

describe('subtreeIds', () => {
  it('is the location and everything below', () => {
    expect(subtreeIds(nodes, 1).sort()).toEqual([1, 2, 3]);
    expect(subtreeIds(nodes, 4)).toEqual([4]);
  });
});

describe('parsePath', () => {
  it('splits on / and >', () => {
    expect(parsePath(' Werkstatt / Regal 2>Kiste ')).toEqual(['Werkstatt', 'Regal 2', 'Kiste']);
    expect(parsePath('')).toEqual([]);
  });
});
