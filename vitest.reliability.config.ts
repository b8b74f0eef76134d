import { defineConfig } from 'vitest/config';
import { MODE } from './reliability/support/figures.js';

// The reliability suite (issue 11): the catalogue of docs/reliability.md, run by
// `npm run test:reliability`. One file at a time, so no test's figure is measured while another
// test loads the machine; the short forms fit CI, the full forms (GATECAST_RELIABILITY=full) do not.
export default defineConfig({
  test: {
    name: 'reliability',
    include: ['reliability/test/**/*.test.ts'],
    reporters: ['default', './scripts/summary-reporter.ts'],
    fileParallelism: false,
    testTimeout: MODE === 'full' ? 4 * 3_600_000 : 300_000,
    hookTimeout: 120_000,
  },
});
