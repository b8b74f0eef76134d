import { GatecastError, agentConfigSchema, type AgentConfig } from '@gatecast/protocol';
import { generateDeviceSecret, hashSecret } from '../devices/device-secrets.js';
import type { DeviceRecord } from '../devices/devices-repo.js';
import { deriveDeviceId, randomSuffix } from './derive-device-id.js';
import type { HttpDeps } from './http-deps.js';

export interface EnrolInput {
  name: string;
  gateId: string;
  zoneId: string;
  id?: string | undefined;
  tags?: string[] | undefined;
}

/** A derived id can collide with an existing one; a few fresh suffixes make that vanishingly rare. */
const DERIVED_ID_ATTEMPTS = 3;

type EnrolDeps = Pick<HttpDeps, 'devices' | 'desired' | 'publicMqttUrl' | 'publicHttpUrl'>;

/**
 * Creates the device and its credential, publishes its first desired document, and returns the
 * agent config holding the secret. Only a hash is stored, so this is the one moment the secret
 * exists in plain; if anything after the insert fails, the device is removed again rather than
 * left behind with a secret nobody has.
 */
export async function enrolDevice(
  deps: EnrolDeps,
  input: EnrolInput,
  suffix: () => string = () => randomSuffix(),
): Promise<{ device: DeviceRecord; agentConfig: AgentConfig }> {
  const secret = generateDeviceSecret();
  const device = await createWithFreeId(deps, input, secret, suffix);
  try {
    const agentConfig = agentConfigSchema.parse({
      deviceId: device.id,
      secret,
      mqtt: { url: deps.publicMqttUrl },
      ...(deps.publicHttpUrl ? { fleetUrl: deps.publicHttpUrl() } : {}),
    });
    await deps.desired.refresh(device.id);
    return { device, agentConfig };
  } catch (error) {
    await deps.devices.remove(device.id);
    throw error;
  }
}

async function createWithFreeId(
  deps: EnrolDeps,
  input: EnrolInput,
  secret: string,
  suffix: () => string,
): Promise<DeviceRecord> {
  const fields = { name: input.name, gateId: input.gateId, zoneId: input.zoneId, tags: input.tags ?? [] };
  if (input.id !== undefined) return deps.devices.create({ ...fields, id: input.id }, hashSecret(secret));
  for (let attempt = 1; ; attempt++) {
    const id = deriveDeviceId(input.gateId, input.zoneId, suffix());
    try {
      return await deps.devices.create({ ...fields, id }, hashSecret(secret));
    } catch (error) {
      const collided = error instanceof GatecastError && error.code === 'CONFLICT';
      if (!collided || attempt >= DERIVED_ID_ATTEMPTS) throw error;
    }
  }
}
