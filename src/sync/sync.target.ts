import type { SyncTrigger } from './entities/sync-run.entity.js';

// What every sync target implements. The engine reads desired (our database) and actual (the
// target, through its client), asks the pure plan() for actions and applies them one by one.

export interface SyncAction {
  // create, update, disable, subscribe … : the run counts actions per kind.
  kind: string;
  // What the action is about, for errors and the dry run (an address, a wiki user name).
  item: string;
}

// Something plan() refuses to do and reports instead (a name collision, a missing list).
export interface SyncProblem {
  item: string;
  message: string;
}

export interface SyncPlan<A extends SyncAction = SyncAction> {
  actions: A[];
  problems: SyncProblem[];
}

export interface SyncTarget<D = unknown, S = unknown, A extends SyncAction = SyncAction> {
  readonly name: string;
  readonly description: string;
  // Tables whose changes (see the allmende_sync trigger) affect this target.
  readonly watches: readonly string[];
  // Cron expression of the full reconcile (the safety net beside the change triggers).
  readonly cron: string;
  // Actions applied side by side (1 = one after another).
  readonly concurrency: number;
  // Actions with the same key are applied one after another even so (e.g. Mailman creates an
  // address on its first subscription: two lists subscribing it at once collide inside Mailman).
  serialKey?(action: A): string;
  desired(): Promise<D>;
  // May use desired to read only what matters (the configured lists, the members' names). On a
  // run for a change, a target may answer from what it read and changed itself before (see
  // the Mailman target); every other run reads afresh.
  actual(desired: D, run: { trigger: SyncTrigger }): Promise<S>;
  plan(desired: D, actual: S): SyncPlan<A>;
  apply(action: A): Promise<void>;
  // One line for people: what the action does.
  describe(action: A): string;
  // True when an error means the target itself is down (unreachable, refused credentials):
  // the run stops and fails instead of reporting the same outage for every item.
  isTargetDown(err: unknown): boolean;
}

export type AnySyncTarget = SyncTarget<unknown, unknown, SyncAction>;
