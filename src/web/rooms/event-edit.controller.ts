import { Body, Controller, Get, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { occurrenceSchema, updateEventSchema } from '../../calendar/calendar.schemas.js';
import type { EventView } from '../../calendar/event-view.js';
import { EventsService } from '../../calendar/events.service.js';
import { ResourcesService } from '../../calendar/resources.service.js';
import type { AppConfig } from '../../config/config.js';
import { APP_CONFIG } from '../../config/config.module.js';
import { hasRole, type Actor } from '../../core/actor.js';
import { AppError } from '../../core/app.errors.js';
import { schemaMessage } from '../../core/zod-problems.js';
import type { Language } from '../../notifications/templates/templates.js';
import { Access, CurrentActor } from '../../http/access.decorator.js';
import { MembersService } from '../../members/members.service.js';
import { field, validate, type FieldErrors, type Form } from '../board/board-forms.js';
import { PageContextService } from '../page-context.service.js';
import { sendPage, type PageContext } from '../views.js';
import { errorsByField, errorsOf, refusalText } from '../field-errors.js';
import { translate } from '../i18n.js';
import { movedEventLocation } from './event-address.js';
import { eventFormInput, savedLocation, timeFieldOf, zonesWith, type Values } from './rooms-forms.js';

const NEXT = 10;

// Pure: the form's values for an event as it is stored (with its responsible member's username).
function valuesOf(e: EventView, responsible: string | null): Values {
  return {
    title: e.title,
    slug: e.slug,
    responsible: responsible ?? '',
    description: e.description ?? '',
    allDay: e.allDay,
    start: e.allDay ? '' : e.start.slice(0, 16),
    end: e.allDay ? '' : e.end.slice(0, 16),
    startDate: e.allDay ? e.start : '',
    endDate: e.allDay ? e.end : '',
    timeZone: e.timeZone,
    rrule: e.rrule ?? '',
    visibility: e.visibility,
    status: e.status,
    version: String(e.version),
    resourceIds: e.resources.map((r) => r.id),
  };
}

// Changing one event (its responsible member, its creator, helpers and the board, as the events
// API), and moving or cancelling single dates of a recurring one from its page.
@ApiExcludeController()
@Controller('events')
export class EventEditController {
  constructor(
    private readonly events: EventsService,
    private readonly resources: ResourcesService,
    private readonly members: MembersService,
    private readonly pages: PageContextService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get(':ref/edit')
  @Access('member', 'calendar:write')
  async edit(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const seen = await this.events.get(actor, ref);
    const moved = movedEventLocation(ref, seen.slug, req.url, '/edit');
    if (moved) return reply.redirect(moved, 301);
    const ctx = await this.pages.of(req, reply);
    const event = this.editableOf(seen);
    const values = valuesOf(event, await this.responsibleUsername(event));
    return this.form(reply, 200, ctx, actor, event, values, {});
  }

  @Post(':ref/edit')
  @Access('member', 'calendar:write')
  async save(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const event = await this.editable(actor, ref);
    const ctx = await this.pages.of(req, reply);
    const { values, input } = eventFormInput(body ?? {}, { edit: true });
    const allDay = values.allDay === true;
    const named = await this.responsibleOf(body ?? {}, event, ctx.lang);
    if (named.id !== undefined) input.responsibleId = named.id;
    const checked = validate(updateEventSchema, input, ctx.lang);
    let errors: FieldErrors;
    let status = 400;
    if (named.error) {
      errors = { ...(checked.ok ? {} : checked.errors), responsible: named.error };
    } else if (checked.ok) {
      try {
        const saved = await this.events.update(actor, String(event.id), checked.data);
        return reply.redirect(
          savedLocation(
            saved.slug,
            saved.droppedOccurrences.map((d) => d.date),
          ),
          303,
        );
      } catch (err) {
        // Only helpers and the board hand an event to someone else (the service's rule).
        const handOver =
          err instanceof AppError && err.code === 'FORBIDDEN' && checked.data.responsibleId !== undefined;
        const known = handOver
          ? { errors: { responsible: translate(ctx.lang, 'problem.handover') }, status: 403 }
          : problemsOf(err, ctx.lang);
        if (!known) throw err;
        ({ errors, status } = known);
      }
    } else {
      errors = checked.errors;
    }
    const shown: FieldErrors = {};
    for (const [k, v] of Object.entries(errors)) shown[timeFieldOf(k, allDay)] = v;
    return this.form(reply, status, ctx, actor, event, values, shown);
  }

  // One date of a recurring event: move (new start/end), cancel, or back to the series.
  @Post(':ref/occurrences')
  @Access('member', 'calendar:write')
  async occurrence(
    @CurrentActor() actor: Actor,
    @Param('ref') ref: string,
    @Body() body: Form,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const event = await this.editable(actor, ref);
    const ctx = await this.pages.of(req, reply);
    const rid = field(body, 'recurrenceId').trim();
    const action = field(body, 'action');
    const typed = { start: field(body, 'start').trim(), end: field(body, 'end').trim() };
    let failed: { errors: FieldErrors; status: number } | undefined;
    try {
      if (action === 'restore') {
        await this.events.clearOccurrence(actor, String(event.id), rid);
      } else if (action === 'cancel') {
        await this.events.setOccurrence(actor, String(event.id), rid, { cancelled: true });
      } else {
        const checked = validate(
          occurrenceSchema,
          { start: typed.start || undefined, end: typed.end || undefined, cancelled: false },
          ctx.lang,
        );
        if (!checked.ok) failed = { errors: checked.errors, status: 400 };
        else if (typed.start === '' && typed.end === '') {
          const empty = { field: 'start', message: schemaMessage.empty, key: 'field.empty' as const };
          failed = { errors: errorsOf([empty], ctx.lang), status: 400 };
        } else await this.events.setOccurrence(actor, String(event.id), rid, checked.data);
      }
    } catch (err) {
      failed = problemsOf(err, ctx.lang);
      if (!failed) throw err;
    }
    if (!failed) {
      const done = action === 'restore' ? 'restored' : action === 'cancel' ? 'cancelled' : 'moved';
      return reply.redirect(`/events/${event.slug}?done=${done}`, 303);
    }
    const errors = Object.fromEntries(
      Object.entries(failed.errors).map(([k, v]) => [k === 'resourceIds' ? '(form)' : k, v]),
    );
    const next = await this.events.nextOccurrences(actor, String(event.id), NEXT);
    return sendPage(
      reply,
      failed.status,
      'event',
      ctx,
      { event, next, occ: { recurrenceId: rid, errors, values: typed } },
      'event.page',
      { title: event.title },
    );
  }

  private async responsibleUsername(event: EventView): Promise<string | null> {
    return event.responsible ? this.members.usernameOf(event.responsible.id) : null;
  }

  // The responsible member the form names by username: unchanged (the same name, or no such
  // field), nobody (empty), or an active member's id; an unknown name is the field's error.
  private async responsibleOf(
    body: Form,
    event: EventView,
    lang: Language,
  ): Promise<{ id?: number | null; error?: string }> {
    if (body.responsible === undefined) return {};
    const typed = field(body, 'responsible').trim().toLowerCase();
    if (typed === '') return { id: null };
    if (typed === (await this.responsibleUsername(event))) return {};
    // No user name is that long: the same answer as for an unknown one, without a lookup.
    const id = typed.length > 64 ? null : await this.members.activeIdByUsername(typed);
    return id === null ? { error: translate(lang, 'problem.responsible') } : { id };
  }

  // The event, if the caller may change it (else the 403 page, or 404 for what they cannot see).
  private async editable(actor: Actor, ref: string): Promise<EventView> {
    return this.editableOf(await this.events.get(actor, ref));
  }

  private editableOf(event: EventView): EventView {
    if (!event.editable) {
      throw AppError.of('FORBIDDEN', {
        message: 'only the people responsible for the event, helpers and the board change it',
        key: 'event.editBy',
      });
    }
    return event;
  }

  private async form(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    actor: Actor,
    event: EventView,
    values: Values,
    errors: FieldErrors,
  ) {
    const resources = await this.resources.list();
    return sendPage(
      reply,
      status,
      'event-edit',
      ctx,
      {
        event,
        values,
        errors: Object.keys(errors).length > 0 ? errors : null,
        rooms: resources.filter((r) => r.kind === 'room'),
        things: resources.filter((r) => r.kind === 'thing'),
        zones: zonesWith(String(values.timeZone || event.timeZone), this.config.calendar.timeZone),
        statuses: ['confirmed', 'tentative', 'cancelled'],
        // Members keep an event they are responsible for; helpers and the board hand it over.
        handOver: hasRole(actor, 'helper'),
      },
      'edit.title',
      { title: event.title },
    );
  }
}

// A refused change the form can show: bad input (400), a clash naming the other event or a stale
// version (409), a state the event cannot be changed in (400).
function problemsOf(err: unknown, lang: Language): { errors: FieldErrors; status: number } | undefined {
  if (!(err instanceof AppError)) return undefined;
  const fields: FieldErrors = errorsByField(err, lang);
  const whole = refusalText(err, lang);
  switch (err.code) {
    case 'VALIDATION_FAILED':
      return { errors: fields, status: 400 };
    case 'CONFLICT':
      // The clash's full sentence names the room, the times and the other event; a taken slug
      // names the event that has it, at the field.
      return {
        errors: fields.resourceIds
          ? { resourceIds: whole }
          : fields.slug
            ? { slug: fields.slug }
            : { ...fields, '(form)': whole },
        status: 409,
      };
    case 'STALE_VERSION':
      return { errors: { '(stale)': whole }, status: 409 };
    case 'INVALID_STATE':
    case 'NOT_FOUND':
      return { errors: { '(form)': whole }, status: err.code === 'NOT_FOUND' ? 404 : 400 };
    case 'FORBIDDEN':
    case 'LINK_INVALID':
    case 'RATE_LIMITED':
    case 'TOO_LARGE':
    case 'UNAUTHENTICATED':
    case 'UNAVAILABLE':
      return undefined;
  }
}
