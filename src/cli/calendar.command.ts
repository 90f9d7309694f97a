import type { Command } from 'commander';
import { systemActor } from '../core/actor.js';
import { AnnouncementsService } from '../calendar/announcements.service.js';
import { CalendarWorker } from '../calendar/calendar.worker.js';
import { withContext } from './context.js';
import type { CliEnv } from './main.js';

export function registerCalendarCommands(program: Command, env: CliEnv): void {
  const calendar = program.command('calendar').description('the calendar of rooms and resources');

  calendar
    .command('announce')
    .description(
      'queue the mail of the coming events now (to ALLMENDE_CALENDAR_ANNOUNCE_TO or --to); the server sends it',
    )
    .option('--to <address>', 'send to this address instead')
    .option('--days <n>', 'how many days ahead (default ALLMENDE_CALENDAR_ANNOUNCE_DAYS)')
    .option('--json', 'print JSON')
    .action(async (opts: { to?: string; days?: string; json?: boolean }) => {
      const days = opts.days === undefined ? undefined : Number(opts.days);
      if (days !== undefined && !(Number.isInteger(days) && days >= 1 && days <= 90)) {
        throw new Error('--days must be a whole number from 1 to 90');
      }
      const result = await withContext(env.config(), env.quietLog(), ({ app }) =>
        app.get(AnnouncementsService).announce(systemActor('cli'), { to: opts.to, days }),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      else if (result.queued) process.stdout.write(`queued: ${result.events} events to ${result.to}\n`);
      else process.stdout.write(`nothing queued (${result.reason ?? 'no events'})\n`);
    });

  calendar
    .command('extend')
    .description('book the occurrences of recurring events up to the horizon now (the server does it daily)')
    .action(async () => {
      const run = await withContext(env.config(), env.quietLog(), ({ app }) => app.get(CalendarWorker).extendOnce());
      process.stdout.write(
        run.ran
          ? `${run.events} events, ${run.booked} bookings made, ${run.clashes} occurrences not booked (taken)\n`
          : 'another instance is extending the bookings right now\n',
      );
    });
}
