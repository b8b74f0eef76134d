import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { globalsOf } from './options.js';

interface CommandReply {
  result: { ok: boolean; result?: Record<string, unknown>; problem?: { code: string; message: string } };
}

/** One-off actions on a connected screen; the answer comes back over MQTT through the API. */
export function registerDeviceCommandCommands(devices: Command, io: CliIo): void {
  devices
    .command('ping <id>')
    .description('check that a screen answers')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const reply = await send(io, command, id, 'ping', {});
      if (options.json) return printJson(io, reply.result);
      io.stdout(`${id} answered: agent ${String(reply.result.result?.agentVersion ?? '?')}\n`);
    });

  devices
    .command('identify <id>')
    .description('make a screen show its identity so a technician can find it')
    .option('--seconds <n>', 'how long', '30')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { seconds: string; json?: boolean }, command: Command) => {
      const durationSec = Number(options.seconds);
      if (!Number.isInteger(durationSec) || durationSec < 1 || durationSec > 600) {
        throw new CliError('--seconds must be a whole number from 1 to 600', 2);
      }
      const reply = await send(io, command, id, 'identify', { durationSec });
      if (options.json) return printJson(io, reply.result);
      io.stdout(`${id} is identifying itself until ${String(reply.result.result?.until ?? '?')}\n`);
    });
}

async function send(io: CliIo, command: Command, id: string, name: string, args: Record<string, unknown>) {
  const target = resolveTarget(globalsOf(command), io);
  const path = `/api/v1/devices/${encodeURIComponent(id)}/commands`;
  const reply = await callApi<CommandReply>(target, 'POST', path, { name, args });
  if (!reply.result.ok) {
    throw new CliError(
      `${reply.result.problem?.code ?? 'COMMAND_FAILED'}: ${reply.result.problem?.message ?? ''}`,
    );
  }
  return reply;
}
