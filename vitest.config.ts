import { defineConfig } from 'vitest/config';

// Unit tests: pure functions, no I/O. Integration tests: real Aedes, MQTT.js, SQLite, processes.
export default defineConfig({
  test: {
    reporters: ['default', './scripts/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          sequence: { groupOrder: 0 },
          include: ['*/test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          sequence: { groupOrder: 1 },
          include: ['*/test/integration/**/*.test.ts'],
          testTimeout: 30_000,
          hookTimeout: 30_000,
          // Two cores: keep process-spawning suites from starving each other.
          maxWorkers: 2,
        },
      },
    ],
  },
});
