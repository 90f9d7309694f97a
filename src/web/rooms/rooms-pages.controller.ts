import { Body, Controller, Get, Inject, Param, Post, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { resourceSchema, resourceUpdateSchema } from '../../calendar/calendar.schemas.js';
import { seesMembersEvents } from '../../calendar/calendar-access.js';
import { EventsService } from '../../calendar/events.service.js';
import { webcal } from '../../calendar/feed-tokens.service.js';
import { ResourcesService } from '../../calendar/resources.service.js';
import { isoDate, utcToLocal } from '../../calendar/time-zone.js';
import type { AppConfig } from '../../config/config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import type { Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { Access, CurrentActor, type RequestWithActor } from '../../http/access.decorator.js';
import { IdPipe } from '../../http/id.pipe.js';
import { LocationsService } from '../../inventory/locations.service.js';
import type { Language } from '../../notifications/templates/templates.js';
import {
  attempt,
  field,
  optional,
  seeOther,
  sendBoardPage,
  validate,
  type FieldErrors,
  type Form,
} from '../board/board-forms.js';
import { errorsOf, refusalText } from '../field-errors.js';
import { translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage, type PageContext } from '../views.js';
import { busyByDay, dayRange, isoWeekOf } from './rooms-forms.js';

type PageRequest = FastifyRequest & RequestWithActor;

const EVENT_DAYS = 60;

// What a failed form on /board/rooms was: which form (add a room, add a thing, or one resource's
// rename/remove), its errors and what was typed.
interface FormState {
  form: string;
  errors: FieldErrors;
  values: Record<string, string>;
}

// The bookable rooms and things for helpers and the board (as the resources API: helpers write),
// and each one's free/busy for everybody (the availability API is public; titles of members'
// events only for members).
@ApiExcludeController()
@Controller()
export class RoomsPagesController {
  constructor(
    private readonly resources: ResourcesService,
    private readonly events: EventsService,
    private readonly locations: LocationsService,
    private readonly pages: PageContextService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('board/rooms')
  @Access('helper', 'calendar:write')
  async list(
    @CurrentActor() actor: Actor,
    @Query('done') done: string | undefined,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    return this.listPage(reply, 200, ctx, actor, null, done);
  }

  @Post('board/rooms')
  @Access('helper', 'calendar:write')
  async create(
    @CurrentActor() actor: Actor,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const kind = field(body, 'kind') === 'thing' ? 'thing' : 'room';
    const values = {
      locationId: field(body, 'locationId'),
      thing: field(body, 'thing'),
      name: field(body, 'name'),
    };
    const location = optional(body, 'locationId');
    const input =
      kind === 'room'
        ? { locationId: location === null ? undefined : Number(location), name: optional(body, 'name') ?? undefined }
        : { thing: optional(body, 'thing') ?? undefined, name: optional(body, 'name') ?? undefined };
    let done: Awaited<ReturnType<typeof attempt>>;
    const empty = (name: string) =>
      errorsOf([{ field: name, message: 'must not be empty', key: 'field.empty' }], ctx.lang);
    if (kind === 'room' && input.locationId === undefined) {
      done = { ok: false, errors: empty('locationId') };
    } else if (kind === 'thing' && !('thing' in input && input.thing)) {
      done = { ok: false, errors: empty('thing') };
    } else {
      const checked = validate(resourceSchema, input, ctx.lang);
      done = checked.ok ? await this.tryWrite(() => this.resources.create(actor, checked.data), ctx.lang) : checked;
    }
    if (!done.ok) {
      // "Bookable already" or "no such thing" belongs to the field that named it.
      const key = kind === 'room' ? 'locationId' : 'thing';
      const { '(form)': whole, '(status)': code, ...rest } = done.errors;
      const errors = whole ? { ...rest, [key]: whole } : rest;
      const status = code === 'CONFLICT' ? 409 : 400;
      return this.listPage(reply, status, ctx, actor, { form: kind, errors, values });
    }
    return seeOther(reply, '/board/rooms', 'room-created');
  }

  // The board's address of a room's free/busy: the page itself is open to everybody, as the API.
  @Get('board/rooms/:id')
  @Access('helper', 'calendar:write')
  toAvailability(@Param('id', IdPipe) id: number, @Res() reply: FastifyReply) {
    return reply.redirect(`/rooms/${id}`, 301);
  }

  @Post('board/rooms/:id')
  @Access('helper', 'calendar:write')
  async update(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.resources.get(id);
    const ctx = await this.pages.of(req, reply);
    const values = { name: field(body, 'name'), description: field(body, 'description') };
    const input = { name: values.name, description: optional(body, 'description') };
    const checked = validate(resourceUpdateSchema, input, ctx.lang);
    const done = checked.ok
      ? await this.tryWrite(() => this.resources.update(actor, id, checked.data), ctx.lang)
      : checked;
    if (!done.ok) {
      return this.listPage(reply, 400, ctx, actor, { form: String(id), errors: done.errors, values });
    }
    return seeOther(reply, '/board/rooms', 'room-saved');
  }

  @Post('board/rooms/:id/remove')
  @Access('helper', 'calendar:write')
  async remove(
    @CurrentActor() actor: Actor,
    @Param('id', IdPipe) id: number,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const done = await this.tryWrite(() => this.resources.remove(actor, id), ctx.lang);
    if (!done.ok) {
      return this.listPage(reply, 409, ctx, actor, { form: String(id), errors: done.errors, values: {} });
    }
    return seeOther(reply, '/board/rooms', 'room-removed');
  }

  // Every bookable room and thing with its availability page and feed links, for everybody as the
  // resources API and the rooms' own pages and public feeds are; members' events show up in a
  // room's feed only through the private link (hinted at for those who see them).
  @Get('rooms')
  @Access('public')
  async rooms(@Req() req: PageRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    const items = (await this.resources.list()).map((r) => {
      const feed = `${this.config.http.publicUrl}/calendar/resources/${r.id}/calendar.ics`;
      return { ...r, feed: { https: feed, webcal: webcal(feed) } };
    });
    return sendPage(
      reply,
      200,
      'room-list',
      ctx,
      {
        rooms: items.filter((r) => r.kind === 'room'),
        things: items.filter((r) => r.kind === 'thing'),
        members: seesMembersEvents(req.actor),
        helper: ctx.user !== null && ctx.user.role !== 'member',
      },
      'roomlist.title',
    );
  }

  @Get('rooms/:id')
  @Access('public')
  async availability(
    @Param('id', IdPipe) id: number,
    @Query() query: Form,
    @Req() req: PageRequest,
    @Res() reply: FastifyReply,
  ) {
    const ctx = await this.pages.of(req, reply);
    const zone = this.config.calendar.timeZone;
    const range = dayRange(query ?? {}, isoDate(utcToLocal(zone, Date.now())));
    const first = range.days[0] ?? '';
    const last = range.days[range.days.length - 1] ?? first;
    let answer;
    try {
      answer = await this.resources.availability(id, { from: first, to: last }, req.actor);
    } catch (err) {
      if (err instanceof AppError && err.code === 'NOT_FOUND') {
        const message = translate(ctx.lang, 'room.notfound');
        return sendPage(reply, 404, 'message', ctx, { message, role: 'alert' }, 'room.notfound');
      }
      throw err;
    }
    const feed = `${this.config.http.publicUrl}/calendar/resources/${id}/calendar.ics`;
    const errors = range.problem ? errorsOf([range.problem], ctx.lang) : null;
    return sendPage(
      reply,
      errors ? 400 : 200,
      'room',
      ctx,
      {
        resource: answer.resource,
        days: busyByDay(range.days, answer.busy, zone),
        values: { date: range.date, week: range.week },
        errors,
        prev: `/rooms/${id}?week=${isoWeekOf(addDays(first, -7))}`,
        next: `/rooms/${id}?week=${isoWeekOf(addDays(first, 7))}`,
        feed: { https: feed, webcal: webcal(feed) },
        helper: ctx.user !== null && ctx.user.role !== 'member',
      },
      'room.title',
      { name: answer.resource.name },
    );
  }

  // A refused write (taken already, still booked, unknown thing) shown at its form.
  private async tryWrite<T>(fn: () => Promise<T>, lang: Language) {
    try {
      return await attempt(fn, lang);
    } catch (err) {
      if (err instanceof AppError && ['CONFLICT', 'INVALID_STATE', 'NOT_FOUND'].includes(err.code)) {
        return { ok: false as const, errors: { '(form)': refusalText(err, lang), '(status)': err.code } };
      }
      throw err;
    }
  }

  private async listPage(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor,
    failed: FormState | null,
    done?: string,
  ) {
    const [resources, locations] = await Promise.all([this.resources.list(), this.locations.list()]);
    const paths = new Map(locations.map((l) => [l.id, l.path.join(' › ')]));
    const zone = this.config.calendar.timeZone;
    const occurrences = await this.events.occurrences(actor, {
      from: isoDate(utcToLocal(zone, Date.now())),
      to: isoDate(utcToLocal(zone, Date.now() + (EVENT_DAYS - 1) * 86_400_000)),
    });
    // One line per event (its next date), not per occurrence.
    const seen = new Set<number>();
    const events = occurrences.filter((o) => !seen.has(o.eventId) && seen.add(o.eventId));
    const errors = failed ? Object.fromEntries(Object.entries(failed.errors).filter(([k]) => k !== '(status)')) : {};
    return sendBoardPage(
      reply,
      status,
      'rooms',
      ctx,
      {
        resources: resources.map((r) => ({
          ...r,
          where: r.locationId === null ? null : (paths.get(r.locationId) ?? null),
        })),
        locations,
        events,
        eventDays: String(EVENT_DAYS),
        failed: failed ? failed.form : null,
        values: failed?.values ?? {},
        errors,
        done,
      },
      'rooms.title',
    );
  }
}

function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}
