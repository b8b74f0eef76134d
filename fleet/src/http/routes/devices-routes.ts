import { GatecastError, agentConfigSchema, type DesiredDocument } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../../auth/authorize.js';
import type { DeviceRecord } from '../../devices/devices-repo.js';
import { inScope, scopeOf, type Permission } from '../../users/permissions.js';
import {
  createDeviceBodySchema,
  deviceDetailSchema,
  deviceParamsSchema,
  deviceViewSchema,
  enrolledDeviceSchema,
  errorResponses,
  listDevicesQuerySchema,
} from '../api-schemas.js';
import { toDeviceView } from '../device-view.js';
import { enrolDevice } from '../enrol-device.js';
import type { HttpDeps } from '../http-deps.js';
import { alreadyValidatedSerializer } from '../validated-serializer.js';

/** Screens: enrol (the secret is shown once), inspect, remove. */
export const devicesRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const view = (device: DeviceRecord, desired: DesiredDocument | undefined) =>
    toDeviceView(device, { connected: deps.broker.isConnected(device.id), desired });
  const viewOne = async (device: DeviceRecord) => view(device, await deps.desired.latest(device.id));

  /** The device, if the caller holds the permission at its gate; refusals are audited with that gate. */
  const mustGet = async (
    request: FastifyRequest,
    deviceId: string,
    permission: Permission,
  ): Promise<DeviceRecord> => {
    const device = await deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
    noteAudit(request, { gateId: device.gateId });
    authorize(request, permission, device.gateId);
    return device;
  };

  app.get(
    '/api/v1/devices',
    {
      schema: {
        summary: 'List the devices the caller may read, optionally of one gate and zone',
        tags: ['devices'],
        querystring: listDevicesQuerySchema,
        response: { 200: z.object({ devices: z.array(deviceViewSchema) }), ...errorResponses },
      },
      serializerCompiler: alreadyValidatedSerializer,
      config: { audit: { action: 'device.list', objectType: 'device' } },
    },
    async (request) => {
      const { gate, zone } = request.query;
      if (gate !== undefined) authorize(request, 'devices.read', gate);
      const scope = scopeOf(principalOf(request), 'devices.read');
      const listed = await deps.devices.list({ gateId: gate, zoneId: zone });
      const devices = listed.filter((device) => inScope(scope, device.gateId));
      const desired = await deps.desired.latestMany(devices.map((device) => device.id));
      return { devices: devices.map((device) => view(device, desired.get(device.id))) };
    },
  );

  app.post(
    '/api/v1/devices',
    {
      schema: {
        summary: 'Enrol a device; the answer holds its agent config with the secret, shown only this once',
        tags: ['devices'],
        body: createDeviceBodySchema,
        response: { 201: enrolledDeviceSchema, ...errorResponses },
      },
      config: { audit: { action: 'device.create', objectType: 'device' } },
    },
    async (request, reply) => {
      noteAudit(request, { gateId: request.body.gateId, objectId: request.body.id ?? null });
      authorize(request, 'devices.enrol', request.body.gateId);
      const { device, agentConfig } = await enrolDevice(deps, request.body);
      const { name, gateId, zoneId, tags } = device;
      noteAudit(request, { objectId: device.id, after: { name, gateId, zoneId, tags } });
      request.log.info(
        { deviceId: device.id, gateId: device.gateId, zoneId: device.zoneId },
        'device enrolled',
      );
      return reply.code(201).send({ device: await viewOne(device), agentConfig });
    },
  );

  app.get(
    '/api/v1/devices/:deviceId',
    {
      schema: {
        summary: 'One device with its desired document and reported state',
        tags: ['devices'],
        params: deviceParamsSchema,
        response: { 200: z.object({ device: deviceDetailSchema }), ...errorResponses },
      },
      config: { audit: { action: 'device.read', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const device = await mustGet(request, request.params.deviceId, 'devices.read');
      const desired = await deps.desired.latest(device.id);
      return { device: { ...view(device, desired), desired: desired ?? null } };
    },
  );

  app.post(
    '/api/v1/devices/:deviceId/secret',
    {
      schema: {
        summary: 'Give a device a new secret, shown only this once; the old one stops working at once',
        tags: ['devices'],
        params: deviceParamsSchema,
        response: { 200: enrolledDeviceSchema, ...errorResponses },
      },
      config: { audit: { action: 'device.rotate-secret', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const device = await mustGet(request, request.params.deviceId, 'devices.enrol');
      if (!deps.commissioning)
        throw new GatecastError('UNAVAILABLE', 'this fleet manager cannot rotate secrets');
      // Credential first, then the session: the screen reconnecting with the old secret is refused.
      const secret = await deps.commissioning.rotateSecret(device.id);
      const kicked = deps.broker.kick(device.id);
      request.log.info({ deviceId: device.id, kicked }, 'device secret rotated');
      const agentConfig = agentConfigSchema.parse({
        deviceId: device.id,
        secret,
        mqtt: { url: deps.publicMqttUrl },
        ...(deps.publicHttpUrl ? { fleetUrl: deps.publicHttpUrl() } : {}),
      });
      return { device: await viewOne(device), agentConfig };
    },
  );

  app.delete(
    '/api/v1/devices/:deviceId',
    {
      schema: {
        summary: 'Remove a device: its secret stops working and its session is closed at once',
        tags: ['devices'],
        params: deviceParamsSchema,
        response: { 204: z.null().describe('Removed'), ...errorResponses },
      },
      config: { audit: { action: 'device.remove', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request, reply) => {
      const { deviceId } = request.params;
      const { name, gateId, zoneId } = await mustGet(request, deviceId, 'devices.remove');
      noteAudit(request, { before: { name, gateId, zoneId } });
      // Credential first, then the session: a reconnect racing the kick already finds no secret.
      if (!(await deps.devices.remove(deviceId)))
        throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      const kicked = deps.broker.kick(deviceId);
      await deps.desired.forget(deviceId);
      await deps.screenshots?.forget(deviceId);
      request.log.info({ deviceId, kicked }, 'device removed');
      return reply.code(204).send(null);
    },
  );
};
