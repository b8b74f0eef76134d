import { reportedSchema, telemetrySchema } from '@gatecast/protocol';
import { serializerCompiler } from 'fastify-type-provider-zod';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { deviceViewSchema } from '../../../src/http/api-schemas.js';
import { toDeviceView } from '../../../src/http/device-view.js';
import { alreadyValidatedSerializer } from '../../../src/http/validated-serializer.js';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import { sampleReported, sampleTelemetry } from '../../integration/store/fixtures.js';

const T0 = '2026-11-26T08:00:00.000Z';
const listSchema = z.object({ devices: z.array(deviceViewSchema) });
const route = { schema: listSchema, method: 'GET', url: '/api/v1/devices', httpStatus: '200' };

/** A device as the repo hands it over: its JSON columns already parsed by the protocol's schemas. */
function stored(id: string, seen: boolean): DeviceRecord {
  return {
    id,
    name: `Screen ${id}`,
    gateId: 'hai-phong-port',
    zoneId: 'pier-2',
    tags: ['arrivals'],
    createdAt: T0,
    presence: seen
      ? { state: 'online', since: T0, lastSeenAt: T0 }
      : { state: 'never-seen', since: null, lastSeenAt: null },
    agentVersion: seen ? '0.4.0' : null,
    reported: seen ? reportedSchema.parse(sampleReported(T0, '0.4.0')) : null,
    reportedAt: seen ? T0 : null,
    lastTelemetry: seen ? telemetrySchema.parse(sampleTelemetry(T0, 42)) : null,
    lastTelemetryAt: seen ? T0 : null,
  } as DeviceRecord;
}

describe('alreadyValidatedSerializer', () => {
  it('writes the same JSON for the device list as the validating serializer', () => {
    const devices = [stored('pier-2-01', true), stored('pier-2-02', false)].map((device, index) =>
      toDeviceView(device, { connected: index === 0, desired: undefined }),
    );
    const validating = serializerCompiler(route as never) as (data: unknown) => string;
    const plain = alreadyValidatedSerializer(route as never) as (data: unknown) => string;
    const answer = { devices };
    expect(plain(answer)).toBe(validating(answer));
    expect(JSON.parse(plain(answer)).devices[0].lastTelemetry.cpu.loadPercent).toBe(42);
  });
});
