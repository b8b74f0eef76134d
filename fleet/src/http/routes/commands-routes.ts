import { GatecastError } from '@gatecast/protocol';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { commandBodySchema, commandReplySchema, deviceParamsSchema, errorResponses } from '../api-schemas.js';
import { authorize, noteAudit } from '../../auth/authorize.js';
import type { HttpDeps } from '../http-deps.js';

/** One-off actions on a connected screen; the reply waits for the device's answer over MQTT. */
export const commandsRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  app.post(
    '/api/v1/devices/:deviceId/commands',
    {
      schema: {
        summary: "Send a command and wait for the device's result (409 DEVICE_OFFLINE, 504 COMMAND_TIMEOUT)",
        tags: ['devices'],
        params: deviceParamsSchema,
        body: commandBodySchema,
        response: { 200: commandReplySchema, ...errorResponses },
      },
      config: { audit: { action: 'device.command', objectType: 'device', objectParam: 'deviceId' } },
    },
    async (request) => {
      const { deviceId } = request.params;
      const device = await deps.devices.get(deviceId);
      if (!device) throw new GatecastError('NOT_FOUND', `no device ${deviceId}`);
      const { name, args, timeoutMs } = request.body;
      noteAudit(request, { gateId: device.gateId, after: { command: name } });
      authorize(request, 'devices.command', device.gateId);
      const result = await deps.commands.send(deviceId, name, args ?? {}, timeoutMs ?? deps.commandTimeoutMs);
      noteAudit(request, { after: { command: name, ok: result.ok } });
      request.log.info({ deviceId, command: name, ok: result.ok }, 'command answered');
      return { result };
    },
  );
};
