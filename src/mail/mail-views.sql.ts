// What Postfix and Dovecot read: views over the mail tables, readable by one role that can read
// nothing else (see mail-role.ts). Passwords and login rights are read live from the member, so
// a suspension or a new password takes effect at the next lookup, not at the next reconcile.
// Changing a view means a new migration that runs these statements again (create or replace).
export const MAIL_VIEW_NAMES = [
  'mail_virtual_domains',
  'mail_virtual_mailboxes',
  'mail_virtual_aliases',
  'mail_dovecot_users',
] as const;

export const MAIL_VIEWS_SQL: readonly string[] = [
  `create or replace view mail_virtual_domains as
     select name as domain from mail_domain`,
  // A departed member's mailbox keeps receiving until receive_until (the grace period), then bounces.
  `create or replace view mail_virtual_mailboxes as
     select address, maildir from mailbox
      where receive_until is null or receive_until > now()`,
  `create or replace view mail_virtual_aliases as
     select source, destination from mail_alias
      where receive_until is null or receive_until > now()`,
  // One row per name Dovecot may be asked for: the username and the address of a member's
  // mailbox, the address of a manual one. password is null where no login is allowed (member not
  // active, no password, mailbox ended); mail is still delivered while the mailbox receives.
  `create or replace view mail_dovecot_users as
     with box as (
       select b.login, b.address, b.maildir, b.quota_mb,
              case
                when b.origin = 'manual' then b.password_hash
                when m.state = 'active' and b.ended_at is null then m.password_hash
              end as phc
         from mailbox b left join member m on m.id = b.member_id
        where b.receive_until is null or b.receive_until > now()
     )
     select login as "user", '{ARGON2ID}' || phc as password, maildir,
            coalesce(quota_mb, 0)::bigint * 1048576 as quota_bytes
       from box
     union all
     select address as "user", '{ARGON2ID}' || phc as password, maildir,
            coalesce(quota_mb, 0)::bigint * 1048576 as quota_bytes
       from box where address <> login`,
];
