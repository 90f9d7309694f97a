import { Migration } from '@mikro-orm/migrations';
import { MAIL_VIEWS_SQL } from '../../mail/mail-views.sql.js';

// Virtual mail: domains, mailboxes and aliases (derived from members and groups, or manual), and
// the read-only views Postfix and Dovecot query (see src/mail/mail-views.sql.ts).
export class Migration0007Mail extends Migration {
  override name = '0007-mail';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "mail_domain" ("id" serial primary key, "name" varchar(253) not null, "created_at" timestamptz not null);`,
    );
    this.addSql(`alter table "mail_domain" add constraint "mail_domain_name_unique" unique ("name");`);

    this.addSql(
      `create table "mailbox" ("id" serial primary key, "address" varchar(254) not null, "domain_id" int not null, "origin" text not null, "member_id" int null, "login" varchar(254) not null, "password_hash" varchar(255) null, "quota_mb" int null, "maildir" varchar(512) not null, "ended_at" timestamptz null, "receive_until" timestamptz null, "created_at" timestamptz not null, "updated_at" timestamptz not null);`,
    );
    this.addSql(`alter table "mailbox" add constraint "mailbox_address_unique" unique ("address");`);
    this.addSql(`alter table "mailbox" add constraint "mailbox_member_unique" unique ("member_id");`);
    this.addSql(`alter table "mailbox" add constraint "mailbox_login_unique" unique ("login");`);

    this.addSql(
      `create table "mail_alias" ("id" serial primary key, "source" varchar(254) not null, "destination" varchar(254) not null, "origin" text not null, "member_id" int null, "group_id" int null, "receive_until" timestamptz null, "created_at" timestamptz not null);`,
    );
    this.addSql(`create index "mail_alias_source_idx" on "mail_alias" ("source");`);
    this.addSql(
      `alter table "mail_alias" add constraint "mail_alias_source_destination_unique" unique ("source", "destination");`,
    );

    this.addSql(`alter table "member_group" add "mail_address" varchar(254) null;`);
    this.addSql(
      `alter table "member_group" add constraint "member_group_mail_address_unique" unique ("mail_address");`,
    );

    this.addSql(`alter table "member" add "keep_copy" boolean not null default true;`);

    this.addSql(
      `alter table "mailbox" add constraint "mailbox_domain_id_foreign" foreign key ("domain_id") references "mail_domain" ("id") on delete restrict;`,
    );
    this.addSql(
      `alter table "mailbox" add constraint "mailbox_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "mailbox" add constraint "mailbox_origin_check" check ("origin" in ('member', 'manual'));`,
    );

    this.addSql(
      `alter table "mail_alias" add constraint "mail_alias_member_id_foreign" foreign key ("member_id") references "member" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "mail_alias" add constraint "mail_alias_group_id_foreign" foreign key ("group_id") references "member_group" ("id") on delete cascade;`,
    );
    this.addSql(
      `alter table "mail_alias" add constraint "mail_alias_origin_check" check ("origin" in ('member', 'group', 'manual'));`,
    );

    for (const sql of MAIL_VIEWS_SQL) this.addSql(sql);
  }

  override down(): void {
    throw new Error('allmende does not downgrade: restore the backup taken before the upgrade');
  }
}
