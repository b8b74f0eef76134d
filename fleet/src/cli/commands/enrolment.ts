import type { Command } from 'commander';
import type { CreatedEnrolmentToken, EnrolmentTokenView } from '../../enrolment/enrolment-api.js';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson, printTable } from '../output.js';
import { registerEnrolmentDeviceCommands } from './enrolment-devices.js';
import { globalsOf } from './options.js';

interface CreateOptions {
  gate: string;
  zone?: string;
  expires: string;
  note?: string;
  json?: boolean;
}

/**
 * `gatecast enrolment-tokens …` (a gate's invitation for screens to ask to join), and on
 * `gatecast devices`: pending, approve, refuse.
 */
export function registerEnrolmentCommands(program: Command, io: CliIo): void {
  const tokens = program
    .command('enrolment-tokens')
    .description('tokens screens of one gate enrol with (zero-touch): create, list, revoke');
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);

  tokens
    .command('create')
    .description("create a token for a gate; it is shown once, to put in the SD card's provision.json")
    .requiredOption('--gate <gate>', 'the gate its screens join, e.g. cat-bi-airport')
    .option('--zone <zone>', 'the zone they go to unless the approver picks another')
    .option('--expires <duration>', 'how long it admits screens: hours (72h) or days (3d), up to 30d', '72h')
    .option('--note <text>', 'what it is for, e.g. "arrivals hall refit"')
    .option('--json', 'print JSON')
    .action(async (options: CreateOptions, command: Command) => {
      const body = {
        gateId: options.gate,
        zoneId: options.zone,
        expiresInHours: parseDuration(options.expires),
        note: options.note,
      };
      const created = await api<CreatedEnrolmentToken>(command, 'POST', '/api/v1/enrolment-tokens', body);
      if (options.json) return printJson(io, created);
      const fleetUrl = resolveTarget(globalsOf(command), io).url;
      io.stdout(createdText(created, fleetUrl));
    });

  tokens
    .command('list')
    .description('tokens of the gates you may enrol screens at (the tokens themselves are never shown again)')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { tokens: list } = await api<{ tokens: EnrolmentTokenView[] }>(
        command,
        'GET',
        '/api/v1/enrolment-tokens',
      );
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['ID', 'GATE', 'ZONE', 'STATE', 'EXPIRES', 'NOTE'],
        list.map((token) => [
          token.id,
          token.gateId,
          token.zoneId ?? '-',
          token.state,
          token.expiresAt,
          token.note || '-',
        ]),
      );
    });

  tokens
    .command('revoke <id>')
    .description('revoke a token: screens can no longer ask with it, and those waiting are refused')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const path = `/api/v1/enrolment-tokens/${encodeURIComponent(id)}`;
      const revoked = await api<EnrolmentTokenView>(command, 'DELETE', path);
      if (options.json) return printJson(io, revoked);
      io.stdout(`revoked ${revoked.id} (${revoked.gateId})\n`);
    });

  const devices = program.commands.find((candidate) => candidate.name() === 'devices');
  if (devices) registerEnrolmentDeviceCommands(devices, io);
}

/** `72h`, `3d` or a bare number of hours → hours, within what the fleet accepts. */
export function parseDuration(text: string): number {
  const match = /^(\d+)\s*([hd]?)$/i.exec(text.trim());
  const hours = match ? Number(match[1]) * (match[2]?.toLowerCase() === 'd' ? 24 : 1) : NaN;
  if (!Number.isInteger(hours) || hours < 1 || hours > 720)
    throw new CliError(`--expires must be hours (72h) or days (3d), from 1h to 30d; got "${text}"`, 2);
  return hours;
}

function createdText(created: CreatedEnrolmentToken, fleetUrl: string): string {
  const where = created.zoneId ? `${created.gateId}/${created.zoneId}` : created.gateId;
  const provision = {
    format: 1,
    fleetUrl,
    enrolmentToken: created.token,
    gateId: created.gateId,
    ...(created.zoneId ? { zoneId: created.zoneId } : {}),
  };
  return [
    `enrolment token ${created.id} for ${where}, valid until ${created.expiresAt}:`,
    '',
    `  ${created.token}`,
    '',
    "It is not shown again. Put it in gatecast/provision.json on the SD card's boot partition",
    '(fleetUrl must be the address the screens reach), e.g. with `gatecast provision`:',
    JSON.stringify(provision, null, 2),
    '',
  ].join('\n');
}
