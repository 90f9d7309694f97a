import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { readCookie } from '../http/cookies.js';

// Every form carries a token that must equal a cookie only this site can set and read
// (double submit; `__Host-` pins the cookie to this host when served over https). Together with
// SameSite=Strict session cookies and the Origin check in the AuthGuard, a page elsewhere cannot
// post a form in a member's name.
export const CSRF_FIELD = '_csrf';
export const CSRF_HEADER = 'x-csrf-token';

const TOKEN = /^[A-Za-z0-9_-]{43}$/;
const FORM_TYPES = ['application/x-www-form-urlencoded', 'multipart/form-data'];
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function csrfCookieName(secure: boolean): string {
  return secure ? '__Host-allmende_csrf' : 'allmende_csrf';
}

declare module 'fastify' {
  interface FastifyRequest {
    csrfToken?: string;
  }
}

// The request's token; a first visit gets a new one, set as a cookie on the answer.
export function csrfToken(req: FastifyRequest, reply: FastifyReply, secure: boolean): string {
  if (req.csrfToken) return req.csrfToken;
  const name = csrfCookieName(secure);
  const existing = readCookie(req.headers.cookie, name);
  if (existing && TOKEN.test(existing)) return (req.csrfToken = existing);
  const token = randomBytes(32).toString('base64url');
  const cookie = [`${name}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', ...(secure ? ['Secure'] : [])];
  void reply.header('Set-Cookie', cookie.join('; '));
  return (req.csrfToken = token);
}

// Pure: does a posted form carry the token of its cookie?
export function csrfMatches(cookie: string | undefined, sent: unknown): boolean {
  if (typeof cookie !== 'string' || typeof sent !== 'string' || !TOKEN.test(cookie)) return false;
  const a = Buffer.from(cookie);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isForm(req: FastifyRequest): boolean {
  const type = (req.headers['content-type'] ?? '').toLowerCase();
  return FORM_TYPES.some((t) => type.startsWith(t));
}

// Refuses every form post (the kind a browser sends across sites without asking) whose token is
// missing or wrong. JSON API calls and bearer-token programs are not forms and not affected.
export function installCsrfCheck(
  fastify: FastifyInstance,
  secure: boolean,
  refuse: (req: FastifyRequest, reply: FastifyReply) => FastifyReply,
): void {
  fastify.addHook('preHandler', async (req, reply) => {
    if (SAFE_METHODS.has(req.method) || !isForm(req) || req.headers.authorization) return;
    const body = req.body as Record<string, unknown> | undefined;
    const query = req.query as Record<string, unknown> | undefined;
    const sent = body?.[CSRF_FIELD] ?? req.headers[CSRF_HEADER] ?? query?.[CSRF_FIELD];
    if (!csrfMatches(readCookie(req.headers.cookie, csrfCookieName(secure)), sent)) return refuse(req, reply);
    if (body && typeof body === 'object') delete body[CSRF_FIELD];
  });
}
