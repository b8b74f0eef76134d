import type { Command } from 'commander';
import { writeAgentConfigFile } from '@gatecast/provisioning';
import { callApi, resolveTarget } from '../api-client.js';
import type { DeviceView, EnrolledDevice } from '../api-types.js';
import type { CliIo } from '../io.js';
import { describeAge, printJson, printTable } from '../output.js';
import { globalsOf, splitList } from './options.js';
import { registerDeviceCommandCommands } from './device-commands.js';
import { registerDeviceEventsCommand } from '../../events/events-command.js';

export function registerDeviceCommands(program: Command, io: CliIo): void {
  const devices = program.command('devices').description('screens: enrol, list, inspect, remove');
  registerAdd(devices, io);
  registerList(devices, io);
  registerShow(devices, io);
  registerRemove(devices, io);
  registerDeviceCommandCommands(devices, io);
  registerDeviceEventsCommand(devices, io);
}

interface AddOptions {
  gate: string;
  zone: string;
  name: string;
  id?: string;
  tags?: string;
  mqttUrl?: string;
  out?: string;
  json?: boolean;
}

function registerAdd(devices: Command, io: CliIo): void {
  devices
    .command('add')
    .description('enrol a screen; prints its agent config (with its secret) once')
    .requiredOption('--gate <gate>', 'gate id, e.g. cat-bi-airport')
    .requiredOption('--zone <zone>', 'zone id within the gate, e.g. arrivals-hall')
    .requiredOption('--name <name>', 'a name a technician recognises, e.g. "Arrivals belt 3"')
    .option('--id <id>', 'device id (default: derived from gate and zone)')
    .option('--tags <list>', 'comma-separated tags')
    .option('--mqtt-url <url>', "override the broker address written into the agent's config")
    .option('--out <file>', 'write the agent config to this file (mode 0600) instead of printing it')
    .option('--json', 'print JSON')
    .action(async (options: AddOptions, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const body = {
        gateId: options.gate,
        zoneId: options.zone,
        name: options.name,
        id: options.id,
        tags: splitList(options.tags),
      };
      const enrolled = await callApi<EnrolledDevice>(target, 'POST', '/api/v1/devices', body);
      if (options.mqttUrl) enrolled.agentConfig.mqtt.url = options.mqttUrl;
      if (options.out) writeAgentConfigFile(options.out, enrolled.agentConfig);
      if (options.json)
        return printJson(io, options.out ? { device: enrolled.device, configFile: options.out } : enrolled);
      io.stderr(`enrolled ${enrolled.device.id} in ${enrolled.device.gateId}/${enrolled.device.zoneId}\n`);
      if (options.out) {
        io.stdout(`agent config written to ${options.out}\n`);
        return;
      }
      io.stderr(
        'agent config below: save it as /etc/gatecast/agent.json on the screen; the secret is not shown again\n',
      );
      printJson(io, enrolled.agentConfig);
    });
}

function registerList(devices: Command, io: CliIo): void {
  devices
    .command('list')
    .description('list screens with their presence and sync state')
    .option('--gate <gate>', 'only this gate')
    .option('--zone <zone>', 'only this zone')
    .option('--json', 'print JSON')
    .action(async (options: { gate?: string; zone?: string; json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const query = new URLSearchParams();
      if (options.gate) query.set('gate', options.gate);
      if (options.zone) query.set('zone', options.zone);
      const suffix = query.size > 0 ? `?${query}` : '';
      const { devices: list } = await callApi<{ devices: DeviceView[] }>(
        target,
        'GET',
        `/api/v1/devices${suffix}`,
      );
      if (options.json) return printJson(io, list);
      printTable(
        io,
        ['DEVICE', 'NAME', 'GATE', 'ZONE', 'STATE', 'SINCE', 'AGENT', 'SYNC'],
        list.map((device) => [
          device.id,
          device.name,
          device.gateId,
          device.zoneId,
          device.presence.state,
          describeAge(device.presence.since),
          device.agentVersion ?? '-',
          describeSync(device),
        ]),
      );
    });
}

function describeSync(device: DeviceView): string {
  if (device.inSync) return `in sync (v${device.desiredVersion})`;
  return `v${device.appliedVersion ?? '-'} of v${device.desiredVersion ?? '-'}`;
}

function registerShow(devices: Command, io: CliIo): void {
  devices
    .command('show <id>')
    .description('everything the fleet knows about one screen')
    .option('--json', 'print JSON (the default; kept for symmetry with other commands)')
    .action(async (id: string, _options: unknown, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      const { device } = await callApi<{ device: DeviceView }>(target, 'GET', devicePath(id));
      printJson(io, device);
    });
}

function registerRemove(devices: Command, io: CliIo): void {
  devices
    .command('remove <id>')
    .description('remove a screen: its secret stops working and a connected screen is disconnected')
    .option('--json', 'print JSON')
    .action(async (id: string, options: { json?: boolean }, command: Command) => {
      const target = resolveTarget(globalsOf(command), io);
      await callApi<void>(target, 'DELETE', devicePath(id));
      if (options.json) return printJson(io, { removed: id });
      io.stdout(`removed ${id}\n`);
    });
}

export function devicePath(id: string): string {
  return `/api/v1/devices/${encodeURIComponent(id)}`;
}
