import { Migration } from '@mikro-orm/migrations';

// The member lifecycle: mail choices and dates on the member, and the keys sent by mail
// (registration, password reset, e-mail change), stored as hashes.
export class Migration0004Lifecycle extends Migration {
  override name = '0004-lifecycle';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "link_token" ("id" serial primary key, "member_id" int not null, "purpose" text not null, "token_hash" varchar(64) not null, "expires_at" timestamptz not null, "data" jsonb null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "link_token" add constraint "link_token_hash_unique" unique ("token_hash");`);
    this.addSql(`create index "link_token_member_purpose_idx" on "link_token" ("member_id", "purpose");`);

    this.addSql(
      `alter table "member" add "wants_pseudonymous_address" boolean not null default false, add "wants_named_address" boolean not null default false, add "forward_to_private" boolean not null default true, add "registered_at" timestamptz null, add "activated_at" timestamptz null, add "reset_requested_at" timestamptz null, add "exit_on" date null, add "erased_at" timestamptz null;`,
    );
    this.addSql(
      `create index "member_exit_due_idx" on "member" ("exit_on") where "exit_on" is not null and "erased_at" is null;`,
    );

    this.addSql(
      `alter table "link_token" add constraint "link_token_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "link_token" add constraint "link_token_purpose_check" check ("purpose" in ('registration', 'password-reset', 'email-change'));`,
    );
  }

  override down(): void {
    throw new Error('allmende does not downgrade');
  }
}
