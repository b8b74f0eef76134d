import { SELF_TEST_CHECKS, type SelfTestReport } from '@gatecast/protocol';
import type {
  CheckSummary,
  CommissioningScreen,
  GateCommissioning,
  LatestSelfTest,
  ScreenState,
} from './commissioning-schemas.js';

export interface ScreenInput {
  deviceId: string;
  name: string;
  zoneId: string;
  zoneName: string;
  agentVersion: string | null;
  latest: LatestSelfTest;
}

/** Pure: the gate's sheet from its screens and their latest reports, in zone then name order. */
export function buildGateCommissioning(
  gate: { id: string; name: string },
  inputs: readonly ScreenInput[],
  generatedAt: string,
): GateCommissioning {
  const screens = [...inputs]
    .sort((a, b) => a.zoneName.localeCompare(b.zoneName) || a.name.localeCompare(b.name))
    .map(toScreen);
  return {
    gate,
    generatedAt,
    screens,
    checks: summariseChecks(screens.map((screen) => screen.report)),
    totals: {
      screens: screens.length,
      passed: screens.filter((screen) => screen.state === 'passed').length,
      failed: screens.filter((screen) => screen.state === 'failed').length,
      neverRan: screens.filter((screen) => screen.state === 'never-ran').length,
    },
  };
}

export function screenState(report: SelfTestReport | null): ScreenState {
  if (!report) return 'never-ran';
  return report.passed ? 'passed' : 'failed';
}

function toScreen(input: ScreenInput): CommissioningScreen {
  const { latest, ...screen } = input;
  return {
    ...screen,
    state: screenState(latest.report),
    report: latest.report,
    at: latest.at,
    receivedAt: latest.receivedAt,
  };
}

/** Per check, how many screens passed, warned, failed, skipped it, or never reported it. */
export function summariseChecks(reports: ReadonlyArray<SelfTestReport | null>): CheckSummary[] {
  return SELF_TEST_CHECKS.map((check) => {
    const summary: CheckSummary = { check, pass: 0, warn: 0, fail: 0, skipped: 0, missing: 0 };
    for (const report of reports) {
      const found = report?.checks.find((item) => item.check === check);
      if (found) summary[found.status] += 1;
      else summary.missing += 1;
    }
    return summary;
  });
}

/** One mark per check for a printed sheet: ✓ pass, ! warn, ✗ fail, – skipped, blank when absent. */
export function checkMark(report: SelfTestReport | null, check: string): string {
  const status = report?.checks.find((item) => item.check === check)?.status;
  if (status === 'pass') return '✓';
  if (status === 'warn') return '!';
  if (status === 'fail') return '✗';
  if (status === 'skipped') return '–';
  return '';
}
