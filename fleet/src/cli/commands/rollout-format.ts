import type { RolloutCounts, RolloutSummary, RolloutView, WaveSpec } from '../../rollouts/rollouts-api.js';

// Pure text for `gatecast rollout …`: what the commands print and what --follow redraws.

/** Exit codes of `rollout status --follow`, by the state it ended in. */
export const FOLLOW_EXIT = { completed: 0, paused: 3, aborted: 4 } as const;

/** Committed counts screens that already ran the version (skipped): both are done. */
export function doneCount(counts: RolloutCounts): number {
  return counts.committed + counts.skipped;
}

export function waveLabel(wave: WaveSpec): string {
  return wave === 'canary' ? 'canary' : `${wave} %`;
}

/** `canary → 10 % → 50 % → 100 %` */
export function wavesText(waves: readonly WaveSpec[]): string {
  return waves.map(waveLabel).join(' → ');
}

export function targetText(target: RolloutSummary['target']): string {
  const parts = [
    ...target.gates.map((gate) => `gate ${gate}`),
    ...target.zones.map((zone) => `zone ${zone}`),
    ...target.tags.map((tag) => `tag ${tag}`),
    ...(target.devices.length > 0 ? [`${target.devices.length} named screens`] : []),
  ];
  return parts.join(', ') || '-';
}

/** What the screens of the current wave wait for, e.g. ` (waiting for maintenance-window: 3)`. */
function waitingText(view: RolloutView): string {
  const reasons = new Map<string, number>();
  for (const screen of view.screens) {
    if (screen.state !== 'waiting' || !screen.waitingFor) continue;
    reasons.set(screen.waitingFor, (reasons.get(screen.waitingFor) ?? 0) + 1);
  }
  if (reasons.size === 0) return '';
  return ` (waiting for ${[...reasons].map(([reason, count]) => `${reason}: ${count}`).join(', ')})`;
}

/**
 * One line per change for --follow when not on a terminal; stable so scripts can match it:
 * `rollout ID running: wave 2/4 (10 %), 3/20 committed, 0 failed, 1 updating, 2 waiting`.
 */
export function progressLine(view: RolloutView): string {
  const { totals } = view;
  const wave = view.waveProgress[view.currentWave];
  const waveText = `wave ${view.currentWave + 1}/${view.waves.length} (${wave?.label ?? waveLabel(view.waves[view.currentWave] ?? 'canary')})`;
  return (
    `rollout ${view.id} ${view.state}: ${waveText}, ${doneCount(totals)}/${totals.screens} committed, ` +
    `${totals.failed} failed, ${totals.updating} updating, ${totals.waiting} waiting${waitingText(view)}`
  );
}

/** `[#######.............]` of `width` characters. */
export function bar(done: number, total: number, width = 24): string {
  const filled = total === 0 ? width : Math.round((done / total) * width);
  return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
}

/** The block --follow redraws in place on a terminal: a bar for the whole rollout and one per wave. */
export function progressBlock(view: RolloutView): string[] {
  const { totals } = view;
  const lines = [
    `${view.version} ${view.state}  ${bar(doneCount(totals), totals.screens)} ${doneCount(totals)}/${totals.screens}` +
      `  failed ${totals.failed}${waitingText(view)}`,
  ];
  for (const wave of view.waveProgress) {
    const mark = wave.state === 'active' ? '>' : ' ';
    lines.push(
      `${mark} ${wave.label.padEnd(8)} ${bar(doneCount(wave), wave.screens, 16)} ${doneCount(wave)}/${wave.screens}` +
        (wave.failed > 0 ? `  failed ${wave.failed}` : '') +
        (wave.updating > 0 ? `  updating ${wave.updating}` : ''),
    );
  }
  if (view.state === 'paused') lines.push(`paused: ${view.pauseReason ?? '-'}`);
  return lines;
}

/** Printed after create and rollback. */
export function createdText(view: RolloutView): string {
  const rollsBack = view.rollbackOf ? ` (rolls back ${view.rollbackOf})` : '';
  return [
    `created rollout ${view.id}: ${view.version} to ${view.totals.screens} screens${rollsBack}`,
    ...view.waveProgress.map((wave) => `wave ${wave.index + 1} ${wave.label}: ${wave.screens} screens`),
    `follow it: gatecast rollout status ${view.id} --follow`,
    '',
  ].join('\n');
}

export function summaryRow(rollout: RolloutSummary): string[] {
  const { totals } = rollout;
  return [
    rollout.id,
    rollout.version,
    rollout.state,
    `${doneCount(totals)}/${totals.screens}`,
    String(totals.failed),
    rollout.createdAt,
    rollout.createdBy ?? '-',
  ];
}

export const SUMMARY_HEADERS = ['ID', 'VERSION', 'STATE', 'PROGRESS', 'FAILED', 'CREATED', 'BY'];

/** The head of `rollout status ID`: key: value lines. */
export function statusHead(view: RolloutView): string {
  const lines: Array<[string, string]> = [
    ['rollout', view.id],
    ['version', view.version],
    ['state', view.state + (view.state === 'paused' ? ` (${view.pauseReason ?? '-'})` : '')],
    ['targets', targetText(view.target)],
    ['waves', wavesText(view.waves)],
    ['max failures', String(view.maxFailures)],
    ['window', view.ignoreMaintenanceWindows ? 'any time' : "each gate's maintenance window"],
    ['progress', progressLine(view).replace(/^rollout \S+ \S+: /, '')],
    ['created', `${view.createdAt} by ${view.createdBy ?? '-'}`],
    ...(view.rollbackOf ? ([['rolls back', view.rollbackOf]] as Array<[string, string]>) : []),
    ...(view.finishedAt ? ([['finished', view.finishedAt]] as Array<[string, string]>) : []),
  ];
  return lines.map(([key, value]) => `${`${key}:`.padEnd(14)}${value}\n`).join('');
}

export const SCREEN_HEADERS = [
  'SCREEN',
  'GATE',
  'WAVE',
  'STATE',
  'WAITING FOR',
  'VERSION',
  'UPDATE',
  'PROBLEM',
];

export function screenRows(view: RolloutView): string[][] {
  return view.screens.map((screen) => [
    screen.deviceId,
    screen.gateId,
    view.waveProgress[screen.wave]?.label ?? String(screen.wave + 1),
    screen.state,
    screen.waitingFor ?? '-',
    screen.agentVersion ?? '-',
    screen.updateState ?? '-',
    screen.problem ? `${screen.problem.code}: ${screen.problem.message}` : '-',
  ]);
}
