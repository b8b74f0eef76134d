import type { Command } from 'commander';
import { callApi, resolveTarget } from '../api-client.js';
import { CliError, type CliIo } from '../io.js';
import { printJson } from '../output.js';
import { globalsOf } from './options.js';
import { registerScreenshotCommand } from './screenshot-command.js';

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

  registerScreenshotCommand(devices, io, send);
  registerPlayerCommands(devices, io);
  registerHardwareCommands(devices, io);
}

function registerPlayerCommands(devices: Command, io: CliIo): void {
  const simple = [
    ['reload', 'reload the player page (the browser keeps running)', 'reloaded its player page'],
    ['restart-browser', 'restart the kiosk browser of a screen', 'is restarting its browser'],
  ] as const;
  for (const [name, description, done] of simple) {
    devices
      .command(`${name} <id>`)
      .description(description)
      .option('--json', 'print JSON')
      .action(async (id: string, options: { json?: boolean }, command: Command) => {
        const reply = await send(io, command, id, name, {});
        if (options.json) return printJson(io, reply.result);
        io.stdout(`${id} ${done}\n`);
      });
  }
}

function registerHardwareCommands(devices: Command, io: CliIo): void {
  devices
    .command('reboot <id>')
    .description('reboot a screen (it answers first, then restarts after the delay)')
    .option('--delay <seconds>', 'seconds to wait before rebooting (0 to 600)', '5')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { delay: string; json?: boolean }, command: Command) => {
      const delaySec = Number(options.delay);
      if (!Number.isInteger(delaySec) || delaySec < 0 || delaySec > 600) {
        throw new CliError('--delay must be a whole number from 0 to 600', 2);
      }
      const reply = await send(io, command, id, 'reboot', { delaySec });
      if (options.json) return printJson(io, reply.result);
      io.stdout(`${id} reboots at ${String(reply.result.result?.rebootAt ?? '?')}\n`);
    });

  devices
    .command('display <id> <action>')
    .description('switch the TV over HDMI-CEC: on, standby, or status')
    .option('--json', 'print JSON')
    .action(async (id: string, action: string, options: { json?: boolean }, command: Command) => {
      if (!['on', 'standby', 'status'].includes(action)) {
        throw new CliError('action must be on, standby or status', 2);
      }
      const reply = await send(io, command, id, 'display', { action });
      if (options.json) return printJson(io, reply.result);
      io.stdout(`${id} display: ${String(reply.result.result?.power ?? 'unknown')}\n`);
    });
}

export type SendCommand = typeof send;

async function send(
  io: CliIo,
  command: Command,
  id: string,
  name: string,
  args: Record<string, unknown>,
  timeoutMs?: number,
) {
  const target = resolveTarget(globalsOf(command), io);
  const path = `/api/v1/devices/${encodeURIComponent(id)}/commands`;
  const body = { name, args, ...(timeoutMs === undefined ? {} : { timeoutMs }) };
  const reply = await callApi<CommandReply>(target, 'POST', path, body);
  if (!reply.result.ok) {
    throw new CliError(
      `${reply.result.problem?.code ?? 'COMMAND_FAILED'}: ${reply.result.problem?.message ?? ''}`,
    );
  }
  return reply;
}
