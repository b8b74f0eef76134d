import { deviceTopic, desiredSchema, type DesiredDocument, type ReportedState } from '@gatecast/protocol';
import type { MqttClient } from 'mqtt';
import { expect } from 'vitest';
import { ApiTokens } from '../../../src/auth/api-tokens.js';
import { generateReleaseKey } from '../../../src/releases/release-keys.js';
import { openDatabase } from '../../../src/store/database.js';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { signedRelease } from '../releases/releases-app.js';
import { silentLogger, sqlOf } from '../store/temp-store.js';

/** A screen as the fleet sees it: a real MQTT client that reports like an agent and keeps its desired document. */
export interface FakeScreen {
  id: string;
  client(): MqttClient;
  /** Connects again (after a fleet restart), as an agent does. */
  reconnect(): Promise<void>;
  /** `Basic …` with the screen's own credentials. */
  auth: string;
  desired(): DesiredDocument | null;
  report(agentVersion: string, update?: ReportedState['update']): Promise<void>;
}

export interface RolloutsFleet {
  fleet: RealFleet;
  screens: Map<string, FakeScreen>;
  /** Publishes a signed release and uploads its artifact. */
  publish(version: string, overrides?: { rollback?: boolean }): Promise<void>;
  /** Enrols a screen at gate/zone that reports `agentVersion` and listens to its desired document. */
  screen(name: string, gateId: string, zoneId: string, agentVersion?: string): Promise<FakeScreen>;
  /** A user with these grants and an API token (written beside the running fleet, as the CLI would). */
  user(username: string, grants: Array<{ role: string; gateId: string | null }>): Promise<string>;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  rollout(id: string, token?: string): Promise<any>;
  /** Waits until the rollout satisfies `check`. */
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  until(id: string, check: (rollout: any) => boolean): Promise<any>;
  close(): Promise<void>;
}

export async function startRolloutsFleet(): Promise<RolloutsFleet> {
  const key = generateReleaseKey();
  const fleet = await startRealFleet({
    GATECAST_RELEASE_KEYS: `${key.publicKey.keyId}:${key.publicKey.publicKey}`,
    GATECAST_ROLLOUT_TICK_MS: '100',
  });
  const side = openDatabase(fleet.dataDir, silentLogger());
  const screens = new Map<string, FakeScreen>();
  const self: RolloutsFleet = {
    fleet,
    screens,
    async publish(version, overrides = {}) {
      const { signed, bytes } = signedRelease(version, key, 2000, overrides);
      expect((await fleet.api('POST', '/api/v1/releases', signed)).status).toBe(201);
      const uploaded = await fetch(
        `http://127.0.0.1:${fleet.running.httpPort}/api/v1/releases/${version}/artifact`,
        {
          method: 'PUT',
          headers: { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/octet-stream' },
          body: bytes,
        },
      );
      expect(uploaded.status).toBe(200);
    },
    async screen(name, gateId, zoneId, agentVersion = '1.0.0') {
      const enrolled = await fleet.api('POST', '/api/v1/devices', { name, gateId, zoneId });
      expect(enrolled.status).toBe(201);
      const { device, agentConfig } = enrolled.body;
      let latest: DesiredDocument | null = null;
      const topic = deviceTopic(device.id, 'desired');
      const connect = async () => {
        const connected = await fleet.device(agentConfig);
        connected.on('message', (received, payload) => {
          if (received === topic) latest = desiredSchema.parse(JSON.parse(payload.toString()));
        });
        await connected.subscribeAsync(topic, { qos: 1 });
        return connected;
      };
      let client = await connect();
      const screen: FakeScreen = {
        id: device.id,
        client: () => client,
        async reconnect() {
          client = await connect();
        },
        auth: `Basic ${Buffer.from(`${device.id}:${agentConfig.secret}`).toString('base64')}`,
        desired: () => latest,
        async report(version, update) {
          const reported: ReportedState = {
            at: new Date().toISOString(),
            agentVersion: version,
            appliedVersion: latest?.version ?? null,
            desiredSource: 'fleet',
            phase: 'playing',
            currentItemId: 'welcome',
            errors: [],
            ...(update ? { update } : {}),
          };
          await client.publishAsync(deviceTopic(device.id, 'reported'), JSON.stringify(reported), {
            qos: 1,
            retain: true,
          });
        },
      };
      await screen.report(agentVersion);
      await eventually(
        async () => (await fleet.api('GET', `/api/v1/devices/${device.id}`)).body.device,
        (shown) => shown.presence.state === 'online' && shown.agentVersion === agentVersion,
      );
      await eventually(
        async () => latest,
        (document) => document !== null,
      );
      screens.set(name, screen);
      return screen;
    },
    async user(username, grants) {
      const created = await fleet.api('POST', '/api/v1/users', {
        username,
        displayName: username,
        grants,
        password: 'correct horse battery staple',
      });
      expect(created.status).toBe(201);
      const owner = created.body.user?.id ?? created.body.id;
      return (await new ApiTokens(sqlOf(side)).create(`${username} cli`, owner)).token;
    },
    async rollout(id, token) {
      return (await fleet.api('GET', `/api/v1/rollouts/${id}`, undefined, token)).body;
    },
    async until(id, check) {
      const rollout = await eventually(() => self.rollout(id), check, 10_000);
      expect(check(rollout), JSON.stringify(rollout, null, 1)).toBe(true);
      return rollout;
    },
    async close() {
      side.close();
      await fleet.close();
    },
  };
  return self;
}

/** The version named by a screen's desired `agent`, or null. */
export const assignedVersion = (screen: FakeScreen): string | null =>
  screen.desired()?.agent?.release.manifest.version ?? null;

/** Polls until the screen's desired document names `version` (null: no agent part). */
export async function untilAssigned(screen: FakeScreen, version: string | null): Promise<void> {
  const seen = await eventually(
    async () => assignedVersion(screen),
    (assigned) => assigned === version,
    10_000,
  );
  expect(seen, `desired agent of ${screen.id}`).toBe(version);
}
