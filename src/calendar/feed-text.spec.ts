import { describe, expect, it } from 'vitest';
import { chunked, joined, started } from './feed-text.js';

describe('chunked', () => {
  it('joins pieces into chunks of at least the size; the last one holds the rest', () => {
    expect([...chunked(['ab', 'c', 'def', 'g', 'h'], 3)]).toEqual(['abc', 'def', 'gh']);
    expect([...chunked(['abcdefg', 'h'], 3)]).toEqual(['abcdefg', 'h']);
    expect([...chunked([], 3)]).toEqual([]);
    expect([...chunked(['', ''], 3)]).toEqual([]);
  });

  it('takes a piece only when the next chunk needs it', () => {
    const taken: number[] = [];
    function* pieces() {
      for (let i = 0; i < 10; i++) {
        taken.push(i);
        yield 'xx';
      }
    }
    const chunks = chunked(pieces(), 4);
    expect(chunks.next().value).toBe('xxxx');
    expect(taken).toEqual([0, 1]);
  });
});

describe('joined', () => {
  it('is the text of all chunks', () => {
    expect(joined(chunked(['Löten', ' & ', 'Mate 🔥'], 4))).toBe('Löten & Mate 🔥');
  });
});

describe('started', () => {
  it('makes the first chunk at once and the others when they are read', () => {
    const made: string[] = [];
    function* chunks() {
      for (const c of ['a', 'b', 'c']) {
        made.push(c);
        yield c;
      }
    }
    const body = started(chunks());
    expect(made).toEqual(['a']);
    expect([...body]).toEqual(['a', 'b', 'c']);
    expect(made).toEqual(['a', 'b', 'c']);
    expect([...started([])]).toEqual([]);
  });

  it('throws at once when the first chunk fails', () => {
    // eslint-disable-next-line require-yield
    function* failing(): Generator<string> {
      throw new Error('unknown zone');
    }
    expect(() => started(failing())).toThrow('unknown zone');
  });
});
