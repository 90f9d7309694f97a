import { SetMetadata, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { Actor, Role, Scope } from '../core/actor.js';

export const ACCESS_KEY = 'allmende:access';

export interface AccessRule {
  role: Role | 'public';
  scope?: Scope;
}

// Every route states who may call it; the guard refuses routes that state nothing.
export const Access = (role: Role | 'public', scope?: Scope) => SetMetadata(ACCESS_KEY, { role, scope } satisfies AccessRule);

export interface RequestWithActor {
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
