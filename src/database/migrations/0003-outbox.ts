import { Migration } from '@mikro-orm/migrations';

// The mail outbox: mails written in the transaction of the change that causes them, sent by the
// worker. No foreign key to member, so a mail's row outlives a deleted member.
export class Migration0003Outbox extends Migration {
  override name = '0003-outbox';

  override up(): void | Promise<void> {
    this.addSql(
      `create table "outbox_mail" ("id" serial primary key, "to_address" varchar(254) not null, "template" varchar(64) not null, "language" text not null, "data" jsonb null, "subject" text not null, "state" text not null default 'queued', "attempts" int not null default 0, "next_attempt_at" timestamptz null, "last_error" text null, "message_id" varchar(255) not null, "member_id" int null, "created_at" timestamptz not null, "sent_at" timestamptz null);`,
    );
    this.addSql(`create index "outbox_mail_state_idx" on "outbox_mail" ("state", "id");`);
    this.addSql(`create index "outbox_mail_member_idx" on "outbox_mail" ("member_id");`);
    this.addSql(
      `create index "outbox_mail_due_idx" on "outbox_mail" ("next_attempt_at") where "state" in ('queued', 'failed', 'sending');`,
    );

    this.addSql(
      `alter table "outbox_mail" add constraint "outbox_mail_language_check" check ("language" in ('de', 'en'));`,
    );
    this.addSql(
      `alter table "outbox_mail" add constraint "outbox_mail_state_check" check ("state" in ('queued', 'sending', 'sent', 'failed', 'given_up'));`,
    );
  }

  override down(): void | Promise<void> {
    throw new Error('allmende does not downgrade: restore the backup taken before the upgrade');
  }
}
