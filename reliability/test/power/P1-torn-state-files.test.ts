import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDesiredStore, desiredStatePath } from '../../../device/src/state/desired-store.js';
import {
  readUpdateRecord,
  updateRecordSchema,
  updateStatePath,
  type UpdateRecord,
} from '../../../device/src/update/update-state.js';
import { desired } from '../../../device/test/integration/helpers/fixtures.js';
import { fuzzSeed, recordFigure, seededRandom, sized } from '../../support/figures.js';
import { DEVICE_DIST, startRewriter, type Rewriter } from '../../support/update-faults.js';

const KILLS = sized(200, 2_000);
/** Kills land from the first write to a few dozen rewrites of both files later. */
const MAX_DELAY_MS = 30;

const LANGUAGES = ['vi', 'en', 'zh-Hans', 'ko', 'ja', 'ru', 'fr', 'de', 'th', 'lo', 'km', 'es'];

/** A desired document big enough (≈ 47 KB, texts at their 4,000-character cap) that a torn write would show. */
function bigDesired(version: number) {
  const document = desired(version, `item-${version}`);
  const body = `${version}`.repeat(1_950);
  if (document.content.defaultItem.kind === 'text') {
    document.content.defaultItem.body = Object.fromEntries(LANGUAGES.map((language) => [language, body]));
  }
  return document;
}

function record(state: 'downloading' | 'health-check', version: string): UpdateRecord {
  return updateRecordSchema.parse({
    status: {
      state,
      targetVersion: version,
      previousVersion: '1.0.0',
      problem: null,
      at: '2026-11-26T08:00:00.000Z',
    },
    sha256: version.replace(/\D/g, '').repeat(64).slice(0, 64).padEnd(64, 'a'),
    starts: state === 'health-check' ? 1 : 0,
  });
}

// Power cut while the device rewrites its state files: the agent's own writers run in a child that
// is SIGKILLed at a seeded random moment; each file must then hold the old or the new version,
// whole, and the agent's readers must accept it.
describe('P1: kill -9 while state files are rewritten', () => {
  let dir: string;
  let rewriter: Rewriter | null = null;

  beforeAll(async () => {
    if (!existsSync(join(DEVICE_DIST, 'state/desired-store.js')))
      throw new Error(`${DEVICE_DIST} is missing: run "npm run build" first`);
    dir = await mkdtemp(join(tmpdir(), 'gatecast-p1-'));
  });

  afterAll(async () => {
    rewriter?.child.kill('SIGKILL');
    await rewriter?.exited;
    await rm(dir, { recursive: true, force: true });
  });

  it(`leaves every state file whole after ${KILLS} kills`, async () => {
    const seed = fuzzSeed('P1');
    const random = seededRandom(seed);
    const documents = {
      desired: [bigDesired(21), bigDesired(22)],
      records: [record('downloading', '2.0.0'), record('health-check', '3.0.0')],
    };
    const documentsFile = join(dir, 'documents.json');
    const dataDir = join(dir, 'data');
    // The bytes the desired store and the update record write.
    const desiredTexts = documents.desired.map((doc) => `${JSON.stringify(doc)}\n`);
    const recordTexts = documents.records.map((doc) => `${JSON.stringify(doc, null, 2)}\n`);
    await writeFile(documentsFile, JSON.stringify([desiredTexts, recordTexts]));
    const files = [desiredStatePath(dataDir), updateStatePath(dataDir)];
    const store = createDesiredStore({ dataDir, log: pino({ level: 'silent' }) });

    let torn = 0;
    let unparseable = 0;
    let tempLeft = 0;
    const newer = { desired: 0, record: 0 };
    for (let kill = 0; kill < KILLS; kill++) {
      rewriter = startRewriter(files, documentsFile);
      await rewriter.ready;
      await sleep(random() * MAX_DELAY_MS);
      rewriter.child.kill('SIGKILL');
      await rewriter.exited;
      rewriter = null;

      const desiredText = await readFile(desiredStatePath(dataDir), 'utf8').catch(() => null);
      const recordText = await readFile(updateStatePath(dataDir), 'utf8').catch(() => null);
      if (desiredText === null || !desiredTexts.includes(desiredText)) torn += 1;
      if (recordText === null || !recordTexts.includes(recordText)) torn += 1;
      if (desiredText === desiredTexts[1]) newer.desired += 1;
      if (recordText === recordTexts[1]) newer.record += 1;
      // The agent's own readers, as on the next boot (the desired store also clears stale temp files).
      if ((await store.load()) === null) unparseable += 1;
      if ((await readUpdateRecord(dataDir)) === null) unparseable += 1;
      tempLeft += (await readdir(dirname(desiredStatePath(dataDir)))).filter((name) =>
        name.endsWith('.tmp'),
      ).length;
    }

    const passed = torn === 0 && unparseable === 0;
    recordFigure({
      id: 'P1',
      figure:
        `torn ${torn}, unparseable ${unparseable} of ${KILLS} kills × 2 files; ` +
        `newer version found: desired ${newer.desired}/${KILLS}, update record ${newer.record}/${KILLS}; ` +
        `temp files left after the desired store loaded: ${tempLeft}`,
      pass: '0 torn or unparseable files',
      passed,
      size: `${KILLS} kills`,
      seed,
    });
    expect({ torn, unparseable }).toEqual({ torn: 0, unparseable: 0 });
  });
});
