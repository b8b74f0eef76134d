// The end-of-run summary of `npm run sim`, pure so a unit test can check it.

/** The run in a few lines, on stdout. */
export function summary(stats, total, enrolSec) {
  const sent = Object.entries(stats.sent ?? {})
    .map(([kind, count]) => `${kind} ${count}`)
    .join(', ');
  return [
    `screens connected: ${stats.connected ?? 0}/${total} (enrolled in ${enrolSec.toFixed(1)} s)`,
    `messages sent: ${sent || 'none'}`,
    `received: desired ${stats.desired ?? 0}, commands ${stats.commands ?? 0}; receipts sent ${stats.receipts ?? 0}`,
    `reconnects ${stats.reconnects ?? 0}, errors ${stats.errors ?? 0}`,
  ].join('\n');
}
