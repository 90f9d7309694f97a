// Injection tokens for values made before Nest starts (see app.module.ts).
export const LOGGER = Symbol('LOGGER');
