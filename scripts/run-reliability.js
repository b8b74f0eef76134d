// `npm run test:reliability [-- <id or file filter>…] [--write-doc]`: runs the reliability suite
// (reliability/test), prints every catalogue row with its figure, and fails when a test failed or,
// on a whole run, when a catalogue row recorded no figure. `--write-doc` puts the table into
// docs/reliability.md. GATECAST_RELIABILITY=full runs the catalogue's full sizes (hours).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CATALOGUE } from './reliability-catalogue.js';
import {
  parseFigures,
  reliabilityRows,
  reliabilityTable,
  replaceBetweenMarkers,
  resultOf,
} from './reliability-report.js';
import { formatMarkdown } from './format-markdown.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const figuresFile = process.env.GATECAST_RELIABILITY_FIGURES ?? `${root}.reliability/figures.jsonl`;
const writeDoc = process.argv.includes('--write-doc');
const filters = process.argv.slice(2).filter((arg) => arg !== '--write-doc');
const mode = process.env.GATECAST_RELIABILITY === 'full' ? 'full' : 'short';

rmSync(figuresFile, { force: true });
const started = Date.now();
const vitest = spawnSync('npx', ['vitest', 'run', '-c', 'vitest.reliability.config.ts', ...filters], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, GATECAST_RELIABILITY_FIGURES: figuresFile },
});
const minutes = ((Date.now() - started) / 60_000).toFixed(1);

const figures = existsSync(figuresFile) ? parseFigures(readFileSync(figuresFile, 'utf8')) : [];
const rows = reliabilityRows(CATALOGUE, figures);
const shown = filters.length ? rows.filter((row) => row.recorded) : rows;
console.log(`\nreliability (${mode} form, ${minutes} min):`);
for (const row of shown) console.log(`  ${row.id.padEnd(4)} ${resultOf(row).padEnd(8)} ${row.figure || '—'}`);

const missing = filters.length ? [] : rows.filter((row) => !row.recorded).map((row) => row.id);
if (missing.length) console.error(`reliability: no figure recorded for ${missing.join(', ')}`);

if (writeDoc && !filters.length) {
  const path = `${root}docs/reliability.md`;
  const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}`;
  const heading =
    `Latest run: \`${mode === 'full' ? 'GATECAST_RELIABILITY=full ' : ''}npm run test:reliability -- --write-doc\`, ` +
    `${mode} form, ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC, ${minutes} min, on ${machine}.`;
  const document = replaceBetweenMarkers(
    readFileSync(path, 'utf8'),
    '<!-- figures:start -->',
    '<!-- figures:end -->',
    `\n${heading}\n\n${reliabilityTable(rows)}\n`,
  );
  writeFileSync(path, await formatMarkdown(document));
  console.log(`reliability: the table in docs/reliability.md is updated`);
}

process.exit(vitest.status === 0 && missing.length === 0 ? 0 : 1);
