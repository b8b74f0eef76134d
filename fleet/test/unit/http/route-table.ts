import type { FastifyInstance } from 'fastify';

export interface RouteEntry {
  method: string;
  url: string;
}

/**
 * Records every route the app registers. Call right after buildHttpApp and before ready():
 * routes live in plugins that load at ready(), so they all pass through this hook, including
 * routes added in the future.
 */
export function recordRoutes(app: FastifyInstance): RouteEntry[] {
  const routes: RouteEntry[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    for (const method of methods) routes.push({ method, url: route.url });
  });
  return routes;
}

/** A concrete URL for a route pattern: every `:param` becomes a valid id. */
export function concreteUrl(url: string): string {
  return url.replace(/:[A-Za-z]+/g, 'cat-bi');
}
