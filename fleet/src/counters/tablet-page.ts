import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import { SECURITY_HEADERS } from '../http/dashboard.js';

/** The tablet's files, from fleet/src/counters or fleet/dist/counters alike (no build step). */
export const TABLET_DIR = resolve(import.meta.dirname, '../../src/counters/tablet');

const FILES: ReadonlyArray<{ url: string; file: string; type: string }> = [
  { url: '/counter', file: 'index.html', type: 'text/html; charset=utf-8' },
  { url: '/counter/tablet.js', file: 'tablet.js', type: 'text/javascript; charset=utf-8' },
  { url: '/counter/tablet.css', file: 'tablet.css', type: 'text/css; charset=utf-8' },
];

/**
 * The staff tablet page at /counter: public GETs outside the API, no account. Read once at start;
 * the same strict headers as the dashboard (no inline script, no framing).
 */
export const tabletPage: FastifyPluginAsync = async (app) => {
  for (const { url, file, type } of FILES) {
    const body = await readFile(resolve(TABLET_DIR, file));
    app.get(url, { schema: { hide: true } }, async (_request, reply) => {
      reply.headers({ ...SECURITY_HEADERS, 'content-type': type, 'cache-control': 'no-cache' });
      return body;
    });
  }
};
