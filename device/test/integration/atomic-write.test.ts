import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDesiredStore, desiredStatePath } from '../../src/state/desired-store.js';
import { desired, tempDir, testLogger } from './helpers/fixtures.js';

const BUILT_WRITER = fileURLToPath(new URL('../../dist/state/atomic-file.js', import.meta.url));
const REWRITER = fileURLToPath(new URL('./fixtures/rewrite-state.mjs', import.meta.url));
const RUNS = 30;

/** A document big enough that a torn write would be likely to show. */
function bigDesired(version: number) {
  const document = desired(version, `item-${version}`);
  const text = `${version}`.repeat(1_950);
  const languages = ['vi', 'en', 'zh-Hans', 'ko', 'ja', 'ru', 'fr', 'de', 'th', 'lo', 'km', 'es'];
  if (document.content.defaultItem.kind === 'text') {
    document.content.defaultItem.body = Object.fromEntries(languages.map((language) => [language, text]));
  }
  return document;
}

describe('atomic state writes under SIGKILL', () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let running: ReturnType<typeof spawn> | null = null;

  beforeEach(async () => {
    dir = await tempDir('atomic');
  });

  afterEach(async () => {
    running?.kill('SIGKILL');
    await dir.remove();
  });

  it(`leaves the old or the new document, never a torn one (${RUNS} kills)`, async () => {
    // The rewriter runs the built code; `npm test` builds first.
    expect(existsSync(BUILT_WRITER), `${BUILT_WRITER} is missing: run "npx tsc -b device"`).toBe(true);
    const file = desiredStatePath(dir.path);
    await mkdir(dirname(file), { recursive: true });
    const documents = [bigDesired(11), bigDesired(12)];
    const documentsFile = join(dir.path, 'documents.json');
    await writeFile(documentsFile, JSON.stringify(documents));
    const expected = documents.map((document) => `${JSON.stringify(document)}\n`);
    const store = createDesiredStore({ dataDir: dir.path, log: testLogger() });
    const seen = { 11: 0, 12: 0 } as Record<number, number>;
    let staleTempFiles = 0;

    for (let run = 0; run < RUNS; run++) {
      const child = spawn(process.execPath, [REWRITER, file, documentsFile], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      running = child;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      await new Promise<void>((resolve) => child.stdout?.once('data', () => resolve()));
      await new Promise((resolve) => setTimeout(resolve, 5 + Math.random() * 100));
      child.kill('SIGKILL');
      await exited;
      running = null;

      const text = await readFile(file, 'utf8');
      expect(expected).toContain(text);
      staleTempFiles += (await readdir(dirname(file))).filter((name) => name.endsWith('.tmp')).length;
      const loaded = await store.load();
      expect([11, 12]).toContain(loaded?.version);
      seen[loaded?.version ?? 0] = (seen[loaded?.version ?? 0] ?? 0) + 1;
      expect((await readdir(dirname(file))).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    }
    // Both documents turned up, so kills did land mid-loop rather than only before the first write.
    expect(seen[11]! + seen[12]!).toBe(RUNS);
    expect(Math.min(seen[11]!, seen[12]!)).toBeGreaterThan(0);
    console.error(
      `atomic write: ${RUNS} kills, ${seen[11]} old / ${seen[12]} new, ${staleTempFiles} temp files cleaned`,
    );
  });
});
