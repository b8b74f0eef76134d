import type { RolloutView } from '../../../src/rollouts/rollouts-api.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../../src/cli/program.js';
import { generateReleaseKey } from '../../../src/releases/release-keys.js';
import { eventually, startRealFleet, type RealFleet } from '../fleet/real-fleet.js';
import { signedRelease } from '../releases/releases-app.js';

const GATE = 'cat-bi-intl';

/** The operator's rollout commands with the real CLI against a whole real fleet manager. */
describe('gatecast rollout and gates maintenance-window', () => {
  let fleet: RealFleet;
  let rolloutId: string;

  const cli = async (argv: string[], out: string[] = [], err: string[] = []) => {
    const code = await runCli(argv, {
      stdout: (text) => void out.push(text),
      stderr: (text) => void err.push(text),
      env: {
        GATECAST_URL: `http://127.0.0.1:${fleet.running.httpPort}`,
        GATECAST_TOKEN: fleet.token,
        HOME: '/nonexistent',
      },
      cwd: fleet.dataDir,
    });
    return { code, out: out.join(''), err: err.join('') };
  };

  const publish = async (version: string, key: ReturnType<typeof generateReleaseKey>) => {
    const { bytes, signed } = signedRelease(version, key, 2_000);
    expect((await fleet.api('POST', '/api/v1/releases', signed)).status).toBe(201);
    const uploaded = await fetch(
      `http://127.0.0.1:${fleet.running.httpPort}/api/v1/releases/${version}/artifact`,
      {
        method: 'PUT',
        headers: { authorization: `Bearer ${fleet.token}`, 'content-type': 'application/octet-stream' },
        body: bytes,
      },
    );
    expect(uploaded.status, await uploaded.text()).toBeLessThan(300);
  };

  beforeAll(async () => {
    const key = generateReleaseKey();
    fleet = await startRealFleet({
      GATECAST_RELEASE_KEYS: `${key.publicKey.keyId}:${key.publicKey.publicKey}`,
      GATECAST_ROLLOUT_TICK_MS: '100',
    });
    const gate = { id: GATE, name: 'Cat Bi International Airport', timeZone: 'Asia/Ho_Chi_Minh' };
    expect((await fleet.api('POST', '/api/v1/gates', gate)).status).toBe(201);
    const zone = { id: 'arrivals', name: 'Arrivals hall' };
    expect((await fleet.api('POST', `/api/v1/gates/${GATE}/zones`, zone)).status).toBe(201);
    for (const name of ['Arrivals 1', 'Arrivals 2', 'Arrivals 3']) {
      const device = { name, gateId: GATE, zoneId: 'arrivals' };
      expect((await fleet.api('POST', '/api/v1/devices', device)).status).toBe(201);
    }
    await publish('2.0.0', key);
    await publish('1.9.0', key);
  });

  afterAll(async () => {
    await fleet?.close();
  });

  it('creates a rollout and prints its id and waves, then lists it and shows its status', async () => {
    const created = await cli(['rollout', 'create', '2.0.0', '--gates', GATE, '--waves', 'canary,100']);
    expect(created.code, created.err).toBe(0);
    const [head, canary, rest, hint] = created.out.trim().split('\n');
    rolloutId = /^created rollout (\S+): 2\.0\.0 to 3 screens$/.exec(head ?? '')?.[1] ?? '';
    expect(rolloutId, created.out).not.toBe('');
    expect(canary).toBe('wave 1 canary: 1 screens');
    expect(rest).toBe('wave 2 100 %: 2 screens');
    expect(hint).toBe(`follow it: gatecast rollout status ${rolloutId} --follow`);

    const listed = await cli(['rollout', 'list']);
    const [header, row] = listed.out.trim().split('\n');
    expect(header).toMatch(/^ID\s+VERSION\s+STATE\s+PROGRESS\s+FAILED\s+CREATED\s+BY$/);
    expect(row).toMatch(new RegExp(`^${rolloutId}\\s+2\\.0\\.0\\s+running\\s+0/3\\s+0\\s+\\S+\\s+\\S+$`));

    const json = await cli(['rollout', 'status', rolloutId, '--json']);
    const view = JSON.parse(json.out) as RolloutView;
    expect(view).toMatchObject({ id: rolloutId, version: '2.0.0', state: 'running', waves: ['canary', 100] });
    expect(view.screens).toHaveLength(3);
    expect(view.waveProgress.map((wave) => wave.screens)).toEqual([1, 2]);

    const text = await cli(['rollout', 'status', rolloutId]);
    expect(text.out).toContain(`targets:      gate ${GATE}`);
    expect(text.out).toContain('waves:        canary → 100 %');
    expect(text.out).toMatch(/\nSCREEN\s+GATE\s+WAVE\s+STATE\s+WAITING FOR\s+VERSION\s+UPDATE\s+PROBLEM\n/);
  });

  it('follows a rollout until someone pauses it, then ends with exit code 3 and says why', async () => {
    const out: string[] = [];
    const following = cli(['rollout', 'status', rolloutId, '--follow'], out);
    await eventually(
      async () => out.length,
      (lines) => lines > 0,
    );
    expect(out[0]).toMatch(new RegExp(`^rollout ${rolloutId} running: wave 1/2 \\(canary\\), 0/3 committed`));
    const paused = await cli(['rollout', 'pause', rolloutId]);
    expect(paused).toMatchObject({ code: 0, out: `rollout ${rolloutId} paused\n` });
    const followed = await following;
    expect(followed.code).toBe(3);
    expect(followed.err).toMatch(new RegExp(`^gatecast: rollout ${rolloutId} paused: by \\S+\\n$`));
    expect(followed.out.trim().split('\n').at(-1)).toMatch(new RegExp(`^rollout ${rolloutId} paused: `));

    const ndjson = await cli(['rollout', 'status', rolloutId, '--follow', '--json']);
    expect(ndjson.code).toBe(3);
    const lines = ndjson.out.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({ id: rolloutId, state: 'paused' });
  });

  it('resumes, refuses to roll back to an older release, and aborts (follow ends with exit code 4)', async () => {
    const resumed = await cli(['rollout', 'resume', rolloutId, '--json']);
    expect(resumed.code, resumed.err).toBe(0);
    expect(JSON.parse(resumed.out)).toMatchObject({ id: rolloutId, state: 'running', pauseReason: null });

    const refused = await cli(['rollout', 'rollback', rolloutId, '--to', '1.9.0']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe(
      'gatecast: CONFLICT: screens running 2.0.0 would refuse 1.9.0: it is not newer and not a signed ' +
        'rollback release (publish one with rollback: true, or a newer version)\n',
    );
    expect(refused.out).toBe('');

    const again = await cli(['rollout', 'resume', rolloutId]);
    expect(again.code).toBe(1);
    expect(again.err).toMatch(/^gatecast: CONFLICT: /);

    const aborted = await cli(['rollout', 'abort', rolloutId]);
    expect(aborted).toMatchObject({ code: 0, out: `rollout ${rolloutId} aborted\n` });
    const followed = await cli(['rollout', 'status', rolloutId, '--follow']);
    expect(followed.code).toBe(4);
    expect(followed.err).toBe(`gatecast: rollout ${rolloutId} aborted\n`);
    const view = JSON.parse((await cli(['rollout', 'status', rolloutId, '--json'])).out) as RolloutView;
    expect(view.screens.every((screen) => screen.state === 'cancelled')).toBe(true);
  });

  it("sets, shows and clears a gate's maintenance window in the gate's time zone", async () => {
    const set = await cli(['gates', 'maintenance-window', GATE, '--from', '22:00', '--to', '05:00']);
    expect(set).toMatchObject({ code: 0, out: `${GATE}: releases go out 22:00–05:00 (Asia/Ho_Chi_Minh)\n` });
    expect((await fleet.api('GET', `/api/v1/gates/${GATE}`)).body.gate.maintenanceWindow).toEqual({
      from: '22:00',
      to: '05:00',
    });
    const shown = await cli(['gates', 'maintenance-window', GATE, '--json']);
    expect(JSON.parse(shown.out)).toEqual({
      gateId: GATE,
      window: { from: '22:00', to: '05:00' },
      timeZone: 'Asia/Ho_Chi_Minh',
    });
    const cleared = await cli(['gates', 'maintenance-window', GATE, '--clear']);
    expect(cleared.out).toBe(
      `${GATE}: no maintenance window; releases go out at any time (Asia/Ho_Chi_Minh)\n`,
    );
    expect((await fleet.api('GET', `/api/v1/gates/${GATE}`)).body.gate.maintenanceWindow).toBeNull();
  });

  it('names the bad flag in one line, exit code 2, before asking the fleet; API refusals in one line', async () => {
    const cases: Array<[string[], string]> = [
      [['rollout', 'create', '2.0.0'], 'targets (--gates, --zones, --tags or --devices): name at least one'],
      [['rollout', 'create', '2.0.0', '--gates', GATE, '--waves', 'canary,half'], '--waves: half is neither'],
      [['rollout', 'create', '2.0.0', '--zones', 'arrivals'], '--zones (item 1): must be gate/zone'],
      [['rollout', 'create', '2.0.0', '--gates', GATE, '--max-failures', 'x'], '--max-failures: x is not'],
      [['rollout', 'create', 'latest', '--gates', GATE], 'version: '],
      [['gates', 'maintenance-window', GATE, '--from', '25:00', '--to', '05:00'], '--from: must be a time'],
      [['gates', 'maintenance-window', GATE, '--from', '22:00'], 'give both --from and --to'],
      [['gates', 'maintenance-window', GATE, '--clear', '--to', '05:00'], 'give either --from and --to'],
    ];
    for (const [argv, message] of cases) {
      const result = await cli(argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toMatch(new RegExp(`^gatecast: ${escape(message)}.*\\n$`));
    }
    const unknown = await cli(['rollout', 'create', '3.0.0', '--gates', GATE]);
    expect(unknown.code).toBe(1);
    expect(unknown.err).toMatch(/^gatecast: NOT_FOUND: .*3\.0\.0.*\n$/);
    const missing = await cli(['rollout', 'status', 'nosuchrollout']);
    expect(missing.code).toBe(1);
    expect(missing.err).toMatch(/^gatecast: NOT_FOUND: /);
    const help: string[] = [];
    await cli(['rollout', 'status', '--help'], help);
    expect(help.join('')).toContain('3  paused');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
