import { Readable } from 'node:stream';
import { Controller, Get, Headers, Param, Res } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Inject } from '@nestjs/common';
import type { AppConfig } from '../config/config.js';
import { APP_CONFIG } from '../config/config.module.js';
import { AppError } from '../core/app.errors.js';
import { Access } from '../http/access.decorator.js';
import { IdPipe } from '../http/id.pipe.js';
import { FeedTokensService } from './feed-tokens.service.js';
import { FeedsService, type FeedFormat, type FeedScope } from './feeds.service.js';
import { isFresh } from './http-cache.js';
import { ResourcesService } from './resources.service.js';

const FILES: Record<string, FeedFormat> = { 'calendar.ics': 'ics', 'calendar.xml': 'xml', 'calendar.atom': 'atom' };

function formatOf(file: string): FeedFormat {
  const format = FILES[file];
  if (!format) throw AppError.notFound('feed (calendar.ics, calendar.xml or calendar.atom)');
  return format;
}

// The calendar feeds: iCalendar, xCal and Atom; public, per resource, and behind a member's
// private key. Answers 304 from one aggregate query when the client's copy is current.
@ApiTags('calendar feeds')
@Controller()
export class FeedsController {
  constructor(
    private readonly feeds: FeedsService,
    private readonly tokens: FeedTokensService,
    private readonly resources: ResourcesService,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  @Get('calendar.ics')
  @Access('public')
  @ApiOperation({ summary: 'The public events as iCalendar (subscribe with webcal:// or https://)' })
  @ApiProduces('text/calendar')
  ics(@Headers() headers: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    return this.send(reply, headers, { kind: 'all', members: false }, 'ics', '/calendar.ics', false);
  }

  @Get('calendar.xml')
  @Access('public')
  @ApiOperation({ summary: 'The public events as xCal (RFC 6321)' })
  @ApiProduces('application/calendar+xml')
  xcal(@Headers() headers: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    return this.send(reply, headers, { kind: 'all', members: false }, 'xml', '/calendar.xml', false);
  }

  @Get('calendar.atom')
  @Access('public')
  @ApiOperation({ summary: 'Upcoming public events (60 days) as an Atom feed' })
  @ApiProduces('application/atom+xml')
  atom(@Headers() headers: Record<string, string | undefined>, @Res() reply: FastifyReply) {
    return this.send(reply, headers, { kind: 'all', members: false }, 'atom', '/calendar.atom', false);
  }

  @Get('calendar/resources/:id/:file')
  @Access('public')
  @ApiOperation({ summary: 'The public events of one room or thing (file: calendar.ics, .xml or .atom)' })
  @ApiProduces('text/calendar', 'application/calendar+xml', 'application/atom+xml')
  async resource(
    @Param('id', IdPipe) id: number,
    @Param('file') file: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ) {
    const format = formatOf(file);
    const r = await this.resources.get(id);
    const scope: FeedScope = { kind: 'resource', resourceId: id, members: false };
    return this.send(reply, headers, scope, format, `/calendar/resources/${id}/${file}`, false, r.name);
  }

  @Get('calendar/private/:token/:file')
  @Access('public')
  @ApiOperation({ summary: "Members' calendar behind a member's private key (revocable)" })
  @ApiProduces('text/calendar', 'application/calendar+xml', 'application/atom+xml')
  async members(
    @Param('token') token: string,
    @Param('file') file: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ) {
    const format = formatOf(file);
    await this.member(token);
    return this.send(
      reply,
      headers,
      { kind: 'all', members: true },
      format,
      `/calendar/private/${token}/${file}`,
      true,
    );
  }

  @Get('calendar/private/:token/mine/:file')
  @Access('public')
  @ApiOperation({ summary: 'The events the key’s member is responsible for' })
  @ApiProduces('text/calendar', 'application/calendar+xml', 'application/atom+xml')
  async mine(
    @Param('token') token: string,
    @Param('file') file: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ) {
    const format = formatOf(file);
    const memberId = await this.member(token);
    const scope: FeedScope = { kind: 'responsible', memberId };
    return this.send(reply, headers, scope, format, `/calendar/private/${token}/mine/${file}`, true, 'my events');
  }

  @Get('calendar/private/:token/resources/:id/:file')
  @Access('public')
  @ApiOperation({ summary: "One room's or thing's events, members' events included" })
  @ApiProduces('text/calendar', 'application/calendar+xml', 'application/atom+xml')
  async memberResource(
    @Param('token') token: string,
    @Param('id', IdPipe) id: number,
    @Param('file') file: string,
    @Headers() headers: Record<string, string | undefined>,
    @Res() reply: FastifyReply,
  ) {
    const format = formatOf(file);
    await this.member(token);
    const r = await this.resources.get(id);
    const scope: FeedScope = { kind: 'resource', resourceId: id, members: true };
    return this.send(reply, headers, scope, format, `/calendar/private/${token}/resources/${id}/${file}`, true, r.name);
  }

  // A revoked, unknown or orphaned key: 404, nothing about why.
  private async member(token: string): Promise<number> {
    const memberId = await this.tokens.resolve(token);
    if (memberId === undefined) throw AppError.notFound('feed');
    return memberId;
  }

  private async send(
    reply: FastifyReply,
    headers: Record<string, string | undefined>,
    scope: FeedScope,
    format: FeedFormat,
    path: string,
    isPrivate: boolean,
    subtitle?: string,
  ): Promise<void> {
    const maxAge = this.config.calendar.refreshMinutes * 60;
    void reply.header('Cache-Control', `${isPrivate ? 'private' : 'public'}, max-age=${maxAge}`);
    // Private links must not leak through Referer from the (unlikely) HTML around them.
    if (isPrivate) void reply.header('Referrer-Policy', 'no-referrer');
    const validator = await this.feeds.validator(scope, format);
    void reply.header('ETag', validator.etag);
    void reply.header('Last-Modified', validator.lastModified.toUTCString());
    if (isFresh(headers, validator)) {
      void reply.status(304).send();
      return;
    }
    const name = [this.config.clubName, subtitle].filter(Boolean).join(' · ');
    const feed = await this.feeds.render(scope, format, { name, selfUrl: `${this.config.http.publicUrl}${path}` });
    void reply.header('ETag', feed.etag);
    void reply.header('Last-Modified', feed.lastModified.toUTCString());
    void reply.header('Content-Type', feed.contentType);
    void reply.header('Content-Disposition', `inline; filename="${path.split('/').pop() ?? 'calendar.ics'}"`);
    // Streamed (chunked, no Content-Length) at the pace the client reads. A render that fails in
    // its first chunk has thrown above (the usual 500); a later failure is logged and cuts the
    // answer short, which no client takes for a whole calendar.
    void reply.status(200).send(Readable.from(feed.body));
  }
}
