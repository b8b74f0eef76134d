import type { Command } from 'commander';
import type { ApprovedEnrolment, EnrolmentRequestView } from '../../enrolment/enrolment-api.js';
import { normalisePairingCode } from '../../enrolment/enrolment-api.js';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';

interface ApproveOptions {
  gate: string;
  zone?: string;
  name: string;
  id?: string;
  json?: boolean;
}

/** `gatecast devices pending | approve | refuse`: the screens that asked to join with a token. */
export function registerEnrolmentDeviceCommands(devices: Command, io: CliIo): void {
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);
  const pending = async (command: Command, gate?: string) => {
    const query = new URLSearchParams({ state: 'pending', ...(gate ? { gate } : {}) });
    const path = `/api/v1/enrolment/requests?${query}`;
    return (await api<{ requests: EnrolmentRequestView[] }>(command, 'GET', path)).requests;
  };

  devices
    .command('pending')
    .description('screens waiting for approval, with the pairing code each one shows')
    .option('--gate <gate>', 'only this gate')
    .option('--json', 'print JSON')
    .action(async (options: { gate?: string; json?: boolean }, command: Command) => {
      const list = await pending(command, options.gate);
      if (options.json) return printJson(io, list);
      if (list.length === 0) return io.stdout('no screen is waiting\n');
      printTable(
        io,
        ['CODE', 'GATE', 'ZONE', 'SERIAL', 'NETWORK', 'AGENT', 'ASKED'],
        list.map((request) => [
          request.pairingCode,
          request.gateId,
          request.zoneId ?? request.requestedZoneId ?? '-',
          request.serial,
          describeNetwork(request.network),
          request.agentVersion,
          describeAge(request.createdAt),
        ]),
      );
    });

  devices
    .command('approve <code>')
    .description('approve the screen showing this pairing code; it fetches its own credentials')
    .requiredOption('--gate <gate>', "the gate it goes to (must be its token's gate)")
    .option('--zone <zone>', "the zone (default: the token's zone)")
    .requiredOption('--name <name>', 'a name a technician recognises, e.g. "Arrivals belt 3"')
    .option('--id <id>', 'device id (default: derived from gate and zone)')
    .option('--json', 'print JSON')
    .action(async (code: string, options: ApproveOptions, command: Command) => {
      const pairingCode = normalisePairingCode(code);
      if (typeof pairingCode !== 'string' || !/^[A-Z0-9]{4}-[A-Z0-9]{4}$/.test(pairingCode))
        throw new CliError(`"${code}" is not a pairing code; it looks like K7MQ-42XV`, 2);
      const body = {
        pairingCode,
        gateId: options.gate,
        zoneId: options.zone,
        name: options.name,
        deviceId: options.id,
      };
      const approved = await api<ApprovedEnrolment>(command, 'POST', '/api/v1/enrolment/approve', body);
      if (options.json) return printJson(io, approved);
      const { device } = approved;
      io.stdout(
        `approved ${pairingCode}: ${device.id} "${device.name}" in ${device.gateId}/${device.zoneId}; ` +
          'the screen picks up its credentials at its next poll\n',
      );
    });

  devices
    .command('refuse <code-or-request>')
    .description('refuse a waiting screen (by pairing code or request id)')
    .option('--json', 'print JSON')
    .action(async (key: string, options: { json?: boolean }, command: Command) => {
      const code = normalisePairingCode(key);
      const match = (await pending(command)).find(
        (request) => request.pairingCode === code || request.id === key,
      );
      if (!match) throw new CliError(`no screen is waiting with code or request ${key}`);
      const path = `/api/v1/enrolment/requests/${encodeURIComponent(match.id)}/refuse`;
      const { request } = await api<{ request: EnrolmentRequestView }>(command, 'POST', path, {});
      if (options.json) return printJson(io, request);
      io.stdout(`refused ${request.pairingCode} (serial ${request.serial})\n`);
    });
}

function describeNetwork(network: EnrolmentRequestView['network']): string {
  if (!network) return '-';
  return [network.interface, network.address].filter((part) => part !== null).join(' ') || '-';
}
