import type { TelemetrySample } from '@gatecast/protocol';

// Deterministic telemetry for rollup and history tests: one sample every 20 seconds, whose
// readings follow simple patterns so each minute's and hour's expected figures can be computed
// here independently of the SQL under test.

export const START = '2026-11-26T09:00:00.000Z';
export const START_MS = Date.parse(START);
export const SECONDS = [0, 20, 40] as const;

export function receivedAt(minute: number, second: number): string {
  return new Date(START_MS + minute * 60_000 + second * 1000).toISOString();
}

export const load = (minute: number, second: number) => (minute % 7) * 10 + second / 20;
export const temperature = (minute: number, second: number) => 40 + (minute % 13) + second / 40;
/** Memory used: 25 %, 50 % or 75 % by second. */
export const memoryPercent = (second: number) => 25 * (1 + second / 20);
/** Under-voltage in one sample only; a black display for one whole minute. */
export const UNDER_VOLTAGE_AT = { minute: 61, second: 20 };
export const BLACK_MINUTE = 90;

export function sampleAt(minute: number, second: number): TelemetrySample {
  return {
    at: receivedAt(minute, second),
    uptimeSec: 1000 + minute * 60 + second,
    cpu: { loadPercent: load(minute, second), temperatureC: temperature(minute, second) },
    memory: { totalBytes: 4e9, usedBytes: (4e9 * memoryPercent(second)) / 100 },
    disk: { totalBytes: 32e9, usedBytes: 8e9 },
    agent: { version: '0.1.0', rssBytes: 80e6, uptimeSec: 900 },
    power: {
      raw: 0,
      underVoltageNow: minute === UNDER_VOLTAGE_AT.minute && second === UNDER_VOLTAGE_AT.second,
      throttledNow: false,
      frequencyCappedNow: false,
      softTemperatureLimitNow: false,
      underVoltageSinceBoot: false,
      throttledSinceBoot: false,
    },
    display: { black: minute === BLACK_MINUTE, frozen: false, checkedAt: null, cecPower: 'on' },
  };
}

/** Stores samples for minutes [fromMinute, toMinute) through the repo's hot path. */
export async function storeSamples(
  devices: { saveTelemetry(id: string, sample: TelemetrySample, at: string): Promise<boolean> },
  deviceId: string,
  fromMinute: number,
  toMinute: number,
): Promise<number> {
  let stored = 0;
  for (let minute = fromMinute; minute < toMinute; minute++) {
    for (const second of SECONDS) {
      if (await devices.saveTelemetry(deviceId, sampleAt(minute, second), receivedAt(minute, second)))
        stored += 1;
    }
  }
  return stored;
}

const avg = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;

/** What the rollups must hold for the minutes [fromMinute, toMinute) of the patterns above. */
export function expectedStats(fromMinute: number, toMinute: number) {
  const loads: number[] = [];
  const temperatures: number[] = [];
  for (let minute = fromMinute; minute < toMinute; minute++) {
    for (const second of SECONDS) {
      loads.push(load(minute, second));
      temperatures.push(temperature(minute, second));
    }
  }
  return {
    samples: loads.length,
    load: { avg: avg(loads), min: Math.min(...loads), max: Math.max(...loads) },
    temperature: { avg: avg(temperatures), min: Math.min(...temperatures), max: Math.max(...temperatures) },
  };
}
