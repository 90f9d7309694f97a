import { Body, Controller, Get, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { hasRole, type Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { problemsOfIssues } from '../../core/zod-problems.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { extendSchema, lendSchema, thingListSchema } from '../../inventory/inventory.schemas.js';
import { LoansService } from '../../inventory/loans.service.js';
import { isoDay } from '../../inventory/ownership.js';
import type { ThingView } from '../../inventory/thing-view.js';
import { ThingsService } from '../../inventory/things.service.js';
import { MembersService } from '../../members/members.service.js';
import type { Language } from '../../notifications/templates/templates.js';
import { refusalText } from '../field-errors.js';
import { translate, type MessageKey } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage, type PageContext } from '../views.js';
import { formErrors, text, zodErrors, type FieldErrors, type FormBody } from './form.js';

type PageRequest = FastifyRequest & RequestWithActor;

const PAGE_SIZE = 20;

// Pure: what a thing's page offers whom, by the rules of LoansService: a member borrows for
// themselves, a helper (or the board) lends to anyone; its borrower or a helper returns it.
export function thingActions(thing: ThingView, actor: Pick<Actor, 'role' | 'memberId'>) {
  const free = !thing.archived && thing.loan === null;
  const helper = hasRole(actor, 'helper');
  return {
    canBorrow: free,
    lendsToOthers: free && helper,
    canReturn: thing.loan !== null && (helper || thing.loan.borrowerId === actor.memberId),
    today: isoDay(new Date()),
  };
}

// Pure: whose a thing is, as its page says it. A member owner is named by display name only,
// which every member may see of another (DESIGN: visibility); the day is formatted by the page.
export function ownerText(thing: Pick<ThingView, 'ownership' | 'owner' | 'ownerUntil'>): {
  key: MessageKey;
  name: string;
  until: string | null;
} {
  const name = thing.owner?.name ?? '?';
  switch (thing.ownership) {
    case 'club':
      return { key: 'thing.owner.club', name: '', until: null };
    case 'member-owned':
      return { key: 'thing.owner.member-owned', name, until: null };
    case 'lent-to-club':
      return thing.ownerUntil === null
        ? { key: 'thing.owner.lent-to-club.open', name, until: null }
        : { key: 'thing.owner.lent-to-club', name, until: thing.ownerUntil };
    case 'donated':
      return thing.owner?.name
        ? { key: 'thing.owner.donated', name: thing.owner.name, until: null }
        : { key: 'thing.owner.donated.nameless', name: '', until: null };
  }
}

// Things for members: the search, their own loans and things, and lending on a thing's page.
@ApiExcludeController()
@Controller()
export class ThingsPagesController {
  constructor(
    private readonly things: ThingsService,
    private readonly loans: LoansService,
    private readonly members: MembersService,
    private readonly pages: PageContextService,
  ) {}

  @Get('things')
  @Access('member')
  async search(
    @Query() query: Record<string, string | undefined>,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const q = typeof query.q === 'string' ? query.q.trim() : '';
    // A page number that is no number is page 1: it comes from a link, not from the form.
    const page = /^[1-9]\d{0,4}$/.test(query.page ?? '') ? query.page : undefined;
    const parsed = thingListSchema.safeParse({ q: q === '' ? undefined : q, page, pageSize: PAGE_SIZE });
    if (!parsed.success) {
      return sendPage(
        reply,
        400,
        'things',
        ctx,
        { q, errors: zodErrors(parsed.error, ctx.lang), result: null },
        'things.title',
      );
    }
    const result = await this.things.list(parsed.data);
    const pages = Math.max(1, Math.ceil(result.total / PAGE_SIZE));
    return sendPage(reply, 200, 'things', ctx, { q, result, pages }, 'things.title');
  }

  @Post('things/:ref/lend')
  @Access('member')
  async lend(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const values = { borrower: text(body, 'borrower'), dueOn: text(body, 'dueOn'), note: text(body, 'note') };
    const again = (status: number, errors: FieldErrors) =>
      this.thingPage(reply, status, ctx, actor, ref, { values, errors });
    let borrowerId: number | undefined;
    if (values.borrower.length > 64) {
      return again(400, { borrower: translate(ctx.lang, 'me.error.toolong', { max: '64' }) });
    }
    if (values.borrower !== '') {
      borrowerId = (await this.members.activeIdByUsername(values.borrower)) ?? undefined;
      if (borrowerId === undefined) return again(400, { borrower: translate(ctx.lang, 'things.lend.nobody') });
    }
    const parsed = lendSchema.safeParse({ dueOn: values.dueOn, borrowerId, note: values.note || undefined });
    if (!parsed.success) return again(400, zodErrors(parsed.error, ctx.lang));
    try {
      await this.loans.lend(actor, ref, parsed.data);
      return reply.redirect(`/things/${encodeURIComponent(ref)}`, 303);
    } catch (err) {
      const errors = formErrors(err, ctx.lang, { borrowerId: 'borrower' }) ?? refused(err, ctx.lang);
      if (!errors) throw err;
      return again(err instanceof AppError && err.code === 'CONFLICT' ? 409 : 400, errors);
    }
  }

  // A longer loan: its borrower or a helper moves the return date (LoansService.extend).
  @Post('things/:ref/extend')
  @Access('member')
  async extend(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body() body: FormBody,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const values = { newDueOn: text(body, 'newDueOn') };
    const parsed = extendSchema.safeParse({ dueOn: values.newDueOn });
    try {
      if (!parsed.success) throw AppError.validation(problemsOfIssues(parsed.error.issues));
      await this.loans.extend(actor, ref, parsed.data.dueOn);
      return reply.redirect(`/things/${encodeURIComponent(ref)}`, 303);
    } catch (err) {
      const errors = formErrors(err, ctx.lang, { dueOn: 'newDueOn' }) ?? refused(err, ctx.lang);
      if (!errors) throw err;
      return this.thingPage(reply, 400, ctx, actor, ref, { values, errors });
    }
  }

  @Post('things/:ref/return')
  @Access('member')
  async giveBack(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    try {
      await this.loans.giveBack(actor, ref);
      return reply.redirect(`/things/${encodeURIComponent(ref)}`, 303);
    } catch (err) {
      const ctx = await this.pages.of(req, reply);
      const errors = formErrors(err, ctx.lang) ?? refused(err, ctx.lang);
      if (!errors) throw err;
      return this.thingPage(reply, 400, ctx, actor, ref, { errors });
    }
  }

  @Get('me/things')
  @Access('member')
  async mine(@CurrentActor() actor: Actor, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const id = actor.memberId ?? 0;
    const [loans, owned] = await Promise.all([
      this.loans.loans({ borrowerId: id }),
      this.things.list(thingListSchema.parse({ ownerMemberId: id, pageSize: 500 })),
    ]);
    const open = loans.filter((l) => l.returnedAt === null).sort((a, b) => a.dueOn.localeCompare(b.dueOn));
    const returned = loans.filter((l) => l.returnedAt !== null).slice(0, 20);
    return sendPage(reply, 200, 'me-things', ctx, { open, returned, owned: owned.items }, 'me.things.title');
  }

  // A thing's page (GET in PagesController) again, with the lending form's errors.
  private async thingPage(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor,
    ref: string,
    opts: { values?: Record<string, string>; errors?: FieldErrors },
  ) {
    const thing = await this.things.get(ref);
    return sendPage(
      reply,
      status,
      'thing',
      ctx,
      { thing, ...thingActions(thing, actor), owner: ownerText(thing), values: opts.values, errors: opts.errors },
      'thing.page',
      { name: thing.name },
    );
  }
}

// A refusal by the loan rules (a member lending to someone else) belongs on the form too.
function refused(err: unknown, lang: Language): FieldErrors | undefined {
  return err instanceof AppError && err.code === 'FORBIDDEN' ? { '(form)': refusalText(err, lang) } : undefined;
}
