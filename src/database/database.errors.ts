export type DatabaseErrorCode =
  | 'EMBEDDED_INIT_FAILED'
  | 'EMBEDDED_START_FAILED'
  | 'EMBEDDED_PORT_IN_USE'
  | 'EMBEDDED_STATE_MISSING'
  | 'UNREACHABLE'
  | 'MIGRATIONS_PENDING'
  | 'DATA_DIR_IN_USE';

export class DatabaseError extends Error {
  constructor(
    readonly code: DatabaseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'DatabaseError';
  }
}
