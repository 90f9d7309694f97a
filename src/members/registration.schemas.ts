import { z } from 'zod';
import { schemaMessage } from '../core/zod-problems.js';
import { PASSWORD_MAX_LENGTH } from '../auth/password-policy.js';

// The password's policy is checked by the service (it needs the member's name), not here.
export const registrationSchema = z.strictObject({
  pseudonymousAddress: z.boolean(),
  namedAddress: z.boolean(),
  forwardToPrivate: z.boolean().default(true),
  password: z.string().max(PASSWORD_MAX_LENGTH).nullish(),
  language: z.enum(['de', 'en']).optional(),
});
export type RegistrationInput = z.infer<typeof registrationSchema>;

// A link's key: 43 characters of base64url (256 bits). Anything else is not worth a lookup.
export const linkKeySchema = z.string().regex(/^[A-Za-z0-9_-]{43}$/, schemaMessage.link);
