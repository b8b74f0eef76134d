import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { jsonOf, startReceiver, type Receiver } from './receiver.js';

// The real CLI in-process against a whole fleet manager (store, broker, HTTP, alert engine, outbox)
// and a real local HTTP receiver standing in for the chat service.
describe('gatecast alerts', () => {
  let fleet: RealFleet;
  let receiver: Receiver;

  const run = async (...argv: string[]) => {
    const out: string[] = [];
    const err: string[] = [];
    const code = await runCli(['alerts', ...argv], {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: {
        GATECAST_URL: `http://127.0.0.1:${fleet.running.httpPort}`,
        GATECAST_TOKEN: fleet.token,
        HOME: '/nonexistent',
      },
      cwd: process.cwd(),
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  beforeEach(async () => {
    fleet = await startRealFleet();
    receiver = await startReceiver();
  });

  afterEach(async () => {
    await fleet.close();
    await receiver.close();
  });

  it('adds and lists channels without showing secrets, sends a test, removes them', async () => {
    const added = await run(
      'channels',
      'add',
      '--kind',
      'webhook',
      '--name',
      'Ops',
      '--webhook-url',
      `${receiver.url}/hook/s3cr3t-path`,
      '--language',
      'en',
      '--gate',
      'cat-bi-airport',
      '--gate',
      'hai-phong-port',
    );
    expect(added.code, added.err).toBe(0);
    const secret = /signing secret \(shown only now\): (\S+)/.exec(added.out)?.[1];
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const telegram = await run(
      'channels',
      'add',
      '--kind',
      'telegram',
      '--name',
      'Trực ban',
      '--bot-token',
      '123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw',
      '--chat-id',
      '-1001234567890',
      '--min-severity',
      'critical',
    );
    expect(telegram.code, telegram.err).toBe(0);

    const table = await run('channels', 'list');
    const lines = table.out.trim().split('\n');
    expect(lines[0]).toMatch(
      /^ID\s+NAME\s+KIND\s+TARGET\s+LANG\s+GATES\s+MIN\s+ON\s+QUEUED\s+LAST DELIVERY$/,
    );
    expect(lines[1]).toMatch(
      /^[a-f0-9]{12}\s+Ops\s+webhook\s+127\.0\.0\.1:\d+\s+en\s+cat-bi-airport,hai-phong-port\s+warning\s+yes\s+0\s+-$/,
    );
    expect(lines[2]).toMatch(
      /^[a-f0-9]{12}\s+Trực ban\s+telegram\s+api\.telegram\.org\s+vi\s+all\s+critical\s+yes\s+0\s+-$/,
    );
    for (const hidden of ['s3cr3t-path', 'AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw', secret ?? '?'])
      expect(table.out).not.toContain(hidden);

    const tested = await run('test-channel', 'Ops');
    expect(tested).toMatchObject({ code: 0, out: 'test message delivered to Ops (HTTP 200)\n' });
    expect(receiver.received).toHaveLength(1);
    expect(jsonOf(receiver.received[0]!)).toMatchObject({ test: true, language: 'en' });

    const json = JSON.parse((await run('channels', 'list', '--json')).out);
    expect(json[0]).toMatchObject({ name: 'Ops', lastDelivery: { ok: true, status: 200 } });
    expect(json[0]).not.toHaveProperty('url');

    receiver.respond(() => ({ status: 410 }));
    const refused = await run('test-channel', 'Ops');
    expect(refused).toMatchObject({
      code: 1,
      err: 'gatecast: the test message did not arrive: HTTP 410: {"ok":false,"description":"unavailable"}\n',
    });
    expect(await run('channels', 'remove', 'Ops')).toMatchObject({
      code: 0,
      out: 'removed alert channel Ops\n',
    });
    expect(await run('test-channel', 'Ops')).toMatchObject({
      code: 1,
      err: 'gatecast: no alert channel Ops (see gatecast alerts channels list)\n',
    });
    expect(await run('channels', 'add', '--kind', 'slack', '--name', 'x')).toMatchObject({
      code: 2,
      err: 'gatecast: a slack channel needs --webhook-url\n',
    });
  });

  it('lists, shows and acknowledges an offline alert that reached a webhook', async () => {
    expect(
      (
        await fleet.api('POST', '/api/v1/gates', {
          id: 'cat-bi-airport',
          name: 'Cat Bi International Airport',
        })
      ).status,
    ).toBe(201);
    expect(
      (
        await fleet.api('POST', '/api/v1/gates/cat-bi-airport/zones', {
          id: 'arrivals-hall',
          name: 'Arrivals hall',
        })
      ).status,
    ).toBe(201);
    const policy = await fleet.api('PUT', '/api/v1/alert-policies/cat-bi-airport', {
      rules: { offline: { delaySec: 1, clearSec: 0 } },
    });
    expect(policy.status).toBe(200);
    const enrolled = await fleet.api('POST', '/api/v1/devices', {
      name: 'Arrivals 01',
      gateId: 'cat-bi-airport',
      zoneId: 'arrivals-hall',
    });
    expect(enrolled.status).toBe(201);
    expect(
      (
        await run(
          'channels',
          'add',
          '--kind',
          'webhook',
          '--name',
          'Ops',
          '--webhook-url',
          `${receiver.url}/hook`,
          '--secret',
          'x'.repeat(20),
        )
      ).code,
    ).toBe(0);
    const client = await fleet.device(enrolled.body.agentConfig);
    const deviceId: string = enrolled.body.device.id;
    await eventually(
      async () => (await fleet.api('GET', `/api/v1/devices/${deviceId}`)).body.device.presence.state,
      (state) => state === 'online',
    );
    await client.endAsync();
    const sent = await eventually(
      async () => receiver.received.map(jsonOf),
      (bodies) => bodies.length > 0,
      10_000,
    );
    expect(sent[0]).toMatchObject({ version: 1, language: 'vi' });
    const [delivery] = sent[0].deliveries;
    expect(delivery).toMatchObject({
      transition: { kind: 'firing', rule: 'offline', device: { id: deviceId } },
    });
    expect(delivery.text).toContain('Màn hình mất kết nối');
    const alertId: string = delivery.transition.alertId;

    const list = await run('list');
    expect(list.code, list.err).toBe(0);
    expect(list.out).toMatch(
      new RegExp(
        `^ID\\s+SEVERITY\\s+RULE\\s+SCREEN\\s+GATE\\s+SINCE\\s+STATE\\n${alertId}\\s+critical\\s+offline\\s+${deviceId}\\s+cat-bi-airport\\s+\\d+s ago\\s+open\\n$`,
      ),
    );
    expect(JSON.parse((await run('list', '--gate', 'cat-bi-airport', '--json')).out)).toMatchObject([
      { id: alertId, state: 'open' },
    ]);

    const acked = await run('ack', alertId, '--note', 'Kỹ thuật viên đang kiểm tra');
    expect(acked).toMatchObject({ code: 0, out: `acknowledged ${alertId} (offline on ${deviceId})\n` });
    const shown = await run('show', alertId);
    expect(shown.code, shown.err).toBe(0);
    expect(shown.out).toContain('note: Kỹ thuật viên đang kiểm tra');
    expect(shown.out).toMatch(/acked by admin/);
    expect(shown.out).toMatch(
      /\nCHANNEL\s+TRANSITION\s+STATE\s+TRIES\s+DELIVERED\s+LAST ERROR\nOps\s+firing\s+delivered\s+1\s+\S+\s+-\n/,
    );
    const detail = JSON.parse((await run('show', alertId, '--json')).out);
    expect(detail.deliveries).toMatchObject([{ channelName: 'Ops', state: 'delivered' }]);
    expect((await run('list', '--state', 'sometimes')).err).toBe(
      'gatecast: --state must be one of open, resolved, all\n',
    );
  });
});
