import type { DesiredDocument, InfoBundle } from '@gatecast/protocol';
import type { FastifyInstance } from 'fastify';
import { CountersService } from '../../../src/counters/counters-service.js';
import { DesiredService } from '../../../src/desired/desired-service.js';
import { buildHttpApp } from '../../../src/http/build-http-app.js';
import type { Grant } from '../../../src/users/permissions.js';
import { enrol, seedGates } from '../store/fixtures.js';
import { apiDeps, openApiCore, type ApiCore } from '../support/api-app.js';

/** Two counter screens at Cat Bi, one signage screen there, one counter at the port. */
export const SCREENS = {
  counter1: 'cat-bi-counter-01',
  counter2: 'cat-bi-counter-02',
  signage: 'cat-bi-arr-01',
  port: 'port-counter-01',
} as const;

/** A published tree of Cat Bi as the information domain would hand it out (the InfoBundleSource contract). */
export const CAT_BI_BUNDLE: InfoBundle = {
  gateId: 'cat-bi-airport',
  version: 3,
  generatedAt: '2026-11-26T01:00:00.000Z',
  languages: ['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru'],
  nodes: [
    {
      id: 'entry',
      parentId: null,
      kind: 'category',
      order: 1,
      title: { vi: 'Nhập cảnh', en: 'Entry' },
      blocks: [],
      missing: [],
      sample: true,
    },
    {
      id: 'visa',
      parentId: 'entry',
      kind: 'page',
      order: 1,
      title: { vi: 'Thủ tục thị thực', en: 'Visa procedures', km: 'នីតិវិធីទិដ្ឋាការ' },
      summary: { vi: 'Ai cần thị thực', en: 'Who needs a visa' },
      blocks: [{ type: 'text', text: { vi: 'Mẫu.', en: 'Sample.' } }],
      missing: ['lo'],
      sample: true,
    },
  ],
};

export interface Answer {
  status: number;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  body: any;
}

/** The HTTP API over a real store, the real desired and counters services, and a clock the test moves. */
export interface CountersApp {
  core: ApiCore;
  app: FastifyInstance;
  counters: CountersService;
  desired: DesiredService;
  clock: { now: Date };
  /** Bundles per gate; a test removes or changes them to unpublish. */
  bundles: Map<string, InfoBundle>;
  /** Desired documents published, per device, in order. */
  published: Map<string, DesiredDocument[]>;
  addUser(username: string, grants: Grant[]): Promise<string>;
  /** A tablet call (no account) from a client address. */
  tablet(path: string, body: unknown, ip?: string): Promise<Answer>;
  call(token: string, method: string, url: string, body?: unknown): Promise<Answer>;
  /** The screen's current desired document. */
  document(deviceId: string): Promise<DesiredDocument>;
  /** Pairs a tablet with a screen by the code in its desired document. */
  pairWith(deviceId: string, ip?: string): Promise<string>;
  close(): Promise<void>;
}

export async function startCountersApp(): Promise<CountersApp> {
  const published = new Map<string, DesiredDocument[]>();
  const core = openApiCore({
    onPublish: (deviceId, _kind, payload) => {
      published.set(deviceId, [...(published.get(deviceId) ?? []), payload as DesiredDocument]);
    },
  });
  const { gates, devices, log } = core;
  const clock = { now: new Date('2026-11-26T02:00:00.000Z') };
  const now = () => new Date(clock.now.getTime());
  const bundles = new Map<string, InfoBundle>([['cat-bi-airport', CAT_BI_BUNDLE]]);
  // Wired as fleet-domains.ts does: the counters' provider goes into the desired service's extras.
  const counters: CountersService = new CountersService({
    sql: core.store.sql,
    devices,
    gates,
    info: { bundle: async (gateId) => bundles.get(gateId) },
    refresh: (ids): Promise<void> => desired.refreshMany(ids),
    log,
    now,
  });
  const desired = new DesiredService({
    ...core.desiredDeps,
    now,
    extras: [(device, gate, at) => counters.extrasFor(device, gate, at)],
  });
  const app = buildHttpApp(apiDeps(core, desired, { now, counters }));
  await app.ready();
  await seedGates(gates);
  await enrol(devices, SCREENS.counter1, { name: 'Counter 1' });
  await enrol(devices, SCREENS.counter2, { name: 'Counter 2' });
  await enrol(devices, SCREENS.signage);
  await enrol(devices, SCREENS.port, { gateId: 'hai-phong-port', zoneId: 'terminal', name: 'Port counter' });
  for (const id of [SCREENS.counter1, SCREENS.counter2, SCREENS.port])
    await devices.setProfile(id, 'counter');
  await desired.refreshAll();
  const answer = (response: { statusCode: number; body: string }): Answer => ({
    status: response.statusCode,
    body: response.body ? JSON.parse(response.body) : null,
  });
  const self: CountersApp = {
    core,
    app,
    counters,
    desired,
    clock,
    bundles,
    published,
    addUser: async (username, grants) => (await core.addUser(username, grants)).token,
    async tablet(path, body, ip = '10.0.0.7') {
      return answer(
        await app.inject({
          method: 'POST',
          url: `/api/v1/counter/${path}`,
          payload: body as object,
          remoteAddress: ip,
        }),
      );
    },
    async call(token, method, url, body) {
      return answer(
        await app.inject({
          method: method as 'GET',
          url,
          headers: { authorization: `Bearer ${token}` },
          ...(body === undefined ? {} : { payload: body as object }),
        }),
      );
    },
    document: async (deviceId) => (await desired.latest(deviceId)) as DesiredDocument,
    async pairWith(deviceId, ip) {
      const code = (await self.document(deviceId)).display.pairingCode;
      const { status, body } = await self.tablet('pair', { code }, ip);
      if (status !== 200) throw new Error(`pairing failed: ${JSON.stringify(body)}`);
      return body.token as string;
    },
    close: () => core.close(app),
  };
  return self;
}
