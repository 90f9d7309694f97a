import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AuthService } from '../../auth/auth.service.js';
import { PASSWORD_MAX_LENGTH } from '../../auth/password-policy.js';
import type { Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { CatalogService } from '../../members/catalog.service.js';
import { EmailChangeService } from '../../members/email-change.service.js';
import { MembersService } from '../../members/members.service.js';
import { emailSchema, updateSchema } from '../../members/members.schemas.js';
import { translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage, type PageContext } from '../views.js';
import { formErrors, raw, text, zodErrors, type FieldErrors, type FormBody } from './form.js';

type PageRequest = FastifyRequest & RequestWithActor;

// The built-in fields a member may see in the form, in its order; whether they may change them
// is the profile field's rule (memberEditable), as for PATCH /api/me.
const NAME_FIELDS = ['displayName', 'firstName', 'lastName'] as const;

const BUILTIN_LABELS = [...NAME_FIELDS, 'language', 'privateEmail'] as const;

export interface ProfileValues {
  displayName: string;
  firstName: string;
  lastName: string;
  language: string;
  email: string;
  profile: Record<string, string>;
}

// Pure: a custom field travels as `profile.<key>` in the services and as `profile_<key>` in the
// form (a name, id and error id without a dot).
export function formNames(errors: FieldErrors): FieldErrors {
  return Object.fromEntries(Object.entries(errors).map(([k, v]) => [k.replace(/^profile\./, 'profile_'), v]));
}

// /me: the member's own record, its pending changes, the private address and the password.
// There is no id in these URLs: /me is always the member who is logged in.
@ApiExcludeController()
@Controller('me')
export class ProfilePagesController {
  constructor(
    private readonly members: MembersService,
    private readonly catalog: CatalogService,
    private readonly emailChanges: EmailChangeService,
    private readonly auth: AuthService,
    private readonly pages: PageContextService,
  ) {}

  @Get()
  @Access('member')
  async profile(
    @CurrentActor() actor: Actor,
    @Query('done') done: string | undefined,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    return this.profilePage(reply, 200, ctx, actor, { done });
  }

  @Post()
  @Access('member')
  async save(
    @CurrentActor() actor: Actor,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const rules = await this.catalog.profileFields();
    const editable = new Set(rules.filter((r) => r.memberEditable).map((r) => r.key));
    const custom = rules.filter((r) => !r.builtin && r.memberEditable);
    const values: ProfileValues = {
      displayName: text(body, 'displayName'),
      firstName: text(body, 'firstName'),
      lastName: text(body, 'lastName'),
      language: text(body, 'language'),
      email: '',
      profile: Object.fromEntries(custom.map((f) => [f.key, text(body, `profile_${f.key}`)])),
    };
    const input: Record<string, unknown> = {};
    for (const key of NAME_FIELDS) if (editable.has(key)) input[key] = values[key];
    if (editable.has('language')) input.language = values.language === '' ? null : values.language;
    if (custom.length > 0) {
      input.profile = Object.fromEntries(custom.map((f) => [f.key, values.profile[f.key] || null]));
    }
    const parsed = updateSchema.safeParse(input);
    if (!parsed.success) {
      return this.profilePage(reply, 400, ctx, actor, { values, errors: formNames(zodErrors(parsed.error, ctx.lang)) });
    }
    try {
      const { pending } = await this.members.update(actor, actor.memberId ?? 0, parsed.data);
      return reply.redirect(pending ? '/me?done=pending' : '/me?done=saved', 303);
    } catch (err) {
      const errors = formErrors(err, ctx.lang);
      if (!errors) throw err;
      return this.profilePage(reply, err instanceof AppError && err.code === 'CONFLICT' ? 409 : 400, ctx, actor, {
        values,
        errors: formNames(errors),
      });
    }
  }

  // A new private address applies once the link mailed to it is opened (as POST /api/me/email).
  @Post('email')
  @Access('member')
  async email(
    @CurrentActor() actor: Actor,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const email = text(body, 'email');
    const again = (status: number, errors: FieldErrors) =>
      this.profilePage(reply, status, ctx, actor, { emailValue: email, errors });
    const parsed = emailSchema.safeParse(email);
    if (email === '') return again(400, { email: translate(ctx.lang, 'me.error.required') });
    if (!parsed.success) return again(400, zodErrors(parsed.error, ctx.lang, 'email'));
    try {
      await this.emailChanges.request(actor, actor.memberId ?? 0, parsed.data);
      return reply.redirect('/me?done=email', 303);
    } catch (err) {
      const errors = formErrors(err, ctx.lang, { privateEmail: 'email' });
      if (!errors) throw err;
      return again(err instanceof AppError && err.code === 'CONFLICT' ? 409 : 400, errors);
    }
  }

  @Get('password')
  @Access('member')
  async passwordForm(@Query('done') done: string | undefined, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return sendPage(reply, 200, 'me-password', ctx, { done: done === 'saved' }, 'me.password.title');
  }

  @Post('password')
  @Access('member')
  async password(
    @CurrentActor() actor: Actor,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const again = (status: number, errors: FieldErrors) =>
      sendPage(reply, status, 'me-password', ctx, { errors }, 'me.password.title');
    const current = raw(body, 'currentPassword');
    const password = raw(body, 'password');
    const errors: FieldErrors = {};
    if (current === '') errors.currentPassword = translate(ctx.lang, 'me.error.required');
    if (password === '') errors.password = translate(ctx.lang, 'me.error.required');
    else if (password.length > PASSWORD_MAX_LENGTH)
      errors.password = translate(ctx.lang, 'me.error.toolong', { max: String(PASSWORD_MAX_LENGTH) });
    else if (password !== raw(body, 'password2')) errors.password2 = translate(ctx.lang, 'error.mismatch');
    if (current.length > PASSWORD_MAX_LENGTH) errors.currentPassword = translate(ctx.lang, 'me.password.wrong');
    if (Object.keys(errors).length > 0) return again(400, errors);
    try {
      await this.auth.changePassword(actor, current, password);
      return reply.redirect('/me/password?done=saved', 303);
    } catch (err) {
      if (err instanceof AppError && err.code === 'RATE_LIMITED') {
        void reply.header('Retry-After', String(err.details?.retryAfterSeconds ?? 900));
        return again(429, { currentPassword: translate(ctx.lang, 'error.rate') });
      }
      const found = formErrors(err, ctx.lang);
      if (!found) throw err;
      if (found.currentPassword) found.currentPassword = translate(ctx.lang, 'me.password.wrong');
      return again(400, found);
    }
  }

  @Get('sessions')
  @Access('member')
  async sessions(@CurrentActor() actor: Actor, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const sessions = (await this.auth.sessionsOf(actor.memberId ?? 0)).map((s) => ({
      id: s.id,
      createdAt: s.createdAt,
      lastSeenAt: s.lastSeenAt ?? s.createdAt,
      clientAddress: s.clientAddress ?? null,
      userAgent: s.userAgent ?? null,
      current: s.id === actor.sessionId,
    }));
    return sendPage(reply, 200, 'me-sessions', ctx, { sessions }, 'me.sessions.title');
  }

  // Another member's session id answers 404 (AuthService.revokeSession), like one that never was.
  @Post('sessions/:id/revoke')
  @Access('member')
  async revoke(@CurrentActor() actor: Actor, @Param('id', new ParseUUIDPipe()) id: string, @Res() reply: FastifyReply) {
    await this.auth.revokeSession(actor, id);
    return reply.redirect(id === actor.sessionId ? '/login' : '/me/sessions', 303);
  }

  private async profilePage(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor,
    opts: { done?: string; values?: ProfileValues; emailValue?: string; errors?: FieldErrors },
  ) {
    const id = actor.memberId ?? 0;
    const [member, rules, pending, emailPending] = await Promise.all([
      this.members.get(actor, id),
      this.catalog.profileFields(),
      this.members.pendingOf(id),
      this.emailChanges.pending(id),
    ]);
    const values: ProfileValues = opts.values ?? {
      displayName: member.displayName,
      firstName: member.firstName ?? '',
      lastName: member.lastName ?? '',
      language: member.language ?? '',
      email: '',
      profile: { ...member.profile },
    };
    values.email = opts.emailValue ?? '';
    const editable = new Set(rules.filter((r) => r.memberEditable).map((r) => r.key));
    const approval = new Set(rules.filter((r) => r.requiresApproval).map((r) => r.key));
    const custom = rules.filter((r) => !r.builtin && (r.memberEditable || member.profile?.[r.key] !== undefined));
    const labels: Record<string, string> = Object.fromEntries(rules.map((r) => [r.key, r.label]));
    for (const key of BUILTIN_LABELS) labels[key] = translate(ctx.lang, `me.field.${key}`);
    return sendPage(
      reply,
      status,
      'me-profile',
      ctx,
      {
        member,
        values,
        errors: opts.errors,
        done: opts.done,
        editable: [...editable],
        approval: [...approval],
        custom: custom.map((f) => ({ key: f.key, label: f.label, editable: f.memberEditable })),
        pending: pending.map((r) => ({
          at: r.createdAt,
          changes: r.changes.map((c) => ({ ...c, label: labels[c.field.replace(/^profile\./, '')] ?? c.field })),
        })),
        emailPending,
      },
      'me.title',
    );
  }
}
