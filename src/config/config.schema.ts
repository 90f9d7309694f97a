import { z } from 'zod';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const list = z.string().transform((v) =>
  v
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0),
);

// Five fields (minute hour day month weekday); the cron package checks the rest at start.
const cron = z
  .string()
  .trim()
  .regex(/^\S+( \S+){4,5}$/, 'must be a cron expression such as */15 * * * *');

// group=wikigroup pairs, e.g. board=sysop,board=bureaucrat,helpers=editor.
const groupMap = z
  .string()
  .transform((v) =>
    v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0)
      .map((s) => s.split('=').map((x) => x.trim())),
  )
  .refine(
    (pairs) =>
      pairs.every((p) => p.length === 2 && /^[a-z0-9-]+$/.test(p[0] ?? '') && /^[A-Za-z0-9_-]+$/.test(p[1] ?? '')),
    'must be group=wikigroup pairs separated by commas, e.g. board=sysop,helpers=editor',
  )
  .transform((pairs) => pairs.map(([g, w]) => [g ?? '', w ?? ''] as [string, string]));

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

// A bare address (user@host): `localhost` and other dotless hosts are fine for a relay on the machine.
const mailAddress = z
  .string()
  .trim()
  .max(254)
  .regex(/^[^\s@<>",;]+@[^\s@<>",;]+$/, 'must be an e-mail address such as allmende@example.org');

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|::1|\[::1\])$/i;

// One schema for the whole environment: every variable allmende reads is here and in the README.
export const configSchema = z
  .object({
    ALLMENDE_DATA_DIR: z.string().min(1).default('./var'),
    DATABASE_URL: z
      .url({ protocol: /^postgres(ql)?$/, error: 'must be a postgres:// or postgresql:// URL' })
      .optional(),
    ALLMENDE_DATABASE_TLS: z.enum(['off', 'require', 'verify']).default('off'),
    ALLMENDE_DATABASE_CA_FILE: z.string().min(1).optional(),
    ALLMENDE_DATABASE_POOL_MAX: positiveInt.default(10),
    ALLMENDE_EMBEDDED_PG_PORT: port.default(54329),
    ALLMENDE_HOST: z.string().min(1).default('127.0.0.1'),
    ALLMENDE_PORT: port.default(3000),
    ALLMENDE_PUBLIC_URL: z.url({ protocol: /^https?$/ }).optional(),
    ALLMENDE_TRUST_PROXY: bool.default(false),
    ALLMENDE_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    ALLMENDE_RESERVED_USERNAMES: list.default([]),
    ALLMENDE_SESSION_TTL_HOURS: positiveInt.default(24 * 7),
    ALLMENDE_LOGIN_MAX_FAILURES_PER_ACCOUNT: positiveInt.default(10),
    ALLMENDE_LOGIN_MAX_FAILURES_PER_ADDRESS: positiveInt.default(50),
    ALLMENDE_LOGIN_WINDOW_MINUTES: positiveInt.default(15),
    ALLMENDE_METRICS_TOKEN: z.string().min(16).optional(),
    ALLMENDE_MIGRATE_ON_START: bool.default(true),
    ALLMENDE_SMTP_HOST: z.string().trim().min(1).optional(),
    ALLMENDE_SMTP_PORT: port.default(587),
    ALLMENDE_SMTP_TLS: z.enum(['none', 'starttls', 'tls']).default('starttls'),
    ALLMENDE_SMTP_USER: z.string().min(1).optional(),
    ALLMENDE_SMTP_PASSWORD: z.string().min(1).optional(),
    ALLMENDE_MAIL_FROM: mailAddress.default('allmende@localhost'),
    ALLMENDE_BOARD_ADDRESS: mailAddress.optional(),
    ALLMENDE_CLUB_NAME: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control characters')
      .default('allmende'),
    ALLMENDE_DEFAULT_LANGUAGE: z.enum(['de', 'en']).default('de'),
    ALLMENDE_TIME_ZONE: z
      .string()
      .default('Europe/Berlin')
      .refine((tz) => Intl.supportedValuesOf('timeZone').includes(tz) || tz === 'UTC', {
        message: 'not a time zone of the IANA database (e.g. Europe/Berlin)',
      }),
    ALLMENDE_MAIL_MAX_ATTEMPTS: positiveInt.max(100).default(20),
    ALLMENDE_MAIL_DOMAIN: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/,
        'must be a domain name, e.g. example.org',
      )
      .optional(),
    ALLMENDE_PSEUDONYM_PATTERN: z
      .string()
      .regex(/^[a-z0-9._-]*\{number\}[a-z0-9._-]*$/, 'must be a local part with {number}, e.g. mitglied-{number}')
      .default('mitglied-{number}'),
    ALLMENDE_MAIL_GRACE_DAYS: z.coerce.number().int().min(0).max(3650).default(30),
    ALLMENDE_REGISTRATION_TTL_DAYS: positiveInt.max(365).default(14),
    ALLMENDE_RESET_TTL_MINUTES: positiveInt.max(24 * 60).default(60),
    ALLMENDE_RESET_INTERVAL_MINUTES: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 60)
      .default(15),
    ALLMENDE_RESET_MAX_PER_ADDRESS: positiveInt.default(20),
    ALLMENDE_EMAIL_CHANGE_TTL_HOURS: positiveInt.max(24 * 30).default(48),
    // What of a member stays after the exit date, besides the username (a tombstone, never reused).
    ALLMENDE_RETAIN_AFTER_EXIT: z
      .string()
      .default('member-number,periods')
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '' && s !== 'none'),
      )
      .pipe(z.array(z.enum(['member-number', 'periods'], { error: 'list of member-number, periods (or none)' }))),
    ALLMENDE_PHOTO_MAX_MB: positiveInt.max(100).default(10),
    ALLMENDE_PHOTO_MAX_EDGE: positiveInt.min(320).max(8000).default(1600),
    ALLMENDE_INDUCTION_REMINDER_DAYS: positiveInt.max(365).default(14),
    ALLMENDE_SYNC_DEBOUNCE_MS: z.coerce.number().int().min(0).max(10_000).default(300),
    ALLMENDE_MAILMAN_URL: z.url({ protocol: /^https?$/ }).optional(),
    ALLMENDE_MAILMAN_USER: z.string().min(1).default('restadmin'),
    ALLMENDE_MAILMAN_PASSWORD: z.string().min(1).optional(),
    ALLMENDE_MAILMAN_TIMEOUT_MS: positiveInt.max(300_000).default(10_000),
    ALLMENDE_MAILMAN_CRON: cron.default('*/15 * * * *'),
    ALLMENDE_WIKI_DATABASE_URL: z
      .url({ protocol: /^(mysql|mariadb)$/, error: 'must be a mysql:// or mariadb:// URL' })
      .optional(),
    ALLMENDE_WIKI_TABLE_PREFIX: z
      .string()
      .regex(/^[A-Za-z0-9_]*$/, 'letters, digits and _ only')
      .default(''),
    ALLMENDE_WIKI_GROUPS: groupMap.default([['board', 'sysop']]),
    ALLMENDE_WIKI_USER_NAME: z.enum(['display_name', 'username']).default('display_name'),
    ALLMENDE_WIKI_CRON: cron.default('*/15 * * * *'),
    ALLMENDE_JABBER_DOMAIN: z
      .string()
      .trim()
      .toLowerCase()
      .regex(
        /^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/,
        'must be a domain name, e.g. example.org',
      )
      .optional(),
    ALLMENDE_JABBER_MAX_FAILURES_PER_TOKEN: positiveInt.default(500),
    ALLMENDE_JABBER_VERIFY_CACHE_SECONDS: z.coerce
      .number()
      .int()
      .min(0)
      .max(24 * 3600)
      .default(600),
    ALLMENDE_LDAP_URL: z.url({ protocol: /^ldaps?$/, error: 'must be an ldap:// or ldaps:// URL' }).optional(),
    ALLMENDE_LDAP_BASE: z
      .string()
      .trim()
      .regex(/^[a-zA-Z]+=[^,]+(,[a-zA-Z]+=[^,]+)*$/, 'must be a DN such as dc=club,dc=example')
      .optional(),
    ALLMENDE_LDAP_BIND_DN: z.string().trim().min(3).optional(),
    ALLMENDE_LDAP_BIND_PASSWORD: z.string().min(1).optional(),
    ALLMENDE_LDAP_BIND_PASSWORD_FILE: z.string().min(1).optional(),
    ALLMENDE_LDAP_STARTTLS: bool.default(false),
    ALLMENDE_LDAP_CA_FILE: z.string().min(1).optional(),
    ALLMENDE_LDAP_EXCLUSIVE: bool.default(false),
    ALLMENDE_LDAP_TIMEOUT_MS: positiveInt.max(300_000).default(10_000),
    ALLMENDE_LDAP_CRON: cron.default('*/15 * * * *'),
    ALLMENDE_CALENDAR_HORIZON_MONTHS: positiveInt.max(120).default(18),
    ALLMENDE_CALENDAR_FEED_PAST_DAYS: z.coerce.number().int().min(0).max(3650).default(180),
    ALLMENDE_CALENDAR_REFRESH_MINUTES: positiveInt.max(7 * 24 * 60).default(60),
    ALLMENDE_CALENDAR_ANNOUNCE_TO: mailAddress.optional(),
    ALLMENDE_CALENDAR_ANNOUNCE_CRON: cron.default('0 8 * * 1'),
    ALLMENDE_CALENDAR_ANNOUNCE_DAYS: positiveInt.max(90).default(14),
    ALLMENDE_CALENDAR_ANNOUNCE_VISIBILITY: z.enum(['public', 'members']).default('public'),
    // The space (SpaceAPI v15 at /spaceapi.json and the start page).
    ALLMENDE_SPACEAPI: bool.default(true),
    ALLMENDE_SPACE_NAME: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control characters')
      .optional(),
    ALLMENDE_SPACEAPI_LOGO_URL: z.url({ protocol: /^https?$/ }).optional(),
    ALLMENDE_SPACEAPI_URL: z.url({ protocol: /^https?$/ }).optional(),
    ALLMENDE_SPACE_ADDRESS: z
      .string()
      .trim()
      .min(1)
      .max(300)
      .regex(/^[^\p{Cc}\p{Cf}]*$/u, 'must not contain control characters')
      .optional(),
    ALLMENDE_SPACE_LAT: z.coerce.number().min(-90).max(90).optional(),
    ALLMENDE_SPACE_LON: z.coerce.number().min(-180).max(180).optional(),
    ALLMENDE_SPACE_CONTACT_EMAIL: mailAddress.optional(),
    // Hours a member's "I am in the space" lasts before it expires by itself.
    ALLMENDE_SPACE_PRESENCE_HOURS: positiveInt.max(24).default(4),
  })
  .superRefine((env, ctx) => {
    if (env.ALLMENDE_DATABASE_CA_FILE !== undefined && env.ALLMENDE_DATABASE_TLS !== 'verify') {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLMENDE_DATABASE_CA_FILE'],
        message: 'only used with ALLMENDE_DATABASE_TLS=verify',
      });
    }
    if (env.ALLMENDE_DATABASE_TLS !== 'off' && env.DATABASE_URL === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLMENDE_DATABASE_TLS'],
        message: 'TLS applies to an external DATABASE_URL; the embedded PostgreSQL listens on loopback only',
      });
    }
    if (env.ALLMENDE_MAILMAN_URL !== undefined && env.ALLMENDE_MAILMAN_PASSWORD === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLMENDE_MAILMAN_PASSWORD'],
        message: "required with ALLMENDE_MAILMAN_URL (Mailman's [webservice] admin_pass)",
      });
    }
    if (env.ALLMENDE_LDAP_URL !== undefined) {
      if (env.ALLMENDE_LDAP_BASE === undefined) {
        ctx.addIssue({ code: 'custom', path: ['ALLMENDE_LDAP_BASE'], message: 'required with ALLMENDE_LDAP_URL' });
      }
      const password = env.ALLMENDE_LDAP_BIND_PASSWORD !== undefined;
      if (password === (env.ALLMENDE_LDAP_BIND_PASSWORD_FILE !== undefined)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ALLMENDE_LDAP_BIND_PASSWORD'],
          message: 'set exactly one of ALLMENDE_LDAP_BIND_PASSWORD and ALLMENDE_LDAP_BIND_PASSWORD_FILE',
        });
      }
      const url = new URL(env.ALLMENDE_LDAP_URL);
      if (url.protocol === 'ldaps:' && env.ALLMENDE_LDAP_STARTTLS) {
        ctx.addIssue({
          code: 'custom',
          path: ['ALLMENDE_LDAP_STARTTLS'],
          message: 'ldaps:// is TLS already; StartTLS is for ldap://',
        });
      }
      // The bind password and every member's hash would cross the network in plain text.
      if (url.protocol === 'ldap:' && !env.ALLMENDE_LDAP_STARTTLS && !LOOPBACK.test(url.hostname)) {
        ctx.addIssue({
          code: 'custom',
          path: ['ALLMENDE_LDAP_URL'],
          message: 'a remote ldap:// server needs ALLMENDE_LDAP_STARTTLS=true, or use ldaps://',
        });
      }
    }
    if (env.ALLMENDE_LDAP_CA_FILE !== undefined && env.ALLMENDE_LDAP_URL === undefined) {
      ctx.addIssue({ code: 'custom', path: ['ALLMENDE_LDAP_CA_FILE'], message: 'only used with ALLMENDE_LDAP_URL' });
    }
    if ((env.ALLMENDE_SPACE_LAT === undefined) !== (env.ALLMENDE_SPACE_LON === undefined)) {
      ctx.addIssue({
        code: 'custom',
        path: [env.ALLMENDE_SPACE_LAT === undefined ? 'ALLMENDE_SPACE_LAT' : 'ALLMENDE_SPACE_LON'],
        message: 'ALLMENDE_SPACE_LAT and ALLMENDE_SPACE_LON go together: set both or neither',
      });
    }
    const user = env.ALLMENDE_SMTP_USER !== undefined;
    const password = env.ALLMENDE_SMTP_PASSWORD !== undefined;
    if (user !== password) {
      ctx.addIssue({
        code: 'custom',
        path: [user ? 'ALLMENDE_SMTP_PASSWORD' : 'ALLMENDE_SMTP_USER'],
        message: 'ALLMENDE_SMTP_USER and ALLMENDE_SMTP_PASSWORD go together: set both or neither',
      });
    }
    if ((user || password) && env.ALLMENDE_SMTP_HOST === undefined) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLMENDE_SMTP_HOST'],
        message: 'required with ALLMENDE_SMTP_USER and ALLMENDE_SMTP_PASSWORD (without a host, mails go to files)',
      });
    }
    // The password would cross the network in plain text; a relay on this machine may do without TLS.
    if (
      password &&
      env.ALLMENDE_SMTP_TLS === 'none' &&
      env.ALLMENDE_SMTP_HOST !== undefined &&
      !LOOPBACK.test(env.ALLMENDE_SMTP_HOST)
    ) {
      ctx.addIssue({
        code: 'custom',
        path: ['ALLMENDE_SMTP_TLS'],
        message: 'none would send ALLMENDE_SMTP_PASSWORD unencrypted to a remote host: use starttls or tls',
      });
    }
  });

export type RawConfig = z.infer<typeof configSchema>;
