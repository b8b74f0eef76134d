import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { DeviceRecord } from '../../devices/devices-repo.js';
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

/** Screens: enrol (the secret is shown once), inspect, remove. */
export const devicesRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const view = (device: DeviceRecord) =>
    toDeviceView(device, {
      connected: deps.broker.isConnected(device.id),
      desired: deps.desired.latest(device.id),
    });

  const mustGet = (deviceId: string): DeviceRecord => {
    const device = deps.devices.get(deviceId);
    if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
    return device;
  };

  app.get(
    '/api/v1/devices',
    {
      schema: {
        summary: 'List devices, optionally of one gate and zone',
        tags: ['devices'],
        querystring: listDevicesQuerySchema,
        response: { 200: z.object({ devices: z.array(deviceViewSchema) }), ...errorResponses },
      },
    },
    async (request) => {
      const { gate, zone } = request.query;
      return { devices: deps.devices.list({ gateId: gate, zoneId: zone }).map(view) };
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
    },
    async (request, reply) => {
      const { device, agentConfig } = await enrolDevice(deps, request.body);
      request.log.info(
        { deviceId: device.id, gateId: device.gateId, zoneId: device.zoneId },
        'device enrolled',
      );
      return reply.code(201).send({ device: view(device), agentConfig });
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
    },
    async (request) => {
      const device = mustGet(request.params.deviceId);
      return { device: { ...view(device), desired: deps.desired.latest(device.id) ?? null } };
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
    },
    async (request, reply) => {
      const { deviceId } = request.params;
      // Credential first, then the session: a reconnect racing the kick already finds no secret.
      if (!deps.devices.remove(deviceId)) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      const kicked = deps.broker.kick(deviceId);
      await deps.desired.forget(deviceId);
      request.log.info({ deviceId, kicked }, 'device removed');
      return reply.code(204).send(null);
    },
  );
};
