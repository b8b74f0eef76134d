import { describe, expect, it } from 'vitest';
import { composeDesired } from '../../../src/desired/compose-desired.js';
import type { DeviceRecord } from '../../../src/devices/devices-repo.js';
import type { Gate } from '../../../src/gates/gates-repo.js';
import type { StoredRelease } from '../../../src/releases/releases-repo.js';
import { agentExtras, type ReleaseAssignments } from '../../../src/rollouts/release-assignments.js';

const device = {
  id: 'cat-bi-01',
  name: 'Arrivals 1',
  gateId: 'cat-bi',
  zoneId: 'arrivals',
  tags: [],
} as unknown as DeviceRecord;
const gate: Gate = {
  id: 'cat-bi',
  name: 'Cát Bi',
  timeZone: 'Asia/Ho_Chi_Minh',
  languages: ['vi'],
  createdAt: '',
  zones: [],
};
const manifest = {
  format: 1 as const,
  version: '1.4.0',
  artifact: 'gatecast-agent-1.4.0.tgz',
  sha256: 'a'.repeat(64),
  size: 1000,
  minPreviousVersion: null,
  rollback: false,
  createdAt: '2026-11-26T03:00:00.000Z',
  expiresAt: '2027-11-26T03:00:00.000Z',
  notes: '',
};
const signature = { keyId: '0123456789abcdef', signature: `${'A'.repeat(86)}==` };
const release = (published: boolean) =>
  ({ version: '1.4.0', manifest, signature, published }) as StoredRelease;
const assigned = (version: string | null) =>
  ({ get: async () => (version ? { version, rolloutId: 'ro-1' } : null) }) as unknown as ReleaseAssignments;

describe('agentExtras', () => {
  it('names the assigned release, signed as stored, and where the screen fetches it', async () => {
    const extras = await agentExtras({
      assignments: assigned('1.4.0'),
      releases: { get: async () => release(true) },
      mediaBaseUrl: () => 'https://fleet.example/',
    })(device);
    expect(extras.agent).toEqual({
      release: { manifest, signature },
      artifactUrl: 'https://fleet.example/api/v1/device/releases/1.4.0/artifact',
    });
    const document = composeDesired({
      device,
      gate,
      version: 3,
      issuedAt: '2026-11-26T03:00:00.000Z',
      extras,
    });
    expect(document.agent).toEqual(extras.agent);
  });

  it('adds nothing without an assignment, a published release, or the fleet address', async () => {
    const base = {
      releases: { get: async () => release(true) },
      mediaBaseUrl: () => 'https://fleet.example',
    };
    expect(await agentExtras({ ...base, assignments: assigned(null) })(device)).toEqual({});
    expect(
      await agentExtras({
        ...base,
        assignments: assigned('1.4.0'),
        releases: { get: async () => release(false) },
      })(device),
    ).toEqual({});
    expect(
      await agentExtras({ ...base, assignments: assigned('1.4.0'), mediaBaseUrl: () => undefined })(device),
    ).toEqual({});
    const document = composeDesired({
      device,
      gate,
      version: 3,
      issuedAt: '2026-11-26T03:00:00.000Z',
      extras: {},
    });
    expect('agent' in document).toBe(false);
  });
});
