import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import { hasRole, type Role } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { ZodPipe } from '../../http/zod.pipe.js';
import { isMessageKey, translate, type MessageKey } from '../i18n.js';
import type { Language } from '../../notifications/templates/templates.js';
import { sendPage, type PageContext } from '../views.js';
import { errorsByField, type FieldErrors } from '../field-errors.js';

// A posted form as Fastify parses it: a repeated name arrives as an array.
export type Form = Record<string, string | string[] | undefined>;

// Pure: one field's text ('' when missing; the first value when repeated).
export function field(form: Form, name: string): string {
  const v = form[name];
  return Array.isArray(v) ? (v[0] ?? '') : (v ?? '');
}

// Pure: a field that may be left empty: '' becomes null (or undefined with `omit`).
export function optional(form: Form, name: string): string | null {
  const v = field(form, name).trim();
  return v === '' ? null : v;
}

export type { FieldErrors };

// Pure: the service's (or the schema's) validation problems in the page's language, one message per field.
export function fieldErrors(err: AppError, lang: Language): FieldErrors {
  return errorsByField(err, lang, (field) => field.split('.')[0] ?? field);
}

// Checks input against the API's own schema, so a page accepts exactly what the API accepts.
export function validate<S extends z.ZodType>(
  schema: S,
  input: unknown,
  lang: Language,
): { ok: true; data: z.infer<S> } | { ok: false; errors: FieldErrors } {
  try {
    return { ok: true, data: new ZodPipe(schema).transform(input) };
  } catch (err) {
    if (err instanceof AppError && err.code === 'VALIDATION_FAILED')
      return { ok: false, errors: fieldErrors(err, lang) };
    throw err;
  }
}

// Runs a service call; a validation or duplicate error becomes field errors for the form.
export async function attempt<T>(
  fn: () => Promise<T>,
  lang: Language,
): Promise<{ ok: true; value: T } | { ok: false; errors: FieldErrors }> {
  try {
    return { ok: true, value: await fn() };
  } catch (err) {
    if (err instanceof AppError && err.code === 'VALIDATION_FAILED')
      return { ok: false, errors: fieldErrors(err, lang) };
    if (err instanceof AppError && err.code === 'CONFLICT' && err.details?.fields)
      return { ok: false, errors: fieldErrors(err, lang) };
    throw err;
  }
}

interface SubNavItem {
  href: string;
  label: MessageKey;
  role: Role;
}

// The board area's own navigation; helpers see the pages open to them.
const SUBNAV: readonly SubNavItem[] = [
  { href: '/board', label: 'board.nav.dashboard', role: 'helper' },
  { href: '/board/members', label: 'board.nav.members', role: 'helper' },
  { href: '/board/intake', label: 'board.nav.intake', role: 'board' },
  { href: '/board/import', label: 'board.nav.import', role: 'board' },
  { href: '/board/exports', label: 'board.nav.exports', role: 'helper' },
  { href: '/board/groups', label: 'board.nav.groups', role: 'helper' },
  { href: '/board/things', label: 'board.nav.things', role: 'helper' },
  { href: '/board/locations', label: 'board.nav.locations', role: 'helper' },
  { href: '/board/rooms', label: 'board.nav.rooms', role: 'helper' },
  { href: '/board/sync', label: 'board.nav.sync', role: 'board' },
];

// Pure: the links of the board's sub-navigation for a role, the current one marked.
export function boardNav(role: Role, path: string): (SubNavItem & { current: boolean })[] {
  const visible = SUBNAV.filter((item) => hasRole({ role }, item.role));
  const current = visible
    .filter((item) => path === item.href || (item.href !== '/board' && path.startsWith(`${item.href}/`)))
    .sort((a, b) => b.href.length - a.href.length)[0];
  return visible.map((item) => ({ ...item, current: item === current }));
}

// A board page: the layout, the sub-navigation, and whether the viewer is on the board.
export function sendBoardPage(
  reply: FastifyReply,
  status: number,
  view: string,
  ctx: PageContext,
  data: Record<string, unknown>,
  title: MessageKey,
  titleVars?: Record<string, string>,
): FastifyReply {
  const role = ctx.user?.role ?? 'member';
  // What the last change did (?done=… after a redirect); only notes the catalog knows are shown.
  const key = typeof data.done === 'string' ? `board.done.${data.done}` : '';
  const note = isMessageKey(key) ? translate(ctx.lang, key) : null;
  return sendPage(
    reply,
    status,
    `board/${view}`,
    ctx,
    { ...data, note, subnav: boardNav(role, ctx.path), isBoard: hasRole({ role }, 'board') },
    title,
    titleVars,
  );
}

// Post/Redirect/Get: after a change, the page again with a note of what happened.
export function seeOther(reply: FastifyReply, path: string, done?: string): FastifyReply {
  const sep = path.includes('?') ? '&' : '?';
  return reply.redirect(done ? `${path}${sep}done=${encodeURIComponent(done)}` : path, 303);
}
