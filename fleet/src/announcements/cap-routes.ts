import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { noteAudit } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import type { Announcements } from './announcements.js';
import { capResultSchema } from './announcements-schemas.js';
import { parseCapAlert } from './cap-alert.js';
import { intakeCap } from './cap-intake.js';
import { noteTargets, requireSomewhere } from './route-guards.js';

const tags = ['announcements'];

/** `POST /api/v1/cap`: CAP 1.2 alerts as XML, in their own plugin so only this route parses XML. */
export const capRoutes: FastifyPluginAsyncZod<{ domain: () => Announcements }> = async (app, { domain }) => {
  app.addContentTypeParser(
    ['application/cap+xml', 'application/xml', 'text/xml'],
    { parseAs: 'string' },
    (_request, body, done) => done(null, body),
  );
  app.post(
    '/api/v1/cap',
    {
      schema: {
        summary: 'Receive a CAP 1.2 alert (application/cap+xml): fire a template or await approval',
        description:
          'Each <info> is one language (headline → title, description → body). Areas: geocode ' +
          '"gatecast:gate" (or an areaDesc equal to a gate id) and "gatecast:zone" ("gate/zone"); none ' +
          'targets every gate the token may fire at. <expires> is the expiry. An <eventCode> ' +
          '"gatecast:template" naming a published autoFire template fires it at once; otherwise the ' +
          'alert waits for approval. msgType Cancel cancels what the referenced alerts became.',
        tags,
        consumes: ['application/cap+xml', 'application/xml'],
        response: { 200: capResultSchema, 201: capResultSchema, ...errorResponses },
      },
      config: { audit: { action: 'announcement.cap', objectType: 'announcement' } },
    },
    async (request, reply) => {
      const principal = requireSomewhere(request, 'announcements.fire');
      if (typeof request.body !== 'string') {
        throw new GatecastError('BAD_REQUEST', 'send the CAP alert as application/cap+xml');
      }
      const alert = parseCapAlert(request.body);
      noteAudit(request, {
        after: { capSender: alert.sender, capIdentifier: alert.identifier, msgType: alert.msgType },
      });
      const result = await intakeCap(alert, principal, {
        service: domain().service,
        templates: domain().templatesRepo,
        gateIds: domain().gateIds,
      });
      const first = result.announcements[0];
      if (first) {
        noteTargets(request, first.targets);
        noteAudit(request, {
          objectId: result.announcements.map((a) => a.id).join(','),
          after: { outcome: result.outcome, capSender: alert.sender, capIdentifier: alert.identifier },
        });
      }
      const created = result.outcome === 'fired' || result.outcome === 'awaiting-approval';
      return reply.code(created ? 201 : 200).send(result);
    },
  );
};
