import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { ReleaseManifest, ReleasePublicKey, SignedManifest } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import { generateReleaseKey, signManifest } from '../../../src/releases/release-keys.js';
import { ReleasesService } from '../../../src/releases/releases-service.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore, type ApiCore } from '../support/api-app.js';

export const SCREEN = 'cat-bi-arrivals-01';

export interface ReleaseKey {
  privateKeyPem: string;
  publicKey: ReleasePublicKey;
}

/** The HTTP API over a real store and a real releases service, listening on 127.0.0.1:0. */
export interface ReleasesApp {
  core: ApiCore;
  app: FastifyInstance;
  base: string;
  dataDir: string;
  /** The key the fleet trusts. */
  trusted: ReleaseKey;
  admin: string;
  technician: string;
  /** `Basic …` for the enrolled screen. */
  screenAuth: string;
  /** Assigns a release to a screen, as a rollout would. */
  assign(deviceId: string, version: string): void;
  call(token: string | null, method: string, url: string, init?: RequestInit): Promise<Response>;
  close(): Promise<void>;
}

export async function startReleasesApp(): Promise<ReleasesApp> {
  const core = openApiCore();
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'gatecast-releases-'));
  const trusted = generateReleaseKey();
  const releases = new ReleasesService({
    sql: core.store.sql,
    dir: path.join(dataDir, 'releases'),
    trustedKeys: [trusted.publicKey],
    log: core.log,
  });
  const desired = new DesiredService(core.desiredDeps);
  // What a rollout would have assigned each screen: the device artifact route serves only that.
  const assigned = new Map<string, string>();
  const mayFetchRelease = async (deviceId: string, version: string) => assigned.get(deviceId) === version;
  const app = buildHttpApp(
    apiDeps(core, desired, { releases, deviceCredentials: core.devices, mayFetchRelease }),
  );
  await app.listen({ host: '127.0.0.1', port: 0 });
  await seedGates(core.gates);
  const secret = await enrol(core.devices, SCREEN);
  const admin = (await core.addUser('minh.admin', [{ role: 'admin', gateId: null }])).token;
  const technician = (await core.addUser('tuan.tech', [{ role: 'technician', gateId: null }])).token;
  const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  return {
    core,
    app,
    base,
    dataDir,
    trusted,
    admin,
    technician,
    screenAuth: `Basic ${Buffer.from(`${SCREEN}:${secret}`).toString('base64')}`,
    assign: (deviceId, version) => void assigned.set(deviceId, version),
    call: (token, method, url, init = {}) =>
      fetch(`${base}${url}`, {
        ...init,
        method,
        headers: { ...(token ? { authorization: `Bearer ${token}` } : {}), ...(init.headers ?? {}) },
      }),
    async close() {
      await core.close(app);
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export const sha256 = (bytes: Buffer): string => createHash('sha256').update(bytes).digest('hex');

/** An artifact of random bytes and its manifest signed with `key`. */
export function signedRelease(
  version: string,
  key: ReleaseKey,
  size = 300_000,
  overrides: Partial<ReleaseManifest> = {},
): { bytes: Buffer; signed: SignedManifest } {
  const bytes = randomBytes(size);
  const manifest: ReleaseManifest = {
    format: 1,
    version,
    artifact: `gatecast-agent-${version}.tgz`,
    sha256: sha256(bytes),
    size,
    minPreviousVersion: null,
    rollback: false,
    createdAt: '2026-11-26T03:00:00.000Z',
    expiresAt: '2027-11-26T03:00:00.000Z',
    notes: '',
    ...overrides,
  };
  return { bytes, signed: signManifest(manifest, key.privateKeyPem) };
}
