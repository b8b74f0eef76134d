import { Gauge, type Registry } from 'prom-client';
import type { DeviceRecord } from '../devices/device-row.js';
import { SCREEN_HEALTH_STATES, classifyScreen, type ScreenHealth } from './screen-health.js';

export interface GateAggregate {
  gateId: string;
  screens: Record<ScreenHealth, number>;
  temperatureC: { max: number; avg: number } | null;
  diskUsedRatioMax: number | null;
  memoryUsedRatioMax: number | null;
  underVoltageScreens: number;
}

type Screen = Pick<DeviceRecord, 'gateId' | 'presence' | 'lastTelemetry' | 'lastTelemetryAt'>;

/**
 * Per-gate figures from each screen's latest sample. Readings count only from screens whose
 * sample is fresh (up or dark): an offline screen's last temperature says nothing about now. Pure.
 */
export function aggregateGates(
  gateIds: readonly string[],
  devices: readonly Screen[],
  options: { now: Date; staleAfterMs?: number },
): GateAggregate[] {
  const groups = new Map<string, { aggregate: GateAggregate; temperatures: number[] }>();
  for (const gateId of gateIds) {
    const screens = Object.fromEntries(SCREEN_HEALTH_STATES.map((state) => [state, 0]));
    groups.set(gateId, {
      aggregate: {
        gateId,
        screens: screens as Record<ScreenHealth, number>,
        temperatureC: null,
        diskUsedRatioMax: null,
        memoryUsedRatioMax: null,
        underVoltageScreens: 0,
      },
      temperatures: [],
    });
  }
  for (const device of devices) {
    const group = groups.get(device.gateId);
    if (!group) continue;
    const state = classifyScreen(device, options);
    group.aggregate.screens[state] += 1;
    const sample = device.lastTelemetry;
    if (!sample || (state !== 'up' && state !== 'dark')) continue;
    const { aggregate } = group;
    if (sample.cpu.temperatureC !== null) group.temperatures.push(sample.cpu.temperatureC);
    aggregate.diskUsedRatioMax = maxOf(aggregate.diskUsedRatioMax, ratio(sample.disk));
    aggregate.memoryUsedRatioMax = maxOf(aggregate.memoryUsedRatioMax, ratio(sample.memory));
    if (sample.power?.underVoltageNow) aggregate.underVoltageScreens += 1;
  }
  return [...groups.values()].map(({ aggregate, temperatures }) => ({
    ...aggregate,
    temperatureC: temperatures.length
      ? {
          max: Math.max(...temperatures),
          avg: temperatures.reduce((sum, value) => sum + value, 0) / temperatures.length,
        }
      : null,
  }));
}

function ratio(usage: { usedBytes: number; totalBytes: number } | null): number | null {
  return usage && usage.totalBytes > 0 ? usage.usedBytes / usage.totalBytes : null;
}

function maxOf(current: number | null, next: number | null): number | null {
  if (next === null) return current;
  return current === null ? next : Math.max(current, next);
}

export interface GateMetricsSource {
  gates: { list(): Promise<Array<{ id: string }>> };
  devices: { list(): Promise<Screen[]> };
  now?: () => Date;
  staleAfterMs?: number;
}

/**
 * Prometheus gauges per gate, computed at scrape time. A reading without any fresh sample behind
 * it is left out rather than reported as 0, so a dashboard shows a gap, not a cool empty gate.
 */
export function registerGateHealthMetrics(registry: Registry, source: GateMetricsSource): void {
  const now = source.now ?? (() => new Date());
  // One scrape starts every gauge's collect at once: they share one read of the store.
  let cached: Promise<GateAggregate[]> | null = null;
  const aggregates = (): Promise<GateAggregate[]> => {
    cached ??= (async () => {
      const gateIds = (await source.gates.list()).map((gate) => gate.id);
      const options = { now: now(), ...(source.staleAfterMs ? { staleAfterMs: source.staleAfterMs } : {}) };
      return aggregateGates(gateIds, await source.devices.list(), options);
    })().finally(() => setImmediate(() => (cached = null)));
    return cached;
  };
  const registers = [registry];
  new Gauge({
    name: 'gatecast_gate_screens',
    help: 'Screens per gate by health: up, dark (display black, off or unplugged), stale, offline, never-seen.',
    labelNames: ['gate', 'state'],
    registers,
    async collect() {
      const gates = await aggregates();
      this.reset();
      for (const gate of gates) {
        for (const state of SCREEN_HEALTH_STATES) this.set({ gate: gate.gateId, state }, gate.screens[state]);
      }
    },
  });
  new Gauge({
    name: 'gatecast_gate_temperature_celsius',
    help: "CPU temperature of a gate's reporting screens: the hottest and the average.",
    labelNames: ['gate', 'stat'],
    registers,
    async collect() {
      const gates = await aggregates();
      this.reset();
      for (const { gateId: gate, temperatureC } of gates) {
        if (!temperatureC) continue;
        this.set({ gate, stat: 'max' }, temperatureC.max);
        this.set({ gate, stat: 'avg' }, temperatureC.avg);
      }
    },
  });
  const maxRatio = (name: string, help: string, pick: (gate: GateAggregate) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames: ['gate', 'stat'],
      registers,
      async collect() {
        const gates = await aggregates();
        this.reset();
        for (const gate of gates) {
          const value = pick(gate);
          if (value !== null) this.set({ gate: gate.gateId, stat: 'max' }, value);
        }
      },
    });
  maxRatio(
    'gatecast_gate_disk_used_ratio',
    "The fullest disk among a gate's reporting screens (0–1).",
    (gate) => gate.diskUsedRatioMax,
  );
  maxRatio(
    'gatecast_gate_memory_used_ratio',
    "The highest memory use among a gate's reporting screens (0–1).",
    (gate) => gate.memoryUsedRatioMax,
  );
  new Gauge({
    name: 'gatecast_gate_under_voltage_screens',
    help: 'Screens of a gate whose power supply is too weak right now (Raspberry Pi under-voltage).',
    labelNames: ['gate'],
    registers,
    async collect() {
      const gates = await aggregates();
      this.reset();
      for (const gate of gates) this.set({ gate: gate.gateId }, gate.underVoltageScreens);
    },
  });
}
