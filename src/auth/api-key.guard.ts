import { Inject, Injectable, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { ProblemException } from '../http/problem.js';
import { findApiKey, roleIncludes, type Role } from './api-keys.js';
import { AUTH_CONFIG, isLoopbackAddress, isLoopbackHost, type AuthConfig } from './auth.config.js';
import { ANONYMOUS, LOCAL_CALLER, type Caller } from './caller.js';
import { ACCESS_METADATA, type Access } from './requires-role.decorator.js';

const REALM = 'Bearer realm="demarche"';
/** Headers a proxy adds: a request carrying one came from elsewhere, even if the socket is local. */
const FORWARDING_HEADERS = ['forwarded', 'x-forwarded-for', 'x-real-ip'];

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
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const caller = this.identify(request);
    request.caller = caller;
    if (required === 'public' || (caller.role !== null && roleIncludes(caller.role, required))) return true;
    if (required === 'reader' && !this.config.readsRequireKey) return true;
    throw this.denial(request, caller, required);
  }

  private identify(request: FastifyRequest): Caller {
    if (this.config.keys.length === 0) return notLocalBecause(request) === undefined ? LOCAL_CALLER : ANONYMOUS;
    const header = request.headers.authorization;
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
 * Why a request does not count as coming from this machine, or undefined when it does: the
 * socket is loopback, no proxy forwarded it, and the Host header names this machine (a page on
 * another site whose name was made to resolve to 127.0.0.1 — DNS rebinding — sends its own name).
 */
function notLocalBecause(request: FastifyRequest): string | undefined {
  if (!isLoopbackAddress(request.socket.remoteAddress)) return 'this request came from another address';
  const forwarded = FORWARDING_HEADERS.find((name) => request.headers[name] !== undefined);
  if (forwarded) return `this request was forwarded by a proxy (${forwarded} header)`;
  if (!isLocalHostHeader(request.headers.host)) return 'this request names another host in its Host header';
  return undefined;
}

/** Answers per Host header value (a handful of distinct values in practice; bounded anyway). */
const localHostHeaders = new Map<string, boolean>();

function isLocalHostHeader(host: string | undefined): boolean {
  if (!host) return false;
  let local = localHostHeaders.get(host);
  if (local === undefined) {
    if (localHostHeaders.size >= 1024) localHostHeaders.clear();
    local = parseLocalHostHeader(host);
    localHostHeaders.set(host, local);
  }
  return local;
}

function parseLocalHostHeader(host: string): boolean {
  try {
    const { hostname } = new URL(`http://${host}`);
    return hostname === 'localhost' || hostname.endsWith('.localhost') || isLoopbackHost(hostname);
  } catch {
    return false;
  }
}
