import { randomBytes } from 'node:crypto';
import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import { errorResponses } from '../http/api-schemas.js';
import { scopeOf } from '../users/permissions.js';
import {
  channelView,
  channelViewSchema,
  createChannelBodySchema,
  newChannel,
  patchChannelBodySchema,
  patchedChannel,
} from './channel-input.js';
import type { NotifyOutbox } from './notify-outbox.js';

const TAG = 'alert channels';

const channelParamsSchema = z.object({
  channelId: z.string().regex(/^[a-z0-9]{12}$/, 'is not a channel id'),
});
const channelAnswerSchema = z.object({ channel: channelViewSchema });
const createdAnswerSchema = z.object({
  channel: channelViewSchema,
  secret: z.string().optional().describe('the generated webhook signing secret, shown only this once'),
});
const attemptAnswerSchema = z.object({
  ok: z.boolean(),
  status: z.number().nullable(),
  error: z.string().nullable(),
});
const deliverySchema = z.object({
  id: z.string(),
  channelId: z.string(),
  channelName: z.string(),
  kind: z.string(),
  transitionId: z.string(),
  transitionKind: z.enum(['firing', 'escalated', 'resolved']),
  state: z.enum(['queued', 'delivered', 'failed']),
  attempts: z.number().int(),
  enqueuedAt: z.string(),
  lastAttemptAt: z.string().nullable(),
  nextAttemptAt: z.string().nullable(),
  deliveredAt: z.string().nullable(),
  lastStatus: z.number().nullable(),
  lastError: z.string().nullable(),
});

/**
 * Chat channels for alerts and their deliveries. A channel serves every gate it names and holds a
 * webhook URL, token or secret, so managing channels needs alerts.manage fleet-wide; the API shows
 * only the target's host.
 */
export const channelsRoutes: FastifyPluginAsyncZod<{ notify: NotifyOutbox | undefined }> = async (
  app,
  options,
) => {
  const need = (): NotifyOutbox => {
    if (!options.notify) throw new GatecastError('UNAVAILABLE', 'alert channels are not configured');
    return options.notify;
  };
  const viewOf = async (notify: NotifyOutbox, id: string) => {
    const channel = await notify.channels.get(id);
    if (!channel) throw new GatecastError('NOT_FOUND', `no alert channel ${id}`);
    return channelView(channel, (await notify.outbox.queuedCounts()).get(id) ?? 0);
  };

  app.get(
    '/api/v1/alert-channels',
    {
      config: { audit: { action: 'alert.channel-list', objectType: 'alert-channel' } },
      schema: {
        summary: 'Alert channels with their target host, scope and last delivery',
        tags: [TAG],
        response: { 200: z.object({ channels: z.array(channelViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      authorize(request, 'alerts.manage', null);
      const notify = need();
      const queued = await notify.outbox.queuedCounts();
      return {
        channels: (await notify.channels.list()).map((channel) =>
          channelView(channel, queued.get(channel.id) ?? 0),
        ),
      };
    },
  );

  app.post(
    '/api/v1/alert-channels',
    {
      config: { audit: { action: 'alert.channel-create', objectType: 'alert-channel' } },
      schema: {
        summary:
          'Add a channel: slack (also Mattermost, Rocket.Chat), teams, google-chat, telegram or webhook',
        tags: [TAG],
        body: createChannelBodySchema,
        response: { 201: createdAnswerSchema, ...errorResponses },
      },
    },
    async (request, reply) => {
      authorize(request, 'alerts.manage', null);
      const notify = need();
      if (await notify.channels.nameTaken(request.body.name)) {
        throw new GatecastError('CONFLICT', `there is already an alert channel named ${request.body.name}`);
      }
      const { channel, secret } = newChannel(request.body, randomBytes(6).toString('hex'), new Date());
      await notify.channels.create(channel);
      const view = await viewOf(notify, channel.id);
      noteAudit(request, { objectId: channel.id, after: view });
      reply.code(201);
      return secret === undefined ? { channel: view } : { channel: view, secret };
    },
  );

  app.patch(
    '/api/v1/alert-channels/:channelId',
    {
      config: {
        audit: { action: 'alert.channel-update', objectType: 'alert-channel', objectParam: 'channelId' },
      },
      schema: {
        summary: "Change a channel's settings or target (fields of its own kind only)",
        tags: [TAG],
        params: channelParamsSchema,
        body: patchChannelBodySchema,
        response: { 200: channelAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      authorize(request, 'alerts.manage', null);
      const notify = need();
      const before = await viewOf(notify, request.params.channelId);
      const channel = await notify.channels.get(request.params.channelId);
      if (!channel) throw new GatecastError('NOT_FOUND', `no alert channel ${request.params.channelId}`);
      const changed = patchedChannel(channel, request.body, new Date());
      if (await notify.channels.nameTaken(changed.name, channel.id)) {
        throw new GatecastError('CONFLICT', `there is already an alert channel named ${changed.name}`);
      }
      await notify.channels.update(changed);
      const after = await viewOf(notify, channel.id);
      noteAudit(request, { before, after });
      return { channel: after };
    },
  );

  app.delete(
    '/api/v1/alert-channels/:channelId',
    {
      config: {
        audit: { action: 'alert.channel-remove', objectType: 'alert-channel', objectParam: 'channelId' },
      },
      schema: {
        summary: 'Remove a channel; alerts still queued for it are dropped with it',
        tags: [TAG],
        params: channelParamsSchema,
        response: { 204: z.null(), ...errorResponses },
      },
    },
    async (request, reply) => {
      authorize(request, 'alerts.manage', null);
      const notify = need();
      const before = await viewOf(notify, request.params.channelId);
      await notify.channels.remove(request.params.channelId);
      noteAudit(request, { before });
      return reply.code(204).send(null);
    },
  );

  app.post(
    '/api/v1/alert-channels/:channelId/test',
    {
      config: {
        audit: { action: 'alert.channel-test', objectType: 'alert-channel', objectParam: 'channelId' },
      },
      schema: {
        summary: 'Send a test message to the channel now (not through the outbox)',
        tags: [TAG],
        params: channelParamsSchema,
        response: { 200: attemptAnswerSchema, ...errorResponses },
      },
    },
    async (request) => {
      authorize(request, 'alerts.manage', null);
      const { ok, status, error } = await need().sendTest(request.params.channelId);
      noteAudit(request, { outcome: ok ? 'ok' : 'failed', after: { ok, status } });
      return { ok, status, error };
    },
  );

  app.get(
    '/api/v1/alert-deliveries',
    {
      config: { audit: { action: 'alert.deliveries', objectType: 'alert' } },
      schema: {
        summary: "An alert's deliveries per channel: queued, delivered or failed, with the last error",
        tags: [TAG],
        querystring: z.strictObject({ alertId: z.string().min(1).max(128) }),
        response: { 200: z.object({ deliveries: z.array(deliverySchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const notify = need();
      const { alertId } = request.query;
      const gateId = await notify.outbox.gateOfAlert(alertId);
      if (gateId !== undefined) {
        noteAudit(request, { objectId: alertId, gateId });
        authorize(request, 'alerts.read', gateId);
      } else {
        // Nothing was sent for it (yet): say so only to someone who reads alerts somewhere.
        const scope = scopeOf(principalOf(request), 'alerts.read');
        if (scope !== 'all' && scope.length === 0) authorize(request, 'alerts.read', null);
      }
      return { deliveries: await notify.outbox.deliveriesOf(alertId) };
    },
  );
};
