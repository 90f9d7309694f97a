import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Actor } from '../../core/actor.js';
import { Access, CurrentActor } from '../../http/access.decorator.js';
import type { Language } from '../../notifications/templates/templates.js';
import { CSV_LIMIT_BYTES } from '../../http/upload-limits.js';
import { decodeCsvBytes } from '../../members/csv/csv-decode.js';
import type { MemberImportProblem } from '../../members/csv/member-csv.js';
import { MemberImportService, type ImportReport } from '../../members/member-import.service.js';
import { isMessageKey, translate } from '../i18n.js';
import { PageContextService } from '../page-context.service.js';
import { problemText } from '../problems.js';
import type { PageContext } from '../views.js';
import { field, sendBoardPage, type Form } from './board-forms.js';

// At most this many planned rows are listed; the counts cover all of them.
const LISTED_ACTIONS = 500;

interface Upload {
  // The CSV as bytes: from the file input, else from the text area.
  bytes: Buffer | null;
  // What was pasted, to show again beside the report's problems.
  pasted: string | null;
  confirm: boolean;
  tooLarge: boolean;
}

// Reads the import form: multipart/form-data (file and/or pasted text; the form token is in the
// query string) or, for a pasted text only, application/x-www-form-urlencoded.
async function readUpload(req: FastifyRequest): Promise<Upload> {
  const out: Upload = { bytes: null, pasted: null, confirm: false, tooLarge: false };
  if (!req.isMultipart()) {
    const body = (req.body ?? {}) as Form;
    const text = field(body, 'csv');
    const given = text.trim() !== '';
    return {
      bytes: given ? Buffer.from(text, 'utf8') : null,
      pasted: given ? text : null,
      confirm: field(body, 'confirm') === 'yes',
      tooLarge: false,
    };
  }
  let file: Buffer | null = null;
  let text = '';
  try {
    for await (const part of req.parts()) {
      if (part.type === 'file') {
        const buf = await part.toBuffer();
        if (buf.length > 0) file = buf;
      } else if (part.fieldname === 'csv') {
        if (part.valueTruncated) out.tooLarge = true;
        text = String(part.value);
      } else if (part.fieldname === 'confirm') {
        out.confirm = part.value === 'yes';
      }
    }
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') return { ...out, tooLarge: true };
    throw err;
  }
  if (file) out.bytes = file;
  else if (text.trim() !== '') {
    out.bytes = Buffer.from(text, 'utf8');
    out.pasted = text;
  }
  return out;
}

// A row of the report's problems as the page shows it.
export interface ProblemRow {
  line: number;
  // The column as the file's header names it ("Vorname"), not the API's field name.
  column: string;
  // In the page's language; a joined problem (the header's) part by part.
  reason: string;
}

// Pure: a problem of the import report as the page's table shows it.
export function problemRow(lang: Language, p: MemberImportProblem): ProblemRow {
  const reason = p.parts ? p.parts.map((part) => problemText(lang, part)).join('; ') : problemText(lang, p);
  return { line: p.line, column: p.column ?? p.field ?? '', reason };
}

// Pure: a planned change's field as the page names it — the member record's label in the
// language (as on /me/data), a profile field by its key, anything else as the service names it.
export function changeLabel(lang: Language, field: string): string {
  const key = `me.data.key.${field === 'since' ? 'statusSince' : field}`;
  if (isMessageKey(key)) return translate(lang, key);
  return field.replace(/^profile\./, '');
}

// The member import as a page: upload → dry-run report (which rows, why) → confirm → import.
// The service does the work (all rows or none); the confirm form sends the same text again.
@ApiExcludeController()
@Controller('board')
export class BoardImportController {
  constructor(
    private readonly importer: MemberImportService,
    private readonly pages: PageContextService,
  ) {}

  @Get('import')
  @Access('board', 'members:import')
  async form(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const ctx = await this.pages.of(req, reply);
    return this.render(reply, 200, ctx, {});
  }

  @Post('import')
  @Access('board', 'members:import')
  async upload(@CurrentActor() actor: Actor, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const upload = await readUpload(req);
    const ctx = await this.pages.of(req, reply);
    if (upload.tooLarge) {
      const mb = String(CSV_LIMIT_BYTES / 1024 / 1024);
      return this.render(reply, 413, ctx, { errors: { csv: translate(ctx.lang, 'board.import.toolarge', { mb }) } });
    }
    if (!upload.bytes) {
      return this.render(reply, 400, ctx, { errors: { csv: translate(ctx.lang, 'board.import.empty') } });
    }
    // A confirmed import is the text the dry run showed, sent back by the page as UTF-8.
    const report = await this.importer.import(actor, upload.bytes, {
      dryRun: !upload.confirm,
      encoding: upload.confirm ? 'utf-8' : undefined,
    });
    // Decoded as the import decodes it, so the confirm form sends back exactly what was checked.
    const text = report.problems.length === 0 && !report.committed ? decodeCsvBytes(upload.bytes).text : null;
    const status = report.problems.length > 0 ? 422 : 200;
    const pasted = report.problems.length > 0 ? upload.pasted : null;
    const problems = report.problems.map((p) => problemRow(ctx.lang, p));
    const listed = report.actions.slice(0, LISTED_ACTIONS).map((a) => ({
      ...a,
      fields: a.changes.map((c) => changeLabel(ctx.lang, c.field)),
    }));
    return this.render(reply, status, ctx, { report, problems, text, pasted, listed });
  }

  private render(
    reply: FastifyReply,
    status: number,
    ctx: PageContext,
    data: {
      errors?: Record<string, string>;
      report?: ImportReport;
      problems?: ProblemRow[];
      text?: string | null;
      pasted?: string | null;
      listed?: unknown[];
    },
  ) {
    return sendBoardPage(
      reply,
      status,
      'import',
      ctx,
      { ...data, limitMb: CSV_LIMIT_BYTES / 1024 / 1024 },
      'board.import.title',
    );
  }
}
