import type { Command } from 'commander';
import { AuthService } from '../auth/auth.service.js';
import { passwordFieldProblems } from '../auth/password-policy.js';
import { systemActor } from '../core/actor.js';
import { AppError } from '../core/app.errors.js';
import { problemsOfIssues } from '../core/zod-problems.js';
import { MemberIntakeService } from '../members/member-intake.service.js';
import { MembersService } from '../members/members.service.js';
import { intakeSchema } from '../members/members.schemas.js';
import { withContext } from './context.js';
import type { CliEnv } from './main.js';
import { promptHidden, readStdin } from './prompt.js';

interface AdminOptions {
  firstName: string;
  lastName: string;
  email?: string;
  memberNumber?: string;
  passwordStdin?: boolean;
}

export function registerAdminCommands(program: Command, env: CliEnv): void {
  const admin = program.command('admin').description('manage admin accounts');
  admin
    .command('create')
    .description('create an active admin account (member of the admins group) with a password')
    .requiredOption('--first-name <name>', 'first name')
    .requiredOption('--last-name <name>', 'last name')
    .option('--email <address>', 'private e-mail address (also works as the login name)')
    .option('--member-number <number>', 'member number, if the admin is a member')
    .option('--password-stdin', 'read the password from standard input instead of asking')
    .addHelpText('after', '\nThe username is derived from the name (e.g. ada.lovelace) and printed at the end.')
    .action(async (opts: AdminOptions) => {
      const config = env.config();
      const input = intakeSchema.safeParse({
        firstName: opts.firstName,
        lastName: opts.lastName,
        privateEmail: opts.email,
        memberNumber: opts.memberNumber,
        groups: ['admins'],
      });
      if (!input.success) throw AppError.validation(problemsOfIssues(input.error.issues, ''));
      const password = opts.passwordStdin ? await readStdin() : await askTwice();
      // Checked before anything is written, so a weak password leaves no half-made account.
      const problems = passwordFieldProblems('password', password, [opts.firstName, opts.lastName]);
      if (problems.length > 0) throw AppError.validation(problems);
      const actor = systemActor('cli:admin create');
      const member = await withContext(config, env.quietLog(), async ({ app, orm }) => {
        const intake = app.get(MemberIntakeService);
        const auth = app.get(AuthService);
        const created = await intake.intake(actor, input.data);
        await orm.em.fork().transactional(async (em) => {
          const m = await app.get(MembersService).requireMember(em, created.id);
          await auth.setPassword(em, actor, m, password);
        });
        await app.get(MembersService).changeState(actor, created.id, 'active', 'created as admin');
        return created;
      });
      console.log(
        `created admin ${member.username} (id ${member.id}); log in at ${config.http.publicUrl} with that username`,
      );
    });
}

async function askTwice(): Promise<string> {
  const first = await promptHidden('password (at least 12 characters): ');
  const second = await promptHidden('again: ');
  if (first !== second) throw AppError.validation([{ field: 'password', message: 'the two entries differ' }]);
  return first;
}
