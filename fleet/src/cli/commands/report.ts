import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { callApi, resolveTarget, sendRequest, type ApiTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import type { PlaysReport } from '../../reports/plays-view.js';

interface PlaysOptions {
  gate?: string;
  zone?: string;
  device?: string;
  item?: string;
  language?: string;
  from: string;
  to: string;
  by: string;
  csv?: string;
  json?: boolean;
}

const COLUMN_TITLES = { gate: 'GATE', zone: 'ZONE', device: 'SCREEN', item: 'ITEM', language: 'LANGUAGE' };

/** `gatecast report plays|yearly`: proof of play over a period, and the yearly report per gate. */
export function registerReportCommands(program: Command, io: CliIo): void {
  const report = program.command('report').description('proof of play and yearly reports');

  report
    .command('plays')
    .description('proof of play over a period: counts, seconds, first and last play')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, a day at the gate) or an ISO time')
    .requiredOption('--to <date>', 'last day, included (YYYY-MM-DD) or an ISO time, excluded')
    .option('--gate <gate>', 'only this gate (default: every gate you may read)')
    .option('--zone <zone>', 'only this zone')
    .option('--device <id>', 'only this screen')
    .option('--item <id>', 'only this item')
    .option('--language <tag>', "only this language ('-' for items without one)")
    .option('--by <dimensions>', 'group by gate, zone, device, item, language (comma-separated)', 'item')
    .option('--csv <file>', 'write CSV (UTF-8 with BOM, opens in Excel) to this file')
    .option('--json', 'print JSON')
    .action(async (options: PlaysOptions, command: Command) => {
      if (options.csv && options.json) throw new CliError('choose --csv FILE or --json, not both', 2);
      const target = resolveTarget(globalsOf(command), io);
      const query = playsQuery(options);
      if (options.csv) return writeCsv(io, target, query, options.csv);
      const answer = await callApi<PlaysReport>(target, 'GET', `/api/v1/reports/plays?${query}`);
      if (options.json) return printJson(io, answer);
      printPlays(io, answer);
    });

  report
    .command('yearly')
    .description("a gate's yearly report (uptime, plays, announcements with receipts) as printable HTML")
    .requiredOption('--gate <gate>', 'the gate')
    .requiredOption('--year <year>', 'the calendar year at the gate, e.g. 2026')
    .option('--out <file>', 'where to write the HTML (default gatecast-<gate>-<year>.html)')
    .option('--json', 'print JSON')
    .action(
      async (options: { gate: string; year: string; out?: string; json?: boolean }, command: Command) => {
        if (!/^\d{4}$/.test(options.year))
          throw new CliError(`--year must be a year such as 2026, not ${options.year}`, 2);
        const target = resolveTarget(globalsOf(command), io);
        const query = new URLSearchParams({ gate: options.gate, year: options.year });
        io.stderr(`building the ${options.year} report for ${options.gate}…\n`);
        const html = await fetchBytes(target, `/api/v1/reports/yearly?${query}`);
        const file = resolve(io.cwd, options.out ?? `gatecast-${options.gate}-${options.year}.html`);
        await writeOut(file, html);
        const bytes = html.length;
        if (options.json)
          return printJson(io, { gate: options.gate, year: Number(options.year), file, bytes });
        io.stdout(
          `yearly report for ${options.gate} ${options.year} written to ${file} (${bytes} bytes); open it in a browser to print\n`,
        );
      },
    );
}

function playsQuery(options: PlaysOptions): URLSearchParams {
  const query = new URLSearchParams({ from: options.from, to: options.to, by: options.by });
  const pairs: Array<[string, string | undefined]> = [
    ['gate', options.gate],
    ['zone', options.zone],
    ['device', options.device],
    ['item', options.item],
    ['language', options.language],
  ];
  for (const [key, value] of pairs) if (value) query.set(key, value);
  return query;
}

async function writeCsv(io: CliIo, target: ApiTarget, query: URLSearchParams, out: string): Promise<void> {
  query.set('format', 'csv');
  const csv = await fetchBytes(target, `/api/v1/reports/plays?${query}`);
  const file = resolve(io.cwd, out);
  await writeOut(file, csv);
  // Header and trailing line end aside, one CRLF per row (an item name holding CRLF itself would count twice).
  const rows = Math.max(0, csv.toString('utf8').split('\r\n').length - 2);
  io.stdout(`${rows} rows written to ${file}\n`);
}

/** The bytes as sent: Response.text() would drop the BOM that tells Excel the CSV is UTF-8. */
async function fetchBytes(target: ApiTarget, path: string): Promise<Buffer> {
  const response = await sendRequest(target.url, 'GET', path, { authorization: `Bearer ${target.token}` });
  return Buffer.from(await response.arrayBuffer());
}

async function writeOut(file: string, bytes: Buffer): Promise<void> {
  try {
    await writeFile(file, bytes);
  } catch (error) {
    throw new CliError(
      `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}

function printPlays(io: CliIo, report: PlaysReport): void {
  if (report.rows.length === 0) {
    io.stdout(`no plays from ${report.from} to ${report.to}\n`);
    return;
  }
  const headers = [
    ...report.by.map((dimension) => COLUMN_TITLES[dimension]),
    'PLAYS',
    'SECONDS',
    'AVG',
    'FIRST',
    'LAST',
  ];
  const rows = report.rows.map((row) => [
    ...report.by.map((dimension) => String(row[dimension] ?? '-')),
    String(row.plays),
    String(row.totalSeconds),
    String(row.averageSeconds),
    row.firstAt,
    row.lastAt,
  ]);
  printTable(io, headers, rows);
  io.stdout(
    `total: ${report.total.plays} plays, ${report.total.totalSeconds} s (${report.from} to ${report.to})\n`,
  );
}
