import { describe, expect, it } from 'vitest';
import { diffFields, followingDisplayName, profileValues, splitChanges } from './member-changes.js';

const rules = [
  { key: 'firstName', requiresApproval: true, memberEditable: true },
  { key: 'displayName', requiresApproval: false, memberEditable: true },
  { key: 'memberNumber', requiresApproval: false, memberEditable: false },
  { key: 'phone', requiresApproval: false, memberEditable: true },
];

describe('diffFields', () => {
  it('lists only fields whose value changes', () => {
    const current = { firstName: 'Rosa', displayName: 'Rosa L', memberNumber: null };
    expect(diffFields(current, { firstName: 'Rosa', displayName: 'Rosa Luxemburg', memberNumber: undefined })).toEqual([
      { field: 'displayName', old: 'Rosa L', new: 'Rosa Luxemburg' },
    ]);
  });

  it('treats a missing current value as null', () => {
    expect(diffFields({}, { 'profile.phone': '030 1234' })).toEqual([
      { field: 'profile.phone', old: null, new: '030 1234' },
    ]);
  });
});

describe('splitChanges', () => {
  const changes = [
    { field: 'firstName', old: 'Rosa', new: 'Róża' }, // needs approval when the member changes it
    { field: 'displayName', old: 'Rosa', new: 'Róża L.' }, // applies at once
    { field: 'memberNumber', old: '1', new: '2' }, // not the member's to change
    { field: 'profile.phone', old: null, new: '1234' }, // a custom field, editable
  ];

  it('lets the board change everything at once', () => {
    expect(splitChanges(changes, false, rules)).toEqual({ immediate: changes, pending: [], forbidden: [] });
  });

  it('holds approval fields and refuses fields a member may not edit', () => {
    const split = splitChanges(changes, true, rules);
    expect(split.pending.map((c) => c.field)).toEqual(['firstName']);
    expect(split.immediate.map((c) => c.field)).toEqual(['displayName', 'profile.phone']);
    expect(split.forbidden).toEqual(['memberNumber']);
  });
});

describe('followingDisplayName', () => {
  const rosa = { firstName: 'Rosa', lastName: 'Luxemburg', displayName: 'Rosa Luxemburg' };
  it('follows a changed first or last name when the display name was the full name', () => {
    expect(followingDisplayName(rosa, { lastName: 'Jogiches' })).toEqual({ displayName: 'Rosa Jogiches' });
    expect(followingDisplayName(rosa, { firstName: 'Róża' })).toEqual({ displayName: 'Róża Luxemburg' });
  });
  it('leaves a display name chosen apart from the name, and one the patch sets', () => {
    expect(followingDisplayName({ ...rosa, displayName: 'Rote Rosa' }, { lastName: 'Jogiches' })).toEqual({});
    expect(followingDisplayName(rosa, { lastName: 'Jogiches', displayName: 'R. J.' })).toEqual({});
    expect(followingDisplayName(rosa, {})).toEqual({});
  });
});

describe('profileValues', () => {
  it('reads the values as an object, also from the JSON string older rows hold', () => {
    expect(profileValues({ phone: '030' })).toEqual({ phone: '030' });
    expect(profileValues('{}')).toEqual({});
    expect(profileValues('{"phone":"030"}')).toEqual({ phone: '030' });
    expect(profileValues('kaputt')).toEqual({});
    expect(profileValues(null)).toEqual({});
    expect(profileValues(['x'])).toEqual({});
  });
});
