import type { RouteOptions } from 'fastify';

type OnRequestHook = Exclude<RouteOptions['onRequest'], undefined | unknown[]>;

/** A route's own onRequest hooks as an array (Fastify takes one function, an array, or nothing). */
function onRequestHooks(route: RouteOptions): OnRequestHook[] {
  const hooks = route.onRequest as OnRequestHook | OnRequestHook[] | undefined;
  return hooks === undefined ? [] : Array.isArray(hooks) ? hooks : [hooks];
}

/**
 * Gives `route` the onRequest hook, first or last among its own, once (Fastify also registers a
 * GET route's HEAD twin through the onRoute hooks; a hook already there is not added again).
 * Set from an onRoute hook, it is decided once per route rather than asked on every request.
 */
export function addOnRequestHook(route: RouteOptions, hook: OnRequestHook, where: 'first' | 'last'): void {
  const hooks = onRequestHooks(route);
  if (hooks.includes(hook)) return;
  route.onRequest = (where === 'first' ? [hook, ...hooks] : [...hooks, hook]) as RouteOptions['onRequest'];
}

/** Takes the onRequest hook off `route`, if it has it. */
export function removeOnRequestHook(route: RouteOptions, hook: OnRequestHook): void {
  const hooks = onRequestHooks(route);
  if (hooks.includes(hook)) route.onRequest = hooks.filter((each) => each !== hook) as RouteOptions['onRequest'];
}
