import type { DeviceEvent } from '@gatecast/protocol';

/** One short line per event for the CLI's table: what a technician needs to read at a glance. */
export function describeEvent(event: DeviceEvent): string {
  switch (event.kind) {
    case 'proof-of-play': {
      const seconds = Math.round(event.durationMs / 100) / 10;
      return `${event.itemId} in ${event.zone} (${event.language ?? '-'}) from ${event.startedAt} for ${seconds}s`;
    }
    case 'desired-applied':
      return `applied v${event.version}`;
    case 'desired-rejected':
      return `rejected v${event.version ?? '-'}: ${event.problem.code} ${event.problem.message}`;
    case 'error':
      return `${event.problem.code} ${event.problem.message}`;
    case 'agent-started':
      return `agent ${event.agentVersion} started`;
    case 'kiosk-usage': {
      const views = event.views.reduce((sum, view) => sum + view.count, 0);
      return `kiosk: ${views} page views, ${event.failedSearches.length} searches without result`;
    }
    case 'update-failed':
      return `update to ${event.targetVersion} failed at ${event.stage}; running ${event.runningVersion}: ${event.problem.code}`;
    case 'announcement-shown':
      return `announcement ${event.entryId} shown at ${event.shownAt} (${event.language ?? '-'})`;
    case 'self-test': {
      const failed = event.report.checks
        .filter((check) => check.status === 'fail')
        .map((check) => check.check);
      return `self-test (${event.report.trigger}): ${failed.length === 0 ? 'passed' : `failed ${failed.join(', ')}`}`;
    }
  }
}
