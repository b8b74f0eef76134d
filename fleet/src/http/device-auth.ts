import { deviceIdSchema } from '@gatecast/protocol';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { verifySecret } from '../devices/device-secrets.js';
import type { DevicesRepo } from '../devices/devices-repo.js';
import { errorBody } from './error-reply.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The screen calling a route under DEVICE_ROUTE_PREFIX, proven by its own id and secret. */
    deviceId: string | null;
  }
}

/**
 * The namespace for screens. Its routes accept ONLY a device's Basic credentials (the pair it uses
 * for MQTT): no user token or session opens them, and device credentials open nothing else.
 */
export const DEVICE_ROUTE_PREFIX = '/api/v1/device/';

export type DeviceCredentials = Pick<DevicesRepo, 'credential'>;

/** Secrets are 43 characters; a longer header is junk and is refused before any hashing. */
const MAX_HEADER_LENGTH = 512;

/** By the matched route pattern, so no encoding of the URL moves a request in or out. */
export function isDeviceRoute(routeUrl: string | undefined): boolean {
  return routeUrl !== undefined && routeUrl.startsWith(DEVICE_ROUTE_PREFIX);
}

/** `Authorization: Basic base64(deviceId:secret)`, or undefined for anything else. */
export function basicCredentials(
  header: string | undefined,
): { deviceId: string; secret: string } | undefined {
  if (header === undefined || header.length > MAX_HEADER_LENGTH) return undefined;
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header);
  if (!match?.[1]) return undefined;
  const pair = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = pair.indexOf(':');
  if (colon <= 0) return undefined;
  return { deviceId: pair.slice(0, colon), secret: pair.slice(colon + 1) };
}

/** The device id the credentials prove, or null. Unknown ids and wrong secrets look the same. */
export async function authenticateDevice(
  header: string | undefined,
  devices: DeviceCredentials | undefined,
): Promise<string | null> {
  const given = basicCredentials(header);
  if (!given || !devices || !deviceIdSchema.safeParse(given.deviceId).success) return null;
  const stored = await devices.credential(given.deviceId);
  return stored !== undefined && verifySecret(given.secret, stored) ? given.deviceId : null;
}

/** The auth hook's branch for the device namespace: a proven device, or 401. */
export async function admitDevice(
  request: FastifyRequest,
  reply: FastifyReply,
  devices: DeviceCredentials | undefined,
): Promise<FastifyReply | undefined> {
  const header = request.headers.authorization;
  request.presentedCredentials = header !== undefined;
  const deviceId = await authenticateDevice(header, devices);
  if (deviceId !== null) {
    request.deviceId = deviceId;
    request.log = request.log.child({ device: deviceId });
    return undefined;
  }
  request.log.info(
    { reason: header === undefined ? 'no credentials' : 'bad device credentials' },
    'unauthorized',
  );
  return reply
    .code(401)
    .header('www-authenticate', 'Basic realm="gatecast-device"')
    .send(errorBody('UNAUTHORIZED', 'send the device id and secret as HTTP Basic credentials'));
}
