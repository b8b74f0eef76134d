import type { Command } from 'commander';
import { CliError, type CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { resolveChannelId, type Api } from './alerts.js';

interface ChannelView {
  id: string;
  name: string;
  kind: string;
  language: string;
  gateIds: string[] | null;
  minSeverity: string;
  enabled: boolean;
  target: string;
  queued: number;
  lastDelivery: { at: string; ok: boolean; status: number | null; error: string | null } | null;
}

export interface AddOptions {
  kind: string;
  name: string;
  webhookUrl?: string;
  secret?: string;
  botToken?: string;
  chatId?: string;
  apiBaseUrl?: string;
  language?: string;
  gate: string[];
  minSeverity?: string;
  disabled?: boolean;
  json?: boolean;
}

const KINDS = ['slack', 'teams', 'google-chat', 'telegram', 'webhook'];

const collect = (value: string, previous: string[]) => [...previous, value];

function lastDeliveryText(channel: ChannelView): string {
  const last = channel.lastDelivery;
  if (!last) return '-';
  return last.ok ? `ok ${describeAge(last.at)}` : `failed ${describeAge(last.at)}: ${last.error ?? '?'}`;
}

/** The request body of `channels add`: only the flags the kind uses, so the API names any mistake. */
export function addBody(options: AddOptions): Record<string, unknown> {
  if (!KINDS.includes(options.kind)) throw new CliError(`--kind must be one of ${KINDS.join(', ')}`, 2);
  const body: Record<string, unknown> = { kind: options.kind, name: options.name };
  if (options.language) body.language = options.language;
  if (options.gate.length > 0) body.gateIds = options.gate;
  if (options.minSeverity) body.minSeverity = options.minSeverity;
  if (options.disabled) body.enabled = false;
  if (options.kind === 'telegram') {
    if (!options.botToken || !options.chatId)
      throw new CliError('a telegram channel needs --bot-token and --chat-id', 2);
    body.botToken = options.botToken;
    body.chatId = options.chatId;
    if (options.apiBaseUrl) body.apiBaseUrl = options.apiBaseUrl;
    return body;
  }
  if (!options.webhookUrl) throw new CliError(`a ${options.kind} channel needs --webhook-url`, 2);
  body.url = options.webhookUrl;
  if (options.secret !== undefined) {
    if (options.kind !== 'webhook') throw new CliError('--secret is for webhook channels only', 2);
    body.secret = options.secret;
  }
  return body;
}

/** `gatecast alerts channels list|add|remove`: where alerts are sent. Targets show their host only. */
export function registerChannelCommands(alerts: Command, io: CliIo, api: Api): void {
  const channels = alerts.command('channels').description('chat channels alerts are sent to');

  channels
    .command('list')
    .description('channels with their target host, scope and last delivery')
    .option('--json', 'print JSON')
    .action(async (options: { json?: boolean }, command: Command) => {
      const { channels: list } = await api<{ channels: ChannelView[] }>(
        command,
        'GET',
        '/api/v1/alert-channels',
      );
      if (options.json) return printJson(io, list);
      if (list.length === 0)
        return io.stdout('no alert channels: add one with gatecast alerts channels add\n');
      printTable(
        io,
        ['ID', 'NAME', 'KIND', 'TARGET', 'LANG', 'GATES', 'MIN', 'ON', 'QUEUED', 'LAST DELIVERY'],
        list.map((channel) => [
          channel.id,
          channel.name,
          channel.kind,
          channel.target,
          channel.language,
          channel.gateIds?.join(',') ?? 'all',
          channel.minSeverity,
          channel.enabled ? 'yes' : 'no',
          String(channel.queued),
          lastDeliveryText(channel),
        ]),
      );
    });

  channels
    .command('add')
    .description('add a channel (slack also covers Mattermost and Rocket.Chat incoming webhooks)')
    .requiredOption('--kind <kind>', KINDS.join(', '))
    .requiredOption('--name <name>', 'a name people recognise, e.g. "Cat Bi duty chat"')
    // Not --url: that is the global flag naming the fleet manager.
    .option('--webhook-url <url>', 'the incoming webhook URL (slack, teams, google-chat, webhook)')
    .option('--secret <secret>', 'webhook signing secret (generated and shown once when left out)')
    .option('--bot-token <token>', 'telegram: the bot token from @BotFather')
    .option('--chat-id <id>', 'telegram: the chat, group or @channel')
    .option('--api-base-url <url>', 'telegram: the Bot API address (default https://api.telegram.org)')
    .option('--language <language>', 'vi or en (default vi)')
    .option('--gate <gate>', 'only alerts of this gate (repeatable; default all gates)', collect, [])
    .option('--min-severity <severity>', 'warning (default) or critical')
    .option('--disabled', 'add it switched off')
    .option('--json', 'print JSON')
    .action(async (options: AddOptions, command: Command) => {
      const answer = await api<{ channel: ChannelView; secret?: string }>(
        command,
        'POST',
        '/api/v1/alert-channels',
        addBody(options),
      );
      if (options.json) return printJson(io, answer);
      io.stdout(
        `added ${answer.channel.kind} channel ${answer.channel.name} (${answer.channel.id}) → ${answer.channel.target}\n`,
      );
      if (answer.secret) io.stdout(`signing secret (shown only now): ${answer.secret}\n`);
    });

  channels
    .command('remove <channel>')
    .description('remove a channel (by id or name); alerts still queued for it are dropped')
    .action(async (channel: string, _options: unknown, command: Command) => {
      const id = await resolveChannelId(command, channel, api);
      await api(command, 'DELETE', `/api/v1/alert-channels/${id}`);
      io.stdout(`removed alert channel ${channel}\n`);
    });
}
