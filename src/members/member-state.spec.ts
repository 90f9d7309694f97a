import { describe, expect, it } from 'vitest';
import { canTransition } from './member-state.js';

describe('canTransition', () => {
  it.each([
    ['invited', 'registered', true],
    ['registered', 'active', true],
    ['active', 'suspended', true],
    ['suspended', 'active', true],
    ['active', 'left', true],
    ['left', 'active', false], // leaving is final: a returning member is taken in anew
    ['active', 'invited', false],
    ['suspended', 'registered', false],
  ] as const)('%s → %s: %s', (from, to, ok) => expect(canTransition(from, to)).toBe(ok));
});
