import { Body, Controller, Get, Query, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { MailService } from '../../mail/mail.service.js';
import { MailingListsService } from '../../mailman-sync/mailing-lists.service.js';
import { translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage, type PageContext } from '../views.js';
import { all, checked, formErrors, type FieldErrors, type FormBody } from './form.js';

type PageRequest = FastifyRequest & RequestWithActor;

// /me/addresses and /me/lists: the member's club addresses, forwarding and opt-in lists, with the
// same services and rules as PATCH /api/me/mail and PUT/DELETE /api/lists/:id/opt-ins/:memberId.
@ApiExcludeController()
@Controller('me')
export class MailPagesController {
  constructor(
    private readonly mail: MailService,
    private readonly lists: MailingListsService,
    private readonly pages: PageContextService,
  ) {}

  @Get('addresses')
  @Access('member')
  async addresses(
    @CurrentActor() actor: Actor,
    @Query('done') done: string | undefined,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    return this.addressesPage(reply, 200, ctx, actor, { done: done === 'saved' });
  }

  @Post('addresses')
  @Access('member')
  async saveAddresses(
    @CurrentActor() actor: Actor,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const choices = {
      namedAddress: checked(body, 'namedAddress'),
      pseudonymousAddress: checked(body, 'pseudonymousAddress'),
      forwardToPrivate: checked(body, 'forwardToPrivate'),
      keepCopy: checked(body, 'keepCopy'),
    };
    try {
      await this.mail.setChoices(actor, actor.memberId ?? 0, choices);
      return reply.redirect('/me/addresses?done=saved', 303);
    } catch (err) {
      const errors = formErrors(err, ctx.lang);
      if (!errors) throw err;
      return this.addressesPage(reply, 400, ctx, actor, { choices, errors });
    }
  }

  @Get('lists')
  @Access('member')
  async listsPage(
    @CurrentActor() actor: Actor,
    @Query('done') done: string | undefined,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const lists = await this.lists.forMember(actor.memberId ?? 0);
    return sendPage(reply, 200, 'me-lists', ctx, { lists, done: done === 'saved' }, 'me.lists.title');
  }

  @Post('lists')
  @Access('member')
  async saveLists(
    @CurrentActor() actor: Actor,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ids = all(body, 'list').map(Number);
    if (ids.every((id) => Number.isSafeInteger(id) && id > 0)) {
      try {
        await this.lists.setOptIns(actor, actor.memberId ?? 0, ids);
        return reply.redirect('/me/lists?done=saved', 303);
      } catch (err) {
        // A list that is gone or is not opt-in: the form was stale or made up.
        if (!(err instanceof AppError && err.code === 'INVALID_STATE')) throw err;
      }
    }
    const ctx = await this.pages.of(req, reply);
    const lists = await this.lists.forMember(actor.memberId ?? 0);
    const errors = { list: translate(ctx.lang, 'me.lists.unknown') };
    return sendPage(reply, 400, 'me-lists', ctx, { lists, errors }, 'me.lists.title');
  }

  private async addressesPage(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor,
    opts: { done?: boolean; choices?: Record<string, boolean>; errors?: FieldErrors },
  ) {
    const mail = await this.mail.ofMember(actor.memberId ?? 0);
    const choices = opts.choices ?? mail.choices;
    return sendPage(
      reply,
      status,
      'me-addresses',
      ctx,
      { mail, choices, errors: opts.errors, done: opts.done },
      'me.addresses.title',
    );
  }
}
