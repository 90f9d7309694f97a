// Injection tokens for values made before Nest starts (see app.module.ts).
export const LOGGER = Symbol('LOGGER');
// Whether this process runs the background workers (the outbox): the server does, CLI commands do not.
export const RUN_WORKERS = Symbol('RUN_WORKERS');
