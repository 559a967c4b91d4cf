import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../http/problem.js';
import { findApiKey, roleIncludes, type Role } from './api-keys.js';
import { AUTH_CONFIG, type AuthConfig } from './auth.config.js';
import { ANONYMOUS, LOCAL_CALLER, type Caller } from './caller.js';
import { notLocalBecause } from './local-request.js';
import { ACCESS_METADATA, type Access } from './requires-role.decorator.js';

const REALM = 'Bearer realm="demarche"';

/**
 * Establishes who is calling (an API key sent as `Authorization: Bearer <secret>`, or, when no
 * keys are configured, a caller on this machine) and whether the route's role allows it.
 * Answers 401 when credentials are missing or wrong, 403 when they do not reach far enough.
 */
@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    @Inject(AUTH_CONFIG) private readonly config: AuthConfig,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    if (context.getType() !== 'http') return true;
    const required = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_METADATA, [context.getHandler(), context.getClass()]) ?? 'reader';
    // Credentials are not even looked at: a probe with a stale or mangled header still gets its answer.
    if (required === 'public') return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = this.identify(request);
    request.caller = caller;
    if (caller.role !== null && roleIncludes(caller.role, required)) return true;
    if (required === 'reader' && !this.config.readsRequireKey) return true;
    throw this.denial(request, caller, required);
  }

  private identify(request: FastifyRequest): Caller {
    const header = request.headers.authorization;
    if (header !== undefined && sentMoreThanOnce(request, 'authorization')) {
      throw new ProblemException({
        status: 400,
        detail: 'The Authorization header was sent more than once; send one',
        errors: [{ field: 'Authorization', message: 'must be sent once' }],
      });
    }
    if (this.config.keys.length === 0) return notLocalBecause(request) === undefined ? LOCAL_CALLER : ANONYMOUS;
    if (header === undefined) return ANONYMOUS;
    const bearer = /^Bearer +([\x21-\x7e]+) *$/i.exec(header);
    if (!bearer) {
      throw unauthenticated("The Authorization header must be 'Bearer <API key secret>'", `${REALM}, error="invalid_request"`);
    }
    const key = findApiKey(this.config.keys, bearer[1]);
    if (!key) throw unauthenticated('The API key is not valid', `${REALM}, error="invalid_token"`);
    return { id: key.name, role: key.role };
  }

  private denial(request: FastifyRequest, caller: Caller, required: Role): ProblemException {
    if (this.config.keys.length === 0) {
      return new ProblemException({
        type: 'https://demarche.dev/problems/forbidden',
        title: 'Forbidden',
        status: 403,
        detail: `This server has no API keys configured, so it accepts ${required === 'admin' ? 'administration' : 'writes'} only from this machine; ${notLocalBecause(request)}`,
      });
    }
    if (caller.role === null) {
      const what = required === 'reader' ? 'Reading' : required === 'reporter' ? 'Recording incidents' : 'Administration';
      return unauthenticated(`${what} needs an API key with role ${required} or above, sent as 'Authorization: Bearer <secret>'`, REALM);
    }
    return new ProblemException(
      {
        type: 'https://demarche.dev/problems/forbidden',
        title: 'Forbidden',
        status: 403,
        detail: `The API key '${caller.id}' has role ${caller.role}; this needs ${required} or above`,
        requiredRole: required,
      },
      { 'www-authenticate': `${REALM}, error="insufficient_scope"` },
    );
  }
}

function unauthenticated(detail: string, challenge: string): ProblemException {
  return new ProblemException(
    { type: 'https://demarche.dev/problems/unauthenticated', title: 'Unauthorized', status: 401, detail },
    { 'www-authenticate': challenge },
  );
}

/**
 * Node keeps the first of repeated Authorization headers and drops the others, so which key
 * counts would depend on the order a proxy or client happened to write them; refuse instead.
 */
function sentMoreThanOnce(request: FastifyRequest, lowerCaseName: string): boolean {
  const raw = request.raw.rawHeaders;
  let seen = 0;
  for (let i = 0; i < raw.length; i += 2) {
    if (raw[i].length === lowerCaseName.length && raw[i].toLowerCase() === lowerCaseName && ++seen > 1) return true;
  }
  return false;
}
