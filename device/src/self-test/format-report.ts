import type { SelfTestReport } from '@gatecast/protocol';

const LABELS = { pass: 'PASS', warn: 'WARN', fail: 'FAIL', skipped: 'SKIP' } as const;

/** The report as a table a technician reads on a laptop or a serial console (plain text, no colour). */
export function formatSelfTestReport(report: SelfTestReport): string {
  const header = [
    'gatecast self-test',
    report.at,
    `agent ${report.agentVersion}`,
    `serial ${report.serial ?? 'unknown'}`,
    report.trigger,
  ].join(' · ');
  const width = Math.max(...report.checks.map((check) => check.check.length));
  const rows = report.checks.map(
    (check) => `  ${LABELS[check.status]}  ${check.check.padEnd(width)}  ${check.summary}`,
  );
  return [header, ...rows, verdict(report), ''].join('\n');
}

export function verdict(report: SelfTestReport): string {
  const failed = report.checks.filter((check) => check.status === 'fail').map((check) => check.check);
  const warned = report.checks.filter((check) => check.status === 'warn').length;
  if (failed.length > 0) return `self-test FAILED: ${failed.join(', ')}`;
  return `self-test PASSED${warned > 0 ? ` (${warned} warning${warned > 1 ? 's' : ''})` : ''}`;
}

/** 0 when the screen passed (warnings and skips pass), 1 when a check failed. */
export function selfTestExitCode(report: SelfTestReport): 0 | 1 {
  return report.passed ? 0 : 1;
}
