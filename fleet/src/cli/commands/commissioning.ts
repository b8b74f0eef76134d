import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { selfTestReportSchema, SELF_TEST_CHECKS, type SelfTestReport } from '@gatecast/protocol';
import { renderCommissioningHtml } from '../../commissioning/commissioning-html.js';
import { checkMark } from '../../commissioning/commissioning-report.js';
import type { GateCommissioning, LatestSelfTest } from '../../commissioning/commissioning-schemas.js';
import { callApi, resolveTarget, type ApiTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

/**
 * The CLI's HTTP requests give up after 30 s, so the command waits a little less; a slower test
 * (a slow SD card) still sends its report as an event, which is then awaited for this long.
 */
const COMMAND_TIMEOUT_MS = 25_000;
const REPORT_WAIT_MS = 120_000;
const REPORT_POLL_MS = 2_000;

/** `gatecast devices self-test` and `gatecast gates commissioning-report`. */
export function registerCommissioningCommands(program: Command, io: CliIo): void {
  registerSelfTest(subcommand(program, 'devices'), io);
  registerGateReport(subcommand(program, 'gates'), io);
}

function subcommand(program: Command, name: string): Command {
  const found = program.commands.find((command) => command.name() === name);
  if (!found) throw new Error(`the ${name} command must be registered first`);
  return found;
}

interface CommandReply {
  result: { ok: boolean; result?: Record<string, unknown>; problem?: { code: string; message: string } };
}

function registerSelfTest(devices: Command, io: CliIo): void {
  devices
    .command('self-test <id>')
    .description("a screen's latest commissioning self-test; --run makes it test itself now")
    .option('--run', 'run the self-test now on the (connected) screen and wait for its report')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { run?: boolean; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const base = `/api/v1/devices/${encodeURIComponent(id)}`;
      const latest = options.run
        ? await runSelfTest(target, base, id, io)
        : await callApi<LatestSelfTest>(target, 'GET', `${base}/self-test`);
      if (options.json) return printJson(io, latest);
      if (!latest.report) {
        io.stdout(`${id} has never sent a self-test report; run: gatecast devices self-test ${id} --run\n`);
        return;
      }
      printReport(io, id, latest.report);
      if (options.run && !latest.report.passed) throw new CliError(`${id} failed its self-test`);
    });
}

/** Sends the `self-test` command; a report slower than the command's timeout is awaited as an event. */
async function runSelfTest(target: ApiTarget, base: string, id: string, io: CliIo): Promise<LatestSelfTest> {
  const before = await callApi<LatestSelfTest>(target, 'GET', `${base}/self-test`);
  io.stderr(`${id} is testing itself…\n`);
  const body = { name: 'self-test', args: {}, timeoutMs: COMMAND_TIMEOUT_MS };
  let reply: CommandReply;
  try {
    reply = await callApi<CommandReply>(target, 'POST', `${base}/commands`, body);
  } catch (error) {
    if (!(error instanceof CliError) || !error.message.startsWith('COMMAND_TIMEOUT')) throw error;
    return awaitNewReport(target, base, id, before.eventId);
  }
  if (!reply.result.ok) {
    const { code, message } = reply.result.problem ?? { code: 'COMMAND_FAILED', message: '' };
    throw new CliError(`${code}: ${message}`);
  }
  const report = selfTestReportSchema.safeParse(reply.result.result?.report);
  if (report.success) {
    return { deviceId: id, report: report.data, eventId: null, at: report.data.at, receivedAt: null };
  }
  return awaitNewReport(target, base, id, before.eventId);
}

async function awaitNewReport(
  target: ApiTarget,
  base: string,
  id: string,
  previous: string | null,
): Promise<LatestSelfTest> {
  const deadline = Date.now() + REPORT_WAIT_MS;
  for (;;) {
    const latest = await callApi<LatestSelfTest>(target, 'GET', `${base}/self-test`);
    if (latest.eventId !== null && latest.eventId !== previous) return latest;
    if (Date.now() >= deadline) {
      throw new CliError(`${id} sent no self-test report in time; later: gatecast devices self-test ${id}`);
    }
    await new Promise((resolve) => setTimeout(resolve, REPORT_POLL_MS));
  }
}

function printReport(io: CliIo, id: string, report: SelfTestReport): void {
  const verdict = report.passed ? 'PASSED' : 'FAILED';
  io.stdout(
    `${id}: ${verdict} at ${report.at} (${describeAge(report.at)}, ${report.trigger}, agent ${report.agentVersion})\n`,
  );
  printTable(
    io,
    ['CHECK', 'STATUS', 'SUMMARY'],
    report.checks.map((check) => [check.check, check.status, check.summary]),
  );
}

function registerGateReport(gates: Command, io: CliIo): void {
  gates
    .command('commissioning-report <gate>')
    .description("every screen of a gate with its latest self-test: the technician's hand-over sheet")
    .option('--json', 'print JSON')
    .option('--html <file>', 'write a printable page (A4) to this file')
    .action(async (gate: string, options: { json?: boolean; html?: string }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const sheet = await callApi<GateCommissioning>(
        target,
        'GET',
        `/api/v1/gates/${encodeURIComponent(gate)}/commissioning`,
      );
      if (options.html) {
        await writeFile(options.html, renderCommissioningHtml(sheet));
        io.stderr(`commissioning report written to ${options.html}\n`);
      }
      if (options.json) return printJson(io, sheet);
      if (options.html) return;
      printTable(
        io,
        ['ZONE', 'SCREEN', 'RESULT', ...SELF_TEST_CHECKS, 'TESTED'],
        sheet.screens.map((screen) => [
          screen.zoneId,
          screen.deviceId,
          screen.state,
          ...SELF_TEST_CHECKS.map((check) => checkMark(screen.report, check) || '·'),
          describeAge(screen.at),
        ]),
      );
      const { totals } = sheet;
      io.stdout(
        `${totals.screens} screens: ${totals.passed} passed, ${totals.failed} failed, ${totals.neverRan} never ran\n`,
      );
    });
}
