import { z } from 'zod';

// What ejabberd hands the extauth program: the node (user) and the domain, both nodeprepped.
const user = z.string().min(1).max(1023);
const server = z.string().min(1).max(1023);

export const jabberAuthSchema = z.strictObject({ user, server, password: z.string().max(1024) });
export const jabberIsUserSchema = z.strictObject({ user, server });
