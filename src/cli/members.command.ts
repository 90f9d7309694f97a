import { readFile, writeFile } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { systemActor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import type { CsvEncoding } from '../members/csv/csv-decode.js';
import { MemberExportService } from '../members/member-export.service.js';
import { MemberImportService, type ImportReport } from '../members/member-import.service.js';
import { withContext } from './context.js';
import type { CliEnv } from './main.js';

export function registerMemberCommands(program: Command, env: CliEnv): void {
  const members = program.command('members').description('import and export the member register');

  members
    .command('import <file>')
    .description('import members from a CSV file (as German Excel writes it: ";" or ",", UTF-8 or Windows-1252)')
    .option('--dry-run', 'show what would be created and updated, and every bad row; write nothing')
    .addOption(
      new Option('--encoding <encoding>', 'force the encoding instead of detecting it').choices([
        'utf-8',
        'windows-1252',
      ]),
    )
    .option('-v, --verbose', 'list every row that would be created or updated')
    .addHelpText(
      'after',
      `
Columns (header names in German or English, any order; first and last name required):
  Mitgliedsnummer, Vorname, Nachname, E-Mail, Status, Seit/Eintritt (DD.MM.YYYY or YYYY-MM-DD), Sprache
Rows match existing members by member number, else by e-mail; an empty cell never erases a value.
The real run writes all rows or none: any bad row stops it, with its line number and reason.
Running the same file again changes nothing.`,
    )
    .action(async (file: string, opts: { dryRun?: boolean; encoding?: CsvEncoding; verbose?: boolean }) => {
      const bytes = await readFile(file).catch((err: unknown) => {
        throw new AppError('NOT_FOUND', `cannot read ${file}: ${(err as Error).message}`);
      });
      process.stderr.write(`reading ${file} (${bytes.length} bytes)…\n`);
      const report = await withContext(env.config(), env.quietLog(), ({ app }) =>
        app
          .get(MemberImportService)
          .import(systemActor('cli:members import'), bytes, { dryRun: opts.dryRun ?? false, encoding: opts.encoding }),
      );
      printReport(report, opts.verbose ?? false);
      if (report.problems.length > 0) process.exitCode = 1;
    });

  members
    .command('export')
    .description('export members as CSV, or one member’s complete data as JSON')
    .addOption(
      new Option('--format <format>', 'excel: UTF-8 with BOM and ";"; rfc4180: plain ","')
        .choices(['excel', 'rfc4180'])
        .default('excel'),
    )
    .option('--out <file>', 'write to a file instead of standard output')
    .option('--member <id>', 'export this member’s personal data as JSON (GDPR Art. 15)')
    .option('--state <state>', 'only members in this state (invited, registered, active, suspended, left)')
    .option('--status <code>', 'only members with this current status')
    .action(
      async (opts: { format: 'excel' | 'rfc4180'; out?: string; member?: string; state?: string; status?: string }) => {
        const actor = systemActor('cli:members export');
        const output = await withContext(env.config(), env.quietLog(), async ({ app }) => {
          const exporter = app.get(MemberExportService);
          if (opts.member !== undefined) {
            const id = Number(opts.member);
            if (!Number.isInteger(id))
              throw AppError.validation([{ field: '--member', message: 'must be a member id' }]);
            return `${JSON.stringify(await exporter.personalData(actor, id), null, 2)}\n`;
          }
          const filter = { states: opts.state ? [opts.state as never] : undefined, status: opts.status };
          const { csv, count } = await exporter.csv(actor, opts.format, filter);
          process.stderr.write(`exported ${count} members\n`);
          return csv;
        });
        if (opts.out) await writeFile(opts.out, output);
        else process.stdout.write(output);
      },
    );
}

function printReport(r: ImportReport, verbose: boolean): void {
  const out = (s: string) => process.stdout.write(`${s}\n`);
  out(`encoding ${r.encoding}, separator "${r.delimiter}", ${r.records} data rows`);
  out(`  create    ${r.created}`);
  out(`  update    ${r.updated}`);
  out(`  unchanged ${r.unchanged}`);
  if (verbose || r.dryRun) {
    for (const a of r.actions) {
      if (a.kind === 'unchanged') continue;
      const what = a.changes.map((c) => `${c.field}: ${fmt(c.old)} → ${fmt(c.new)}`).join(', ');
      if (verbose || r.actions.length <= 50)
        out(`  line ${a.line}: ${a.kind} ${a.name}${a.kind === 'update' ? ` (${what})` : ''}`);
    }
  }
  if (r.problems.length > 0) {
    out(`${r.problems.length} problem${r.problems.length === 1 ? '' : 's'}:`);
    for (const p of r.problems) out(`  line ${p.line}: ${p.field ? `${p.field}: ` : ''}${p.message}`);
  }
  if (r.committed) out('committed.');
  else if (r.dryRun) out('dry run: nothing written.');
  else out('nothing written: fix the rows above and run again (all rows are written together or not at all).');
}

function fmt(v: unknown): string {
  if (v === null || v === undefined) return '∅';
  return typeof v === 'string' ? v : JSON.stringify(v);
}
