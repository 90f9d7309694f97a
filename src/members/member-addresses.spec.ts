import { describe, expect, it } from 'vitest';
import { memberAddresses } from './member-addresses.js';

const karl = {
  username: 'karl.liebknecht',
  memberNumber: '123456',
  privateEmail: 'karl@example.net',
  wantsNamedAddress: false,
  wantsPseudonymousAddress: false,
};

describe('memberAddresses', () => {
  it('gives no club address without a mail domain, whatever was chosen', () => {
    const a = memberAddresses(
      { ...karl, wantsNamedAddress: true, wantsPseudonymousAddress: true },
      undefined,
      'mitglied-{number}',
    );
    expect(a).toEqual({ named: null, pseudonymous: null, preferred: 'karl@example.net' });
  });

  it('derives the named and pseudonymous addresses and prefers the named one', () => {
    const a = memberAddresses(
      { ...karl, wantsNamedAddress: true, wantsPseudonymousAddress: true },
      'example.org',
      'mitglied-{number}',
    );
    expect(a).toEqual({
      named: 'karl.liebknecht@example.org',
      pseudonymous: 'mitglied-123456@example.org',
      preferred: 'karl.liebknecht@example.org',
    });
  });

  it('prefers the pseudonymous address over the private one', () => {
    const a = memberAddresses({ ...karl, wantsPseudonymousAddress: true }, 'example.org', 'm{number}');
    expect(a.preferred).toBe('m123456@example.org');
  });

  it('has no pseudonymous address without a member number, and no preferred one without any address', () => {
    const a = memberAddresses(
      { ...karl, memberNumber: null, privateEmail: null, wantsPseudonymousAddress: true },
      'example.org',
      'mitglied-{number}',
    );
    expect(a).toEqual({ named: null, pseudonymous: null, preferred: null });
  });

  it('keeps a member number with odd characters a valid local part', () => {
    const a = memberAddresses(
      { ...karl, memberNumber: 'B 12/7', wantsPseudonymousAddress: true },
      'example.org',
      'mitglied-{number}',
    );
    expect(a.pseudonymous).toBe('mitglied-b-12-7@example.org');
  });
});
