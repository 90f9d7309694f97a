import { describe, expect, it } from 'vitest';
import { diffThing, type ThingState } from './thing-changes.js';

const drill: ThingState = {
  slug: 'bohrer',
  name: 'Bohrmaschine',
  description: null,
  tags: ['werkzeug'],
  ownership: 'club',
  ownerMemberId: null,
  ownerName: null,
  ownerUntil: null,
  needsInduction: false,
};

describe('diffThing', () => {
  it('is empty when nothing changed', () => {
    expect(diffThing(drill, { ...drill, tags: ['werkzeug'] })).toEqual([]);
  });
  it('names each changed field with old and new', () => {
    expect(
      diffThing(drill, { ...drill, name: 'Akkubohrer', tags: ['werkzeug', 'akku'], needsInduction: true }),
    ).toEqual([
      { field: 'name', old: 'Bohrmaschine', new: 'Akkubohrer' },
      { field: 'tags', old: ['werkzeug'], new: ['werkzeug', 'akku'] },
      { field: 'needsInduction', old: false, new: true },
    ]);
  });
});
