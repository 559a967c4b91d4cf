import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { Role } from './api-keys.js';

/** Who sent a request, as established by the ApiKeyGuard. */
export interface Caller {
  /** The API key's name; `loopback` for a local caller when no keys are configured; `anonymous` otherwise. */
  id: string;
  /** What the caller may do; null = nothing beyond public reads. */
  role: Role | null;
}

export const ANONYMOUS: Caller = { id: 'anonymous', role: null };
/** Without keys, a caller on this machine may do everything: it could edit the data file anyway. */
export const LOCAL_CALLER: Caller = { id: 'loopback', role: 'admin' };

declare module 'fastify' {
  interface FastifyRequest {
    caller?: Caller;
  }
}

/** The request's caller, in a handler of a guarded route. */
export const CurrentCaller = createParamDecorator((_: unknown, context: ExecutionContext): Caller => {
  return context.switchToHttp().getRequest<FastifyRequest>().caller ?? ANONYMOUS;
});
