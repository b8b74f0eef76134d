import { createHash } from 'node:crypto';
import { deviceTopic, desiredSchema, type AgentConfig, type DesiredDocument } from '@gatecast/protocol';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextMessage, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';

interface ErrorReply {
  error: { code: string };
}

type MediaItem = Extract<DesiredDocument['content']['defaultLoop'][number], { kind: 'image' | 'video' }>;

/** A real fleet with GATECAST_DEMO_CONTENT=1, one enrolled screen, and its demo media over HTTP. */
describe('demo content and device media', () => {
  let fleet: RealFleet;
  let agent: AgentConfig;
  let other: AgentConfig;
  let desired: DesiredDocument;

  const basic = (config: AgentConfig) =>
    `Basic ${Buffer.from(`${config.deviceId}:${config.secret}`).toString('base64')}`;
  const media = () => desired.content.defaultLoop.filter((item): item is MediaItem => 'sha256' in item);
  const get = (url: string, headers: Record<string, string> = {}) =>
    fetch(url, { headers: { authorization: basic(agent), ...headers } });

  async function enrol(id: string): Promise<AgentConfig> {
    const answer = await fleet.api('POST', '/api/v1/devices', {
      id,
      name: `Screen ${id}`,
      gateId: 'hai-phong-port',
      zoneId: 'passenger-terminal',
    });
    expect(answer.status).toBe(201);
    return answer.body.agentConfig as AgentConfig;
  }

  beforeAll(async () => {
    fleet = await startRealFleet({ GATECAST_DEMO_CONTENT: '1' });
    expect(
      (await fleet.api('POST', '/api/v1/gates', { id: 'hai-phong-port', name: 'Port of Hai Phong' })).status,
    ).toBe(201);
    const zone = { id: 'passenger-terminal', name: 'Passenger terminal' };
    expect((await fleet.api('POST', '/api/v1/gates/hai-phong-port/zones', zone)).status).toBe(201);
    agent = await enrol('hai-phong-port-terminal-01');
    other = await enrol('hai-phong-port-terminal-02');
    const client = await fleet.device(agent);
    const topic = deviceTopic(agent.deviceId, 'desired');
    const retained = nextMessage(client, topic);
    await client.subscribeAsync(topic, { qos: 1 });
    desired = desiredSchema.parse(JSON.parse((await retained).toString('utf8')));
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('gives the screen the demo loop: pictures, a video and a ticker, each fetchable at its URL', async () => {
    expect(desired.content.layout.kind).toBe('main-ticker');
    expect(desired.content.schedule.map((entry) => entry.zone)).toEqual(['ticker']);
    expect(media().map((item) => item.kind)).toEqual(['image', 'image', 'image', 'video']);
    for (const item of media()) {
      expect(item.url.startsWith(`${agent.fleetUrl}/api/v1/device/media/`)).toBe(true);
      const response = await get(item.url);
      expect(response.status).toBe(200);
      expect(response.headers.get('etag')).toBe(`"${item.sha256}"`);
      expect(response.headers.get('content-type')).toBe(item.kind === 'video' ? 'video/webm' : 'image/png');
      const body = Buffer.from(await response.arrayBuffer());
      // What the device cache verifies: the bytes hash to the address and have the declared size.
      expect(body.length).toBe(item.sizeBytes);
      expect(createHash('sha256').update(body).digest('hex')).toBe(item.sha256);
    }
  });

  it('keeps the demo video small enough for a slow gate uplink (≤ 400 KB)', () => {
    const video = media().find((item) => item.kind === 'video');
    expect(video?.sizeBytes).toBeGreaterThan(10_000);
    expect(video?.sizeBytes).toBeLessThanOrEqual(400 * 1024);
  });

  it('resumes with Range: 206 with the rest of the file, matching the whole', async () => {
    const item = media()[0] as MediaItem;
    const whole = Buffer.from(await (await get(item.url)).arrayBuffer());
    const from = Math.floor(item.sizeBytes * 0.3);
    const response = await get(item.url, { range: `bytes=${from}-`, 'if-range': `"${item.sha256}"` });
    expect(response.status).toBe(206);
    expect(response.headers.get('content-range')).toBe(
      `bytes ${from}-${item.sizeBytes - 1}/${item.sizeBytes}`,
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(whole.subarray(from))).toBe(true);
  });

  it('answers a changed file (If-Range mismatch) with the whole file, and a range past the end with 416', async () => {
    const item = media()[0] as MediaItem;
    const stale = await get(item.url, { range: 'bytes=10-', 'if-range': '"not-this-file"' });
    expect(stale.status).toBe(200);
    expect(Number(stale.headers.get('content-length'))).toBe(item.sizeBytes);
    await stale.arrayBuffer();
    const past = await get(item.url, { range: `bytes=${item.sizeBytes}-` });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${item.sizeBytes}`);
  });

  it('answers a cached copy with 304', async () => {
    const item = media()[1] as MediaItem;
    const response = await get(item.url, { 'if-none-match': `"${item.sha256}"` });
    expect(response.status).toBe(304);
  });

  it('serves any enrolled screen, and nobody else: no credentials, a wrong secret, a user token', async () => {
    const item = media()[0] as MediaItem;
    const byOther = await fetch(item.url, { headers: { authorization: basic(other) } });
    expect(byOther.status).toBe(200);
    await byOther.arrayBuffer();
    const wrong = basic({ ...agent, secret: `${agent.secret.slice(0, -1)}x` });
    const refused: Array<Record<string, string>> = [
      {},
      { authorization: wrong },
      { authorization: `Bearer ${fleet.token}` },
    ];
    for (const headers of refused) {
      const response = await fetch(item.url, { headers });
      expect(response.status).toBe(401);
      expect(((await response.json()) as ErrorReply).error.code).toBe('UNAUTHORIZED');
    }
  });

  it('serves only media it knows: an unknown sha256 is 404, a malformed one 400', async () => {
    const base = `${agent.fleetUrl}/api/v1/device/media/`;
    const unknown = await get(`${base}${'0'.repeat(64)}`);
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as ErrorReply).error.code).toBe('NOT_FOUND');
    const malformed = await get(`${base}..%2F..%2Fetc%2Fpasswd`);
    expect(malformed.status).toBe(400);
  });
});
