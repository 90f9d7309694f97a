import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { AppError } from '../core/app.errors.js';
import { newToken, safeEqual, tokenHash } from '../core/crypto.util.js';
import { LinkToken, type LinkPurpose } from './entities/link-token.entity.js';
import { Member } from './entities/member.entity.js';

export interface IssuedLink {
  key: string;
  expiresAt: Date;
}

export interface CheckedLink {
  member: Member;
  token: LinkToken;
}

// The page a mailed link opens: it carries the member id and the key (see link-pages.controller.ts).
export function linkUrl(
  publicUrl: string,
  page: 'register' | 'reset' | 'email-change',
  memberId: number,
  key: string,
): string {
  return `${publicUrl}/${page}/${memberId}/${key}`;
}

// The message for every link that does not work: the same for used, replaced, expired and forged
// keys, so a link tells nothing about the account.
export function invalidLink(purpose: LinkPurpose): AppError {
  const again =
    purpose === 'registration'
      ? 'ask the board to send a new welcome mail'
      : purpose === 'password-reset'
        ? 'request a new one'
        : 'change the address again to get a new one';
  return new AppError('LINK_INVALID', `this link is no longer valid (used, replaced or expired): ${again}`, {
    purpose,
  });
}

// Keys sent by mail. A link carries the member id and the key; only the key's SHA-256 is stored,
// one per member and purpose: issuing a new key deletes the old one, using a key deletes it.
@Injectable()
export class LinkTokenService {
  async issue(
    em: EntityManager,
    member: Member,
    purpose: LinkPurpose,
    ttlMs: number,
    data: Record<string, string> | null = null,
  ): Promise<IssuedLink> {
    await em.nativeDelete(LinkToken, { member, purpose });
    const key = newToken();
    const expiresAt = new Date(Date.now() + ttlMs);
    em.create(LinkToken, { member, purpose, tokenHash: tokenHash(key), expiresAt, data });
    return { key, expiresAt };
  }

  // Checks a key in constant time against the member's live key (locked for the transaction, so
  // two requests with one key cannot both use it). Throws LINK_INVALID for every kind of failure.
  async check(em: EntityManager, memberId: number, key: string, purpose: LinkPurpose): Promise<CheckedLink> {
    const token = await em.findOne(
      LinkToken,
      { member: memberId, purpose },
      { populate: ['member'], lockMode: LockMode.PESSIMISTIC_WRITE },
    );
    const presented = tokenHash(key);
    const stored = token?.tokenHash ?? presented.replace(/./g, '0');
    const matches = safeEqual(presented, stored);
    if (!token || !matches || token.expiresAt.getTime() <= Date.now()) throw invalidLink(purpose);
    return { member: token.member, token };
  }

  async consume(em: EntityManager, token: LinkToken): Promise<void> {
    await em.nativeDelete(LinkToken, { id: token.id });
  }

  // Housekeeping: expired keys are useless, and a key is personal data.
  async purgeExpired(em: EntityManager): Promise<number> {
    return em.nativeDelete(LinkToken, { expiresAt: { $lte: new Date() } });
  }
}
