import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { globalsOf } from './options.js';
import { registerChannelCommands } from './alerts-channels.js';

interface AlertView {
  id: string;
  rule: string;
  severity: string;
  state: 'open' | 'resolved';
  flapping: boolean;
  deviceId: string;
  deviceName: string;
  gateId: string;
  zoneId: string;
  since: string;
  firedAt: string;
  escalatedAt: string | null;
  resolvedAt: string | null;
  acknowledged: { by: string; at: string; note: string | null } | null;
  facts: Record<string, unknown>;
}

interface AlertDetail extends AlertView {
  transitions: Array<{ id: string; kind: string; at: string; notified?: string }>;
}

interface Delivery {
  channelName: string;
  transitionKind: string;
  state: string;
  attempts: number;
  deliveredAt: string | null;
  lastError: string | null;
}

const STATES = ['open', 'resolved', 'all'];

/** "open, escalated, flapping, acked by lan" in one cell. */
function stateText(alert: AlertView): string {
  const marks: string[] = [alert.state];
  if (alert.escalatedAt && alert.state === 'open') marks.push('escalated');
  if (alert.flapping) marks.push('flapping');
  if (alert.acknowledged) marks.push(`acked by ${alert.acknowledged.by}`);
  return marks.join(', ');
}

/** `gatecast alerts …`: health alerts, acknowledgement, and the chat channels they go to. */
export function registerAlertCommands(program: Command, io: CliIo): void {
  const alerts = program
    .command('alerts')
    .description('health alerts: list, show, acknowledge; chat channels');
  const api = <T>(command: Command, method: string, path: string, body?: unknown) =>
    callApi<T>(resolveTarget(globalsOf(command), io), method, path, body);

  alerts
    .command('list')
    .description('alerts, newest first (open ones by default)')
    .option('--state <state>', 'open, resolved or all', 'open')
    .option('--gate <gate>', 'only this gate')
    .option('--json', 'print JSON')
    .action(async (options: { state: string; gate?: string; json?: boolean }, command: Command) => {
      if (!STATES.includes(options.state))
        throw new CliError(`--state must be one of ${STATES.join(', ')}`, 2);
      const query = new URLSearchParams({ state: options.state });
      if (options.gate) query.set('gateId', options.gate);
      const { alerts: list } = await api<{ alerts: AlertView[] }>(command, 'GET', `/api/v1/alerts?${query}`);
      if (options.json) return printJson(io, list);
      if (list.length === 0)
        return io.stdout(`no ${options.state === 'all' ? '' : `${options.state} `}alerts\n`);
      printTable(
        io,
        ['ID', 'SEVERITY', 'RULE', 'SCREEN', 'GATE', 'SINCE', 'STATE'],
        list.map((alert) => [
          alert.id,
          alert.severity,
          alert.rule,
          alert.deviceId,
          alert.gateId,
          describeAge(alert.since),
          stateText(alert),
        ]),
      );
    });

  alerts
    .command('show <id>')
    .description('one alert with its transitions and where it was sent')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const alert = await api<AlertDetail>(command, 'GET', `/api/v1/alerts/${encodeURIComponent(id)}`);
      const { deliveries } = await api<{ deliveries: Delivery[] }>(
        command,
        'GET',
        `/api/v1/alert-deliveries?alertId=${encodeURIComponent(id)}`,
      );
      if (options.json) return printJson(io, { ...alert, deliveries });
      const facts = Object.entries(alert.facts).map(([key, value]) => `${key}=${String(value)}`);
      io.stdout(
        [
          `${alert.id}  ${alert.severity} ${alert.rule}  ${stateText(alert)}`,
          `screen ${alert.deviceName} (${alert.deviceId}), gate ${alert.gateId}, zone ${alert.zoneId}`,
          `since ${alert.since} (${describeAge(alert.since)}), fired ${alert.firedAt}` +
            (alert.resolvedAt ? `, resolved ${alert.resolvedAt}` : ''),
          ...(facts.length > 0 ? [`facts: ${facts.join(', ')}`] : []),
          ...(alert.acknowledged?.note ? [`note: ${alert.acknowledged.note}`] : []),
          '',
        ].join('\n'),
      );
      printTable(
        io,
        ['TRANSITION', 'AT', 'NOTIFIED'],
        alert.transitions.map((step) => [step.kind, step.at, step.notified ?? '-']),
      );
      if (deliveries.length === 0) return;
      io.stdout('\n');
      printTable(
        io,
        ['CHANNEL', 'TRANSITION', 'STATE', 'TRIES', 'DELIVERED', 'LAST ERROR'],
        deliveries.map((entry) => [
          entry.channelName,
          entry.transitionKind,
          entry.state,
          String(entry.attempts),
          entry.deliveredAt ?? '-',
          entry.lastError ?? '-',
        ]),
      );
    });

  alerts
    .command('ack <id>')
    .description('acknowledge an alert: stops its escalation')
    .option('--note <text>', 'what is being done about it')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { note?: string; json?: boolean }, command: Command) => {
      const body = options.note === undefined ? {} : { note: options.note };
      const alert = await api<AlertView>(
        command,
        'POST',
        `/api/v1/alerts/${encodeURIComponent(id)}/ack`,
        body,
      );
      if (options.json) return printJson(io, alert);
      io.stdout(`acknowledged ${alert.id} (${alert.rule} on ${alert.deviceId})\n`);
    });

  alerts
    .command('test-channel <channel>')
    .description('send a test message to a channel now (by id or name)')
    .option('--json', 'print JSON')
    .action(async (channel: string, options: { json?: boolean }, command: Command) => {
      const id = await resolveChannelId(command, channel, api);
      const result = await api<{ ok: boolean; status: number | null; error: string | null }>(
        command,
        'POST',
        `/api/v1/alert-channels/${id}/test`,
      );
      if (options.json) return printJson(io, result);
      if (!result.ok)
        throw new CliError(`the test message did not arrive: ${result.error ?? 'unknown error'}`);
      io.stdout(`test message delivered to ${channel} (HTTP ${result.status})\n`);
    });

  registerChannelCommands(alerts, io, api);
}

export type Api = <T>(command: Command, method: string, path: string, body?: unknown) => Promise<T>;

/** Channels are named by people and by 12-character ids; either works. */
export async function resolveChannelId(command: Command, idOrName: string, api: Api): Promise<string> {
  const { channels } = await api<{ channels: Array<{ id: string; name: string }> }>(
    command,
    'GET',
    '/api/v1/alert-channels',
  );
  const found = channels.find((channel) => channel.id === idOrName || channel.name === idOrName);
  if (!found) throw new CliError(`no alert channel ${idOrName} (see gatecast alerts channels list)`);
  return found.id;
}
