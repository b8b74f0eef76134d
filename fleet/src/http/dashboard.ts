import { access } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { errorBody } from './error-reply.js';

/** Where `npm run build` puts the dashboard, from fleet/src/http or fleet/dist/http alike. */
export const DEFAULT_WEB_ROOT = resolve(import.meta.dirname, '../../web/dist');

/**
 * Scripts, styles, images and API calls come only from the fleet itself: no inline script, no
 * CDN, no framing. React sets styles through the CSSOM, which style-src 'self' allows.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self'",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

const NOT_BUILT = 'the dashboard is not built: run `npm run build` and restart the fleet manager';

/** Paths that belong to the API: never answered with the dashboard's page. */
export function isApiPath(path: string): boolean {
  const lower = path.toLowerCase();
  return ['/api', '/metrics', '/healthz'].some(
    (prefix) => lower === prefix || lower.startsWith(`${prefix}/`),
  );
}

/**
 * Serves the web dashboard from `webRoot` (fleet/web/dist): `/`, the hashed files under
 * `/assets/`, and index.html for any other GET outside the API, so a reload on /devices/x works.
 * Every answer of the app gets the security headers. Without a build, `/` says how to make one.
 */
export function registerDashboard(app: FastifyInstance, options: { webRoot: string }): void {
  const { webRoot } = options;
  app.addHook('onSend', async (_request, reply, payload) => {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) {
      if (!reply.hasHeader(name)) reply.header(name, value);
    }
    return payload;
  });

  app.register(async (dashboard) => {
    await dashboard.register(fastifyStatic, {
      root: join(webRoot, 'assets'),
      prefix: '/assets/',
      // The file names carry a content hash, so a file never changes under its name.
      immutable: true,
      maxAge: '365d',
      index: false,
      dotfiles: 'deny',
    });

    const sendIndex = async (request: FastifyRequest, reply: FastifyReply) => {
      const path = request.url.split('?')[0] ?? '/';
      if (isApiPath(path)) return reply.code(404).send(errorBody('NOT_FOUND', `no route GET ${path}`));
      if (!(await isBuilt(webRoot))) {
        return reply.code(503).type('text/plain; charset=utf-8').send(`gatecast: ${NOT_BUILT}\n`);
      }
      // The page itself is always fetched fresh, so a new build is picked up at the next load.
      return reply
        .header('cache-control', 'no-cache')
        .sendFile('index.html', webRoot, { cacheControl: false });
    };
    const hidden = { schema: { hide: true } };
    dashboard.get('/', hidden, sendIndex);
    dashboard.get('/*', hidden, sendIndex);
  });
}

async function isBuilt(webRoot: string): Promise<boolean> {
  try {
    await access(join(webRoot, 'index.html'));
    return true;
  } catch {
    return false;
  }
}
