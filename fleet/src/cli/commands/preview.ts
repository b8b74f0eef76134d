import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import type { DevicePreview as Preview, PreviewSegment } from '../../desired/preview-timeline.js';

/** `gatecast preview DEVICE --at T --hours N`: what a screen shows, zone by zone, over a period. */
export function registerPreviewCommand(program: Command, io: CliIo): void {
  program
    .command('preview <device>')
    .description('what a screen shows from --at for --hours, per zone, in the gate’s local time')
    .option('--at <time>', 'start, ISO time (e.g. 2026-12-24T22:00:00+07:00); now when left out')
    .option('--hours <n>', 'how long to look ahead (up to 168)', '24')
    .option('--json', 'print JSON')
    .action(
      async (deviceId: string, options: { at?: string; hours: string; json?: boolean }, command: Command) => {
        const hours = Number(options.hours);
        if (!Number.isFinite(hours) || hours <= 0)
          throw new CliError(`--hours must be a positive number, got ${options.hours}`, 2);
        const at = options.at === undefined ? undefined : new Date(options.at);
        if (at && Number.isNaN(at.getTime()))
          throw new CliError(`--at must be an ISO time, got ${options.at}`, 2);
        const target = resolveTarget(globalsOf(command), io);
        const query = new URLSearchParams({ hours: String(hours), ...(at ? { at: at.toISOString() } : {}) });
        const path = `/api/v1/devices/${encodeURIComponent(deviceId)}/preview?${query}`;
        const preview = await callApi<Preview>(target, 'GET', path);
        if (options.json) return printJson(io, preview);
        io.stdout(
          `${preview.deviceId} (desired v${preview.version}, layout ${preview.layout.kind}), ${local(preview.from, preview.timeZone)} → ${local(preview.to, preview.timeZone)} ${preview.timeZone}\n`,
        );
        printTable(
          io,
          ['ZONE', 'FROM', 'TO', 'LAYER', 'ENTRY', 'ITEM', 'KIND', 'SHOWS'],
          merged(preview.segments).map((segment) => [
            segment.zone,
            local(segment.from, preview.timeZone),
            local(segment.to, preview.timeZone),
            segment.layer ?? 'default',
            segment.entryId ?? '-',
            segment.itemId,
            segment.kind,
            segment.label,
          ]),
        );
        if (preview.truncated) io.stderr('gatecast: the preview was cut short; ask for fewer hours\n');
      },
    );
}

/**
 * A loop of one item gives many equal segments in a row; the table shows them as one line. A
 * loop of several items stays item by item, as the screen plays it.
 */
function merged(segments: PreviewSegment[]): PreviewSegment[] {
  const out: PreviewSegment[] = [];
  for (const segment of segments) {
    const last = out[out.length - 1];
    if (
      last &&
      last.zone === segment.zone &&
      last.itemId === segment.itemId &&
      last.entryId === segment.entryId &&
      last.to === segment.from
    ) {
      out[out.length - 1] = { ...last, to: segment.to };
    } else out.push(segment);
  }
  return out;
}

/** "2026-11-26 22:00" in the gate's time zone. */
function local(iso: string, timeZone: string): string {
  const parts = new Intl.DateTimeFormat('en-CA', {
    timeZone,
    year: 'numeric',
    month: '2-digit',
    day: '2-digit',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(new Date(iso));
  const get = (type: string) => parts.find((part) => part.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')} ${get('hour')}:${get('minute')}`;
}
