#!/usr/bin/env node
// The dependency gate of .ci/run: the broker's packages at or above their floors, and no high or
// critical advisory in what ships (npm audit --omit=dev). Exits 1 with one line per problem.
//   node scripts/check-dependencies.js [--json]
import { spawnSync } from 'node:child_process';
import { auditVerdict, floorViolations, installedCopies, FLOORS } from './dependency-floors.js';

const json = process.argv.includes('--json');
// npm ls exits 1 for any odd spot in the tree (an unmet optional peer): its JSON is what counts.
const listed = spawnSync('npm', ['ls', ...Object.keys(FLOORS), '--all', '--json'], { encoding: 'utf8' });
const tree = JSON.parse(listed.stdout || '{}');
const problems = floorViolations(tree);
const copies = installedCopies(tree);

const audit = spawnSync('npm', ['audit', '--omit=dev', '--json'], { encoding: 'utf8' });
let verdict;
try {
  verdict = auditVerdict(JSON.parse(audit.stdout || '{}'));
} catch {
  verdict = { checked: false, reason: `npm audit answered no JSON (exit ${audit.status})` };
}
if (verdict.checked && verdict.high + verdict.critical > 0) {
  problems.push(`npm audit --omit=dev: ${verdict.critical} critical and ${verdict.high} high advisories`);
}

if (json) {
  console.log(JSON.stringify({ copies, audit: verdict, problems }, null, 2));
} else {
  for (const copy of copies) console.log(`${copy.name}@${copy.version} (${copy.path.join(' > ')})`);
  console.log(
    verdict.checked
      ? `npm audit --omit=dev: ${verdict.critical} critical, ${verdict.high} high`
      : `npm audit --omit=dev: NOT CHECKED, the registry did not answer it (${verdict.reason})`,
  );
  for (const problem of problems) console.error(`dependency gate: ${problem}`);
}
process.exit(problems.length > 0 ? 1 : 0);
