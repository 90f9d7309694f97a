import type { SyncPlan, SyncTarget } from '../sync/sync.target.js';
import type { ActualMail, MailAction } from './mail.plan.js';
import type { MailDesiredState, MailReconciler } from './mail.reconciler.js';

export type MailSyncAction = MailAction & { item: string };

function itemOf(a: MailAction): string {
  switch (a.kind) {
    case 'create-mailbox':
      return a.mailbox.address;
    case 'create-alias':
      return `${a.alias.source} → ${a.alias.destination}`;
    case 'update-mailbox':
      return a.address;
    case 'revive-mailbox':
    case 'end-mailbox':
    case 'delete-mailbox':
      return `mailbox of member ${a.memberId}`;
    case 'revive-alias':
    case 'end-alias':
    case 'delete-alias':
      return `${a.source} → ${a.destination}`;
  }
}

// The derived mail rows as a target of the sync engine: its own database, so never "down".
export class MailSyncTarget implements SyncTarget<MailDesiredState, ActualMail, MailSyncAction> {
  readonly name = 'mail';
  readonly description = 'Postfix/Dovecot tables: mailboxes, aliases and team addresses from the member store';
  readonly watches = ['member', 'group_membership', 'member_group', 'used_username'];
  // Grace periods end without any change in the member store: the cron notices.
  readonly cron = '*/15 * * * *';
  readonly concurrency = 1;

  constructor(private readonly reconciler: MailReconciler) {}

  desired(): Promise<MailDesiredState> {
    return this.reconciler.readDesired();
  }

  actual(): Promise<ActualMail> {
    return this.reconciler.readActual();
  }

  plan(desired: MailDesiredState, actual: ActualMail): SyncPlan<MailSyncAction> {
    const plan = this.reconciler.planFrom(desired, actual);
    return {
      actions: plan.actions.map((a) => ({ ...a, item: itemOf(a) })),
      problems: plan.problems.map((p) => ({ item: p.subject, message: p.message })),
    };
  }

  apply(action: MailSyncAction): Promise<void> {
    return this.reconciler.applyOne(action);
  }

  describe(action: MailSyncAction): string {
    const until = 'receiveUntil' in action ? ` (receives until ${action.receiveUntil.toISOString().slice(0, 10)})` : '';
    return `${action.kind} ${action.item}${until}`;
  }

  isTargetDown(): boolean {
    return false;
  }
}
