import { Migration } from '@mikro-orm/migrations';

// The member list's order (last name, first name, id) as an index, so a page reads 50 entries
// instead of sorting every member.
export class Migration0002MemberNameOrder extends Migration {
  override name = '0002-member-name-order';

  override up(): void | Promise<void> {
    this.addSql(`create index "member_name_order_idx" on "member" ("last_name", "first_name", "id");`);
  }

  override down(): void | Promise<void> {
    throw new Error('allmende does not downgrade: restore the backup taken before the upgrade');
  }
}
