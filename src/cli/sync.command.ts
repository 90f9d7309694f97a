import type { Command } from 'commander';
import { AppError } from '../core/app.errors.js';
import { SyncEngine, type DryRun, type RunResult } from '../sync/sync-engine.service.js';
import { SyncStatusService, type TargetStatus } from '../sync/sync-status.service.js';
import { wikiLocalSettings } from '../wiki-sync/wiki-config.js';
import { withContext } from './context.js';
import type { CliEnv } from './main.js';

export function registerSyncCommands(program: Command, env: CliEnv): void {
  const sync = program
    .command('sync')
    .description('show and run the sync targets (Mailman, MediaWiki, OpenLDAP) that follow the member register')
    .addHelpText(
      'after',
      `
Targets are configured by the environment: ALLMENDE_MAILMAN_URL (mailman), ALLMENDE_WIKI_DATABASE_URL
(mediawiki), ALLMENDE_LDAP_URL (directory). The server runs them on every member or group change and on each target's cron schedule;
these commands look and run by hand, on the same database.`,
    );

  sync
    .command('status')
    .description('health of every configured target: last success, last error, failing since, last run')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      const status = await withContext(env.config(), env.quietLog(), ({ app }) => app.get(SyncStatusService).status());
      if (opts.json) process.stdout.write(`${JSON.stringify(status, null, 2)}\n`);
      else process.stdout.write(formatStatus(status));
      if (status.some((s) => s.health === 'failing')) process.exitCode = 1;
    });

  sync
    .command('plan <target>')
    .description('dry run: list what a run of the target would change now, and what it would report; changes nothing')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { json?: boolean }) => {
      const plan = await withContext(env.config(), env.quietLog(), ({ app }) => app.get(SyncEngine).plan(target));
      if (opts.json) process.stdout.write(`${JSON.stringify(plan, null, 2)}\n`);
      else process.stdout.write(formatPlan(plan));
    });

  sync
    .command('run <target>')
    .description('run the target now and print what it did (exit 1 if it failed or items failed)')
    .option('--json', 'print JSON')
    .action(async (target: string, opts: { json?: boolean }) => {
      const result = await withContext(env.config(), env.quietLog(), ({ app }) =>
        app.get(SyncEngine).run(target, 'manual'),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else process.stdout.write(formatRun(result));
      if (result.status !== 'ok') process.exitCode = 1;
    });

  program
    .command('wiki')
    .description('MediaWiki integration')
    .command('config')
    .description('print the LocalSettings.php lines MediaWiki needs for allmende’s users and hashes')
    .addHelpText(
      'after',
      `
Append the output to MediaWiki's LocalSettings.php (Debian: /etc/mediawiki/LocalSettings.php). Without
the argon2 lines MediaWiki cannot check the members' passwords, or rewrites them at each login.`,
    )
    .action(() => {
      const config = env.config();
      if (!config.wiki) {
        throw new AppError(
          'VALIDATION_FAILED',
          'set ALLMENDE_WIKI_DATABASE_URL first (the wiki target is off without it)',
        );
      }
      process.stdout.write(wikiLocalSettings(config));
    });
}

function formatStatus(status: TargetStatus[]): string {
  if (status.length === 0)
    return 'no sync targets configured (set ALLMENDE_MAILMAN_URL, ALLMENDE_WIKI_DATABASE_URL or ALLMENDE_LDAP_URL)\n';
  return status
    .map((s) => {
      const lines = [`${s.target} (${s.description}): ${s.health}`];
      lines.push(`  last success: ${s.lastSuccessAt?.toISOString() ?? 'never'}`);
      if (s.failingSince) lines.push(`  failing since: ${s.failingSince.toISOString()}`);
      if (s.lastError) lines.push(`  last error: ${s.lastError} (${s.lastErrorAt?.toISOString() ?? '?'})`);
      if (s.nextRetryAt) lines.push(`  next retry: ${s.nextRetryAt.toISOString()}`);
      if (s.lastRun) {
        const counts =
          Object.entries(s.lastRun.counts)
            .map(([k, n]) => `${k} ${n}`)
            .join(', ') || 'no changes';
        lines.push(
          `  last run #${s.lastRun.id} (${s.lastRun.trigger}): ${s.lastRun.status}, ${counts}, ${s.lastRun.errors.length} item error(s)`,
        );
      }
      lines.push(`  full reconcile: ${s.cron}`);
      return lines.join('\n');
    })
    .join('\n\n')
    .concat('\n');
}

function formatPlan(plan: DryRun): string {
  const lines = plan.actions.map((a) => `  ${a.kind.padEnd(11)} ${a.description}`);
  for (const p of plan.problems) lines.push(`  problem     ${p.item}: ${p.message}`);
  const summary =
    Object.entries(plan.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'nothing to do';
  return `${plan.target}: ${summary}${plan.problems.length > 0 ? `; ${plan.problems.length} problem(s)` : ''}\n${lines.join('\n')}${lines.length > 0 ? '\n' : ''}`;
}

function formatRun(r: RunResult): string {
  const counts =
    Object.entries(r.counts)
      .map(([k, n]) => `${k} ${n}`)
      .join(', ') || 'no changes';
  const lines = [`${r.target}: run #${r.id} ${r.status} in ${r.durationMs} ms: ${counts}`];
  if (r.error) lines.push(`  error: ${r.error}`);
  for (const e of r.errors) lines.push(`  ${e.action ?? 'problem'} ${e.item}: ${e.message}`);
  if (r.errorCount > r.errors.length) lines.push(`  … ${r.errorCount - r.errors.length} more`);
  return `${lines.join('\n')}\n`;
}
