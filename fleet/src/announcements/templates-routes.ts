import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { noteAudit } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import type { Announcements } from './announcements.js';
import {
  templateBodySchema,
  templateParamsSchema,
  templatePatchSchema,
  templateSchema,
  templateStepBodySchema,
  templateStepParamsSchema,
} from './announcements-schemas.js';
import { requireAnyOf, requireSomewhere } from './route-guards.js';

const tags = ['announcements'];

/** Announcement templates: written, approved by another person, published; only then fired. */
export const templatesRoutes: FastifyPluginAsyncZod<{ domain: () => Announcements }> = async (
  app,
  { domain },
) => {
  app.get(
    '/api/v1/announcement-templates',
    {
      schema: {
        summary: 'Announcement templates you may read or write',
        tags,
        response: { 200: z.object({ templates: z.array(templateSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const principal = requireAnyOf(request, ['announcements.read', 'announcements.templates']);
      return { templates: await domain().templates.list(principal) };
    },
  );

  app.get(
    '/api/v1/announcement-templates/:templateId',
    {
      schema: {
        summary: 'One announcement template (by id or name)',
        tags,
        params: templateParamsSchema,
        response: { 200: templateSchema, ...errorResponses },
      },
    },
    async (request) => {
      const principal = requireAnyOf(request, ['announcements.read', 'announcements.templates']);
      return await domain().templates.get(principal, request.params.templateId);
    },
  );

  app.post(
    '/api/v1/announcement-templates',
    {
      schema: {
        summary: 'Write a template (a draft: it needs submit, another person’s approval, then publish)',
        tags,
        body: templateBodySchema,
        response: { 201: templateSchema, ...errorResponses },
      },
      config: { audit: { action: 'template.create', objectType: 'announcement-template' } },
    },
    async (request, reply) => {
      const principal = requireSomewhere(request, 'announcements.templates');
      noteAudit(request, { gateId: request.body.gateId });
      const created = await domain().templates.create(principal, request.body);
      noteAudit(request, { objectId: created.id, after: created });
      return reply.code(201).send(created);
    },
  );

  app.patch(
    '/api/v1/announcement-templates/:templateId',
    {
      schema: {
        summary: 'Change a template; it becomes a new draft revision and needs approval again',
        tags,
        params: templateParamsSchema,
        body: templatePatchSchema,
        response: { 200: templateSchema, ...errorResponses },
      },
      config: { audit: { action: 'template.edit', objectType: 'announcement-template' } },
    },
    async (request) => {
      const principal = requireSomewhere(request, 'announcements.templates');
      const before = await domain().templates.get(principal, request.params.templateId);
      noteAudit(request, { objectId: before.id, gateId: before.gateId, before });
      const after = await domain().templates.edit(principal, before.id, request.body);
      noteAudit(request, { after });
      return after;
    },
  );

  app.post(
    '/api/v1/announcement-templates/:templateId/:step',
    {
      schema: {
        summary:
          'A workflow step: submit, approve, reject (another person, with a comment), publish, unpublish',
        tags,
        params: templateStepParamsSchema,
        body: templateStepBodySchema,
        response: { 200: templateSchema, ...errorResponses },
      },
      config: { audit: { action: 'template.step', objectType: 'announcement-template' } },
    },
    async (request) => {
      const { step, templateId } = request.params;
      const principal = requireAnyOf(request, [
        'announcements.templates',
        'content.approve',
        'content.publish',
      ]);
      const before = await domain().templates.get(principal, templateId);
      noteAudit(request, {
        action: `template.${step}`,
        objectId: before.id,
        gateId: before.gateId,
        before: { state: before.state },
      });
      const after = await domain().templates.step(principal, before.id, step, request.body?.comment);
      noteAudit(request, {
        after: { state: after.state, revision: after.revision, comment: after.reviewComment },
      });
      return after;
    },
  );
};
