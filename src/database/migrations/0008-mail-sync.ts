import { Migration } from '@mikro-orm/migrations';

// The mail target follows more of the member than the first sync targets did (forwarding, the
// copy, erasure) and team addresses and renames: wake the sync engine for those too.
export class Migration0008MailSync extends Migration {
  override name = '0008-mail-sync';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "member_sync_notify" on "member";`);
    this.addSql(
      `create trigger "member_sync_notify" after insert or delete or update of "state", "password_hash", "display_name", "private_email", "username", "member_number", "wants_named_address", "wants_pseudonymous_address", "forward_to_private", "keep_copy", "erased_at" on "member" for each statement execute function "allmende_sync_notify"();`,
    );
    for (const table of ['member_group', 'used_username']) {
      this.addSql(
        `create trigger "${table}_sync_notify" after insert or update or delete on "${table}" for each statement execute function "allmende_sync_notify"();`,
      );
    }
  }

  override down(): void {
    throw new Error('allmende does not downgrade: restore the backup taken before the upgrade');
  }
}
