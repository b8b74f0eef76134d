import { createReadStream } from 'node:fs';
import { GatecastError, sha256Schema, slugSchema, type InfoBundle } from '@gatecast/protocol';
import type { FastifyReply } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { InfoBundleSource } from '../info/info-bundle-source.js';
import type { MediaFiles } from '../media/media-library.js';
import { renderTravellerPage, type TravellerLinks, type TravellerView } from './render-traveller.js';
import { TRAVELLER_CSP } from './traveller-style.js';
import { bundleImages, chooseLanguage } from './traveller-view.js';

export interface TravellerRoutesOptions {
  bundles: InfoBundleSource;
  gates: Pick<GatesRepo, 'get'>;
  media: MediaFiles;
}

export const TRAVELLER_PREFIX = '/t';

/** What `/t/:gateId/bundle.json` answers: the gate as travellers see it and its published tree. */
export interface TravellerSite {
  gate: { id: string; name: string; languages: string[] };
  bundle: InfoBundle | null;
}

/**
 * The same headers on every traveller answer: nothing to run, nothing to frame, no referrer
 * leaking the page a traveller read to a site a link leads to. No cookie is ever set here.
 */
const HEADERS = {
  'content-security-policy': TRAVELLER_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-resource-policy': 'same-origin',
};

/** A published tree changes rarely; five minutes keeps a crowd's phones off the fleet. */
const PAGE_CACHE = 'public, max-age=300';

const pageQuery = z.object({
  // Anything unknown falls back to the gate's first language rather than an error page.
  lang: z.string().max(35).optional(),
  q: z.string().max(80).optional(),
});

export function serverLinks(gateId: string): TravellerLinks {
  const base = `${TRAVELLER_PREFIX}/${encodeURIComponent(gateId)}`;
  return {
    page: (nodeId, language) =>
      `${nodeId === null ? base : `${base}/${encodeURIComponent(nodeId)}`}?lang=${encodeURIComponent(language)}`,
    image: (sha256) => `${base}/media/${sha256}`,
    searchAction: base,
  };
}

/**
 * The traveller web page: public (GETs outside /api/ need no sign-in, see auth-hook.ts), server
 * rendered, the gate's published information tree only. Hidden from the API description: pages
 * for people, not an API.
 */
export const travellerRoutes: FastifyPluginAsyncZod<TravellerRoutesOptions> = async (app, options) => {
  const hide = { hide: true };

  const answer = async (
    reply: FastifyReply,
    gateId: string,
    lang: string | undefined,
    view: TravellerView,
  ) => {
    const gate = await options.gates.get(gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
    const bundle = await options.bundles.bundle(gateId);
    const languages = bundle?.languages ?? gate.languages;
    const language = chooseLanguage({ languages: languages.length > 0 ? languages : ['vi'] }, lang);
    const html = renderTravellerPage({
      bundle,
      gateName: gate.name,
      language,
      languages,
      view,
      links: serverLinks(gateId),
    });
    return reply
      .code(view.kind === 'not-found' ? 404 : 200)
      .headers({ ...HEADERS, 'cache-control': PAGE_CACHE, 'content-language': language })
      .type('text/html; charset=utf-8')
      .send(html);
  };

  app.get(
    `${TRAVELLER_PREFIX}/:gateId`,
    { schema: { ...hide, params: z.object({ gateId: slugSchema }), querystring: pageQuery } },
    async (request, reply) => {
      const { lang, q } = request.query;
      const query = q?.trim() ?? '';
      return answer(reply, request.params.gateId, lang, query ? { kind: 'search', query } : { kind: 'home' });
    },
  );

  // The published tree as data, for the static export and the city portal: nothing more than the pages show.
  app.get(
    `${TRAVELLER_PREFIX}/:gateId/bundle.json`,
    { schema: { ...hide, params: z.object({ gateId: slugSchema }) } },
    async (request, reply) => {
      const { gateId } = request.params;
      const gate = await options.gates.get(gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `no gate ${gateId}`);
      const site: TravellerSite = {
        gate: { id: gate.id, name: gate.name, languages: gate.languages },
        bundle: (await options.bundles.bundle(gateId)) ?? null,
      };
      return reply
        .headers({ ...HEADERS, 'cache-control': PAGE_CACHE })
        .type('application/json; charset=utf-8')
        .send(site);
    },
  );

  app.get(
    `${TRAVELLER_PREFIX}/:gateId/:nodeId`,
    {
      schema: {
        ...hide,
        params: z.object({ gateId: slugSchema, nodeId: z.string().min(1).max(128) }),
        querystring: pageQuery,
      },
    },
    async (request, reply) => {
      const { gateId, nodeId } = request.params;
      const node = (await options.bundles.bundle(gateId))?.nodes.find((entry) => entry.id === nodeId);
      return answer(reply, gateId, request.query.lang, node ? { kind: 'node', node } : { kind: 'not-found' });
    },
  );

  app.get(
    `${TRAVELLER_PREFIX}/:gateId/media/:sha256`,
    { schema: { ...hide, params: z.object({ gateId: slugSchema, sha256: sha256Schema }) } },
    async (request, reply) => {
      const { gateId, sha256 } = request.params;
      // Only the pictures the gate's published tree shows: the library itself stays private.
      const bundle = await options.bundles.bundle(gateId);
      const file = bundle && bundleImages(bundle).has(sha256) ? await options.media.get(sha256) : undefined;
      if (!file) throw new GatecastError('NOT_FOUND', 'no published picture with this sha256');
      const etag = `"${file.sha256}"`;
      reply.headers({ ...HEADERS, etag, 'cache-control': 'public, max-age=31536000, immutable' });
      if (request.headers['if-none-match'] === etag) return reply.code(304).send();
      return reply
        .type(file.contentType)
        .header('content-length', String(file.sizeBytes))
        .send(createReadStream(file.path));
    },
  );
};
