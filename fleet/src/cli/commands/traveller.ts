import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { callApi, resolveTarget, sendRequest } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import type { KioskUsageReport } from '../../reports/kiosk-usage.js';
import { exportTravellerSite, imageExtension } from '../../traveller/static-export.js';
import type { TravellerSite } from '../../traveller/traveller-routes.js';
import { bundleImages } from '../../traveller/traveller-view.js';

const DEFAULT_URL = 'http://127.0.0.1:8080';

/**
 * `gatecast traveller export`: the traveller page as a static site for the city portal, and
 * `gatecast report kiosk`: anonymous kiosk use. The export reads only the public traveller
 * routes, so it needs no token.
 */
export function registerTravellerCommands(program: Command, io: CliIo): void {
  const traveller = program.command('traveller').description("the travellers' web page of a gate");
  traveller
    .command('export')
    .description('write the traveller page as static HTML, every language, with its pictures')
    .requiredOption('--gate <gate>', 'the gate')
    .requiredOption('--out <dir>', 'the folder to write (created if missing)')
    .option('--base-url <url>', 'where the site will be served, for a sitemap.xml')
    .option('--json', 'print JSON')
    .action(
      async (options: { gate: string; out: string; baseUrl?: string; json?: boolean }, command: Command) => {
        if (options.baseUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(options.baseUrl))
          throw new CliError(`--base-url must be an http(s) URL, not ${options.baseUrl}`, 2);
        const url = (globalsOf(command).url ?? io.env.GATECAST_URL ?? DEFAULT_URL).replace(/\/+$/, '');
        const gatePath = `/t/${encodeURIComponent(options.gate)}`;
        const site = (await (
          await sendRequest(url, 'GET', `${gatePath}/bundle.json`, {})
        ).json()) as TravellerSite;
        const shown = site.bundle ? [...bundleImages(site.bundle).keys()] : [];
        const images = new Map<string, { extension: string; bytes: Uint8Array }>();
        for (const [index, sha256] of shown.entries()) {
          io.stderr(`picture ${index + 1}/${shown.length}\n`);
          const response = await sendRequest(url, 'GET', `${gatePath}/media/${sha256}`, {});
          const extension = imageExtension(response.headers.get('content-type') ?? '');
          images.set(sha256, { extension, bytes: new Uint8Array(await response.arrayBuffer()) });
        }
        const files = exportTravellerSite({
          site,
          images,
          ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
        });
        const out = resolve(io.cwd, options.out);
        for (const [index, file] of files.entries()) {
          if (index % 50 === 0) io.stderr(`writing ${index + 1}/${files.length}\n`);
          await writeOut(join(out, file.path), file.content);
        }
        const languages = site.bundle?.languages ?? site.gate.languages;
        const pages = files.filter((file) => file.path.endsWith('.html')).length;
        const summary = {
          gate: site.gate.id,
          out,
          languages,
          pages,
          pictures: images.size,
          files: files.length,
        };
        if (options.json) return printJson(io, summary);
        io.stdout(
          `traveller page of ${site.gate.id} written to ${out}: ${pages} pages in ${languages.length} languages, ${images.size} pictures\n`,
        );
      },
    );
}

/** `gatecast report kiosk`, attached to the existing `report` command. */
export function registerKioskReportCommand(program: Command, io: CliIo): void {
  const report = program.commands.find((command) => command.name() === 'report');
  if (!report) throw new Error('the report command must be registered first');
  report
    .command('kiosk')
    .description('lookup kiosk use over a period: page views by gate, kiosk and language, failed searches')
    .requiredOption('--from <date>', 'first day (YYYY-MM-DD, a day at the gate) or an ISO time')
    .requiredOption('--to <date>', 'last day, included (YYYY-MM-DD) or an ISO time, excluded')
    .option('--gate <gate>', 'only this gate (default: every gate you may read)')
    .option('--top <n>', 'how many failed search terms', '20')
    .option('--min-count <n>', 'leave out failed terms typed fewer times (personal data)', '2')
    .option('--csv <file>', 'write CSV (UTF-8 with BOM, opens in Excel) to this file')
    .option('--json', 'print JSON')
    .action(
      async (
        options: {
          from: string;
          to: string;
          gate?: string;
          top: string;
          minCount: string;
          csv?: string;
          json?: boolean;
        },
        command: Command,
      ) => {
        if (options.csv && options.json) throw new CliError('choose --csv FILE or --json, not both', 2);
        for (const [flag, value] of [
          ['--top', options.top],
          ['--min-count', options.minCount],
        ] as const) {
          if (!/^\d{1,4}$/.test(value) || Number(value) < 1)
            throw new CliError(`${flag} must be a whole number from 1, not ${value}`, 2);
        }
        const target = resolveTarget(globalsOf(command), io);
        const query = new URLSearchParams({
          from: options.from,
          to: options.to,
          top: options.top,
          minCount: options.minCount,
        });
        if (options.gate) query.set('gate', options.gate);
        if (options.csv) {
          query.set('format', 'csv');
          const response = await sendRequest(target.url, 'GET', `/api/v1/reports/kiosk?${query}`, {
            authorization: `Bearer ${target.token}`,
          });
          const file = resolve(io.cwd, options.csv);
          await writeOut(file, new Uint8Array(await response.arrayBuffer()));
          io.stdout(`kiosk use written to ${file}\n`);
          return;
        }
        const report = await callApi<KioskUsageReport>(target, 'GET', `/api/v1/reports/kiosk?${query}`);
        if (options.json) return printJson(io, report);
        printKioskUsage(io, report);
      },
    );
}

function printKioskUsage(io: CliIo, report: KioskUsageReport): void {
  if (report.views.rows.length === 0) io.stdout(`no kiosk page views from ${report.from} to ${report.to}\n`);
  else {
    printTable(
      io,
      ['GATE', 'KIOSK', 'LANGUAGE', 'VIEWS'],
      report.views.rows.map((row) => [
        row.gateId,
        row.deviceName ?? row.deviceId,
        row.language,
        String(row.views),
      ]),
    );
    io.stdout(`total: ${report.views.total} page views (${report.from} to ${report.to})\n`);
  }
  if (report.failedSearches.length === 0) return;
  io.stdout('\nsearches that found nothing:\n');
  printTable(
    io,
    ['TERM', 'LANGUAGE', 'TIMES'],
    report.failedSearches.map((row) => [row.term, row.language, String(row.count)]),
  );
}

async function writeOut(file: string, content: string | Uint8Array): Promise<void> {
  try {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, content);
  } catch (error) {
    throw new CliError(
      `cannot write ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
}
