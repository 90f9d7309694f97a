import { Body, Controller, Get, Param, ParseIntPipe, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PasswordResetService } from '../auth/password-reset.service.js';
import { AppError } from '../core/app.errors.js';
import { Access } from '../http/access.decorator.js';
import type { LinkPurpose } from '../members/entities/link-token.entity.js';
import { EmailChangeService } from '../members/email-change.service.js';
import { RegistrationService, type RegistrationPreview } from '../members/registration.service.js';
import { translate, type MessageKey } from './i18n.js';
import { PageContextService } from './page-context.service.js';
import { sendPage, type PageContext } from './views.js';
import { errorsByField, refusalText } from './field-errors.js';

type Form = Record<string, string | undefined>;

// The pages the mailed links open: registration, password reset, address confirmation. Every
// page works without JavaScript. A GET never changes anything (mail scanners open links); the
// form's POST does. The key is in the path, so these pages send no Referer and are not cached.
@ApiExcludeController()
@Controller()
export class LinkPagesController {
  constructor(
    private readonly registration: RegistrationService,
    private readonly reset: PasswordResetService,
    private readonly emailChanges: EmailChangeService,
    private readonly pages: PageContextService,
  ) {}

  @Get('register/:id/:key')
  @Access('public')
  async registerForm(
    @Param('id', ParseIntPipe) id: number,
    @Param('key') key: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    try {
      const preview = await this.registration.preview(id, key);
      const values = { namedAddress: true, pseudonymousAddress: false, forwardToPrivate: true };
      return this.page(
        reply,
        200,
        'register',
        ctx,
        { preview, values, action: `/register/${id}/${key}` },
        'register.title',
      );
    } catch (err) {
      return this.failure(reply, ctx, err, 'registration');
    }
  }

  @Post('register/:id/:key')
  @Access('public')
  async register(
    @Param('id', ParseIntPipe) id: number,
    @Param('key') key: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const values = {
      namedAddress: body.namedAddress === 'on',
      pseudonymousAddress: body.pseudonymousAddress === 'on',
      forwardToPrivate: body.forwardToPrivate === 'on',
    };
    let preview: RegistrationPreview;
    try {
      preview = await this.registration.preview(id, key);
    } catch (err) {
      return this.failure(reply, ctx, err, 'registration');
    }
    const again = (errors: Record<string, string>) =>
      this.page(
        reply,
        400,
        'register',
        ctx,
        { preview, values, errors, action: `/register/${id}/${key}` },
        'register.title',
      );
    const password = body.password ?? '';
    if (password !== (body.password2 ?? '')) return again({ password: translate(ctx.lang, 'error.mismatch') });
    try {
      await this.registration.register(id, key, {
        ...values,
        forwardToPrivate: values.forwardToPrivate && preview.privateEmail !== null,
        password: password === '' ? null : password,
        language: ctx.lang,
      });
      return this.message(reply, 200, ctx, 'register.title', translate(ctx.lang, 'register.done'));
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION_FAILED') return again(errorsByField(err, ctx.lang));
      return this.failure(reply, ctx, err, 'registration');
    }
  }

  @Get('reset')
  @Access('public')
  async resetRequestForm(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.page(reply, 200, 'reset-request', await this.pages.of(req, reply), {}, 'reset.title');
  }

  @Post('reset')
  @Access('public')
  async resetRequest(@Body() body: Form, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const login = (body.login ?? '').trim().slice(0, 254);
    if (login === '') return this.page(reply, 400, 'reset-request', ctx, {}, 'reset.title');
    try {
      await this.reset.request(login, req.ip ?? null);
      return this.message(reply, 200, ctx, 'reset.title', translate(ctx.lang, 'reset.sent'));
    } catch (err) {
      if (err instanceof AppError && err.code === 'RATE_LIMITED') {
        void reply.header('Retry-After', String(err.details?.retryAfterSeconds ?? 3600));
        return this.message(reply, 429, ctx, 'reset.title', translate(ctx.lang, 'error.rate'));
      }
      throw err;
    }
  }

  @Get('reset/:id/:key')
  @Access('public')
  async resetForm(
    @Param('id', ParseIntPipe) id: number,
    @Param('key') key: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    try {
      const { username } = await this.reset.check(id, key);
      return this.page(reply, 200, 'reset-form', ctx, { username, action: `/reset/${id}/${key}` }, 'reset.new.title', {
        username,
      });
    } catch (err) {
      return this.failure(reply, ctx, err, 'password-reset');
    }
  }

  @Post('reset/:id/:key')
  @Access('public')
  async resetConfirm(
    @Param('id', ParseIntPipe) id: number,
    @Param('key') key: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    let username: string;
    try {
      ({ username } = await this.reset.check(id, key));
    } catch (err) {
      return this.failure(reply, ctx, err, 'password-reset');
    }
    const again = (errors: Record<string, string>) =>
      this.page(reply, 400, 'reset-form', ctx, { username, errors, action: `/reset/${id}/${key}` }, 'reset.new.title', {
        username,
      });
    const password = body.password ?? '';
    if (password !== (body.password2 ?? '')) return again({ password: translate(ctx.lang, 'error.mismatch') });
    try {
      await this.reset.confirm(id, key, password);
      return this.message(reply, 200, ctx, 'reset.title', translate(ctx.lang, 'reset.done'));
    } catch (err) {
      if (err instanceof AppError && err.code === 'VALIDATION_FAILED') return again(errorsByField(err, ctx.lang));
      return this.failure(reply, ctx, err, 'password-reset');
    }
  }

  @Get('email-change/:id/:key')
  @Access('public')
  async emailChangeForm(
    @Param('id', ParseIntPipe) id: number,
    @Param('key') key: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.page(
      reply,
      200,
      'email-change',
      await this.pages.of(req, reply),
      { action: `/email-change/${id}/${key}` },
      'email.title',
    );
  }

  @Post('email-change/:id/:key')
  @Access('public')
  async emailChange(
    @Param('id', ParseIntPipe) id: number,
    @Param('key') key: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    try {
      const { privateEmail } = await this.emailChanges.confirm(id, key);
      return this.message(reply, 200, ctx, 'email.title', translate(ctx.lang, 'email.done', { address: privateEmail }));
    } catch (err) {
      if (err instanceof AppError && err.code === 'CONFLICT')
        return this.message(reply, 409, ctx, 'email.title', refusalText(err, ctx.lang));
      return this.failure(reply, ctx, err, 'email-change');
    }
  }

  private failure(reply: FastifyReply, ctx: PageContext, err: unknown, purpose: LinkPurpose) {
    if (err instanceof AppError && err.code === 'LINK_INVALID') {
      const link =
        purpose === 'password-reset' ? { href: '/reset', text: translate(ctx.lang, 'reset.again') } : undefined;
      return this.message(reply, 410, ctx, 'link.invalid.title', translate(ctx.lang, `link.invalid.${purpose}`), link);
    }
    throw err;
  }

  private message(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    title: 'register.title' | 'reset.title' | 'email.title' | 'link.invalid.title',
    message: string,
    link?: { href: string; text: string },
  ) {
    return this.page(
      reply,
      status,
      'message',
      ctx,
      { message, link, role: status >= 400 ? 'alert' : undefined },
      title,
    );
  }

  // The key is in these pages' URLs: no Referer may carry it elsewhere.
  private page(
    reply: FastifyReply,
    status: number,
    view: string,
    ctx: PageContext,
    data: Record<string, unknown>,
    title: MessageKey,
    titleVars?: Record<string, string>,
  ) {
    // same-origin, not no-referrer: the key in the URL never leaves the site either way, but under
    // no-referrer browsers send `Origin: null` with the page's own form, which the origin check refuses.
    return sendPage(reply.header('Referrer-Policy', 'same-origin'), status, view, ctx, data, title, titleVars);
  }
}
