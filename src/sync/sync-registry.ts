import { Injectable } from '@nestjs/common';
import { AppError } from '../core/app.errors.js';
import type { AnySyncTarget, SyncAction, SyncTarget } from './sync.target.js';

// The configured targets. Each target module registers its target when it is configured, so an
// unconfigured Mailman is simply not a target (and `sync status` says which are).
@Injectable()
export class SyncRegistry {
  private readonly targets = new Map<string, AnySyncTarget>();

  register<D, S, A extends SyncAction>(target: SyncTarget<D, S, A>): void {
    if (this.targets.has(target.name)) throw new Error(`sync target ${target.name} registered twice`);
    this.targets.set(target.name, target);
  }

  get(name: string): AnySyncTarget {
    const target = this.targets.get(name);
    if (!target) {
      const known = [...this.targets.keys()];
      throw new AppError(
        'NOT_FOUND',
        `sync target "${name}" not found; configured: ${known.length > 0 ? known.join(', ') : 'none'}`,
      );
    }
    return target;
  }

  all(): AnySyncTarget[] {
    return [...this.targets.values()];
  }

  watching(table: string): AnySyncTarget[] {
    return this.all().filter((t) => t.watches.includes(table));
  }
}
