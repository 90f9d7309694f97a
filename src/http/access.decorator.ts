import { SetMetadata, applyDecorators, createParamDecorator, type ExecutionContext } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import type { Actor, Role, Scope } from '../core/actor.js';

export const ACCESS_KEY = 'allmende:access';

export interface AccessRule {
  role: Role | 'public';
  scope?: Scope;
}

// Every route states who may call it; the guard refuses routes that state nothing.
// The rule also appears in the OpenAPI document as `x-allmende-access`.
export const Access = (role: Role | 'public', scope?: Scope) =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { role, scope } satisfies AccessRule),
    ApiExtension('x-allmende-access', { role, ...(scope ? { tokenScope: scope } : {}) }),
  );

export interface RequestWithActor {
  actor?: Actor;
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  const actor = ctx.switchToHttp().getRequest<RequestWithActor>().actor;
  if (!actor) throw new Error('CurrentActor used on a public route');
  return actor;
});
