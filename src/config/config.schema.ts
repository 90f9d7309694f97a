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

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();

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
  });

export type RawConfig = z.infer<typeof configSchema>;
