// Types for sim-summary.js, for its unit test (scripts/test/unit/sim/).
export function summary(
  stats: {
    connected?: number;
    desired?: number;
    commands?: number;
    receipts?: number;
    reconnects?: number;
    errors?: number;
    sent?: Record<string, number>;
  },
  total: number,
  enrolSec: number,
): string;
