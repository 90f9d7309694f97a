import { Migration } from '@mikro-orm/migrations';

// The directory target writes first and last names (givenName, sn) and every group (cn): their
// changes must reach the sync engine at once, like the columns that 0005 and 0008 already watch.
export class Migration0009Directory extends Migration {
  override name = '0009-directory';

  override up(): void | Promise<void> {
    this.addSql(`drop trigger if exists "member_sync_notify" on "member";`);
    this.addSql(
      `create trigger "member_sync_notify" after insert or delete or update of "state", "password_hash", "display_name", "first_name", "last_name", "private_email", "username", "member_number", "wants_named_address", "wants_pseudonymous_address", "forward_to_private", "keep_copy", "erased_at" on "member" for each statement execute function "allmende_sync_notify"();`,
    );
    // 0008-mail-sync made the member_group trigger already.
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
