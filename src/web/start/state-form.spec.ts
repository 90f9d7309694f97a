import { describe, expect, it } from 'vitest';
import { parseStateForm } from './state-form.js';

describe('parseStateForm', () => {
  it.each([
    [
      { open: 'open', message: '' },
      { ok: true, open: true, message: '' },
    ],
    [
      { open: 'closed', message: '  bis 22 Uhr ' },
      { ok: true, open: false, message: 'bis 22 Uhr' },
    ],
    [{ open: 'closed' }, { ok: true, open: false, message: '' }],
    // Which button was pressed is missing or made up.
    [{ message: 'x' }, { ok: false, errors: { open: 'open' } }],
    [{ open: 'true' }, { ok: false, errors: { open: 'open' } }],
    // 201 characters, a line break: refused with the field named.
    [
      { open: 'open', message: 'x'.repeat(201) },
      { ok: false, errors: { message: 'message' } },
    ],
    [
      { open: 'open', message: 'a\nb' },
      { ok: false, errors: { message: 'message' } },
    ],
    [{ message: 'x'.repeat(201) }, { ok: false, errors: { open: 'open', message: 'message' } }],
  ])('%j → %j', (body, expected) => {
    expect(parseStateForm(body)).toEqual(expected);
  });
});
