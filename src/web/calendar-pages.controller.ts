import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { createEventSchema } from '../calendar/calendar.schemas.js';
import { EventsService } from '../calendar/events.service.js';
import { FeedTokensService, webcal, type FeedLinks } from '../calendar/feed-tokens.service.js';
import { ResourcesService } from '../calendar/resources.service.js';
import { isoDate, utcToLocal } from '../calendar/time-zone.js';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import type { Actor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { problemsOfIssues } from '../core/zod-problems.js';
import { Access, CurrentActor, type RequestWithActor } from '../http/access.decorator.js';
import { isMessageKey, translate } from './i18n.js';
import { PageContextService } from './page-context.service.js';
import type { PageContext } from './views.js';
import { sendPage } from './views.js';
import { errorsByField, errorsOf, refusalText } from './field-errors.js';
import { movedEventLocation } from './rooms/event-address.js';
import { droppedOf } from './rooms/rooms-forms.js';

type PageRequest = FastifyRequest & RequestWithActor;
type Form = Record<string, string | string[] | undefined>;

const UPCOMING_DAYS = 60;

// Pure: the event form's fields as the API takes them (empty fields left out).
export function eventInputOf(form: Form): Record<string, unknown> {
  const one = (k: string) => {
    const v = form[k];
    const s = (Array.isArray(v) ? v[0] : v)?.trim();
    return s === undefined || s === '' ? undefined : s;
  };
  const ids = [form.resourceIds ?? []]
    .flat()
    .map(Number)
    .filter((n) => Number.isInteger(n) && n > 0);
  // All-day events take the date fields (or the date part of the time fields).
  const allDay = one('allDay') === 'on' ? true : undefined;
  const day = (k: 'start' | 'end') => one(`${k}Date`) ?? one(k)?.slice(0, 10);
  return Object.fromEntries(
    Object.entries({
      title: one('title'),
      start: allDay ? day('start') : one('start'),
      end: allDay ? day('end') : one('end'),
      allDay,
      description: one('description'),
      rrule: one('rrule'),
      visibility: one('visibility'),
      resourceIds: ids.length > 0 ? ids : undefined,
    }).filter(([, v]) => v !== undefined),
  );
}

// The calendar's pages: the coming events with the subscribe links and, for members, the event
// form and their private feed link; one event's page.
@ApiExcludeController()
@Controller()
export class CalendarPagesController {
  constructor(
    private readonly events: EventsService,
    private readonly resources: ResourcesService,
    private readonly tokens: FeedTokensService,
    private readonly pages: PageContextService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('calendar')
  @Access('public')
  async calendar(@Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return this.calendarPage(reply, 200, ctx, req.actor, {});
  }

  @Post('calendar/events')
  @Access('member', 'calendar:write')
  async create(@CurrentActor() actor: Actor, @Body() body: Form, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const input = eventInputOf(body ?? {});
    const parsed = createEventSchema.safeParse(input);
    if (!parsed.success) {
      // A problem with the whole form (or a list's item) is shown at the field it belongs to.
      const problems = problemsOfIssues(parsed.error.issues, 'title');
      const errors = errorsOf(problems, ctx.lang, (f) => f.split('.')[0] ?? f);
      return this.calendarPage(reply, 400, ctx, actor, { errors, values: input });
    }
    try {
      const event = await this.events.create(actor, parsed.data);
      return reply.redirect(`/events/${event.slug}`, 303);
    } catch (err) {
      if (err instanceof AppError && (err.code === 'VALIDATION_FAILED' || err.code === 'CONFLICT')) {
        const errors =
          err.code === 'CONFLICT' ? { resourceIds: refusalText(err, ctx.lang) } : errorsByField(err, ctx.lang);
        return this.calendarPage(reply, err.code === 'CONFLICT' ? 409 : 400, ctx, actor, { errors, values: input });
      }
      throw err;
    }
  }

  @Post('calendar/feed-link')
  @Access('member')
  async feedLink(@CurrentActor() actor: Actor, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const issued = await this.tokens.issue(actor);
    return this.calendarPage(reply, 200, ctx, actor, { issued });
  }

  @Post('calendar/feed-link/revoke')
  @Access('member')
  async revokeFeedLink(@CurrentActor() actor: Actor, @Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    await this.tokens.revoke(actor);
    return this.calendarPage(reply, 200, ctx, actor, { revoked: true });
  }

  @Get('events/:ref')
  @Access('public')
  async event(
    @Param('ref') ref: string,
    @Query('done') done: string | undefined,
    @Query('dropped') dropped: string | undefined,
    @Query('more') more: string | undefined,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    try {
      const event = await this.events.get(req.actor, ref);
      // An address the event had before (mails, feeds, posters) leads on to the current one.
      const moved = movedEventLocation(ref, event.slug, req.url);
      if (moved) return reply.redirect(moved, 301);
      const next = await this.events.nextOccurrences(req.actor, ref, 10);
      // What the last change did (?done=… after the edit or an occurrence form).
      const key = `occ.done.${done ?? ''}`;
      const note =
        done === 'saved' ? translate(ctx.lang, 'edit.saved') : isMessageKey(key) ? translate(ctx.lang, key) : null;
      // Moved or cancelled dates that a change of the series dropped (?dropped=… after the edit).
      const gone = done === 'saved' ? droppedOf(dropped, more) : null;
      return sendPage(reply, 200, 'event', ctx, { event, next, note, dropped: gone }, 'event.page', {
        title: event.title,
      });
    } catch (err) {
      if (err instanceof AppError && (err.code === 'NOT_FOUND' || err.code === 'VALIDATION_FAILED')) {
        const message = translate(ctx.lang, 'event.notfound');
        return sendPage(reply, 404, 'message', ctx, { message, role: 'alert' }, 'event.notfound');
      }
      throw err;
    }
  }

  private async calendarPage(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor | undefined,
    extra: { errors?: Record<string, string>; values?: Record<string, unknown>; issued?: FeedLinks; revoked?: boolean },
  ) {
    const zone = this.config.calendar.timeZone;
    const today = utcToLocal(zone, Date.now());
    const until = utcToLocal(zone, Date.now() + (UPCOMING_DAYS - 1) * 86_400_000);
    const occurrences = await this.events.occurrences(actor, { from: isoDate(today), to: isoDate(until) });
    const member = actor !== undefined && actor.memberId !== null;
    const feed = `${this.config.http.publicUrl}/calendar.ics`;
    return sendPage(
      reply,
      status,
      'calendar',
      ctx,
      {
        occurrences,
        days: String(UPCOMING_DAYS),
        feed: { https: feed, webcal: webcal(feed) },
        member,
        resources: member ? await this.resources.list() : [],
        feedToken: member && actor ? await this.tokens.status(actor) : null,
        errors: extra.errors ?? null,
        values: extra.values ?? {},
        issued: extra.issued ?? null,
        revoked: extra.revoked ?? false,
      },
      'calendar.title',
    );
  }
}
