import { readFile } from 'node:fs/promises';
import type { AgentConfig } from '@gatecast/protocol';
import { offsetFromDateHeader } from '../health/clock-offset.js';
import type { Clock } from '../lib/clock.js';
import { brokerConnect, classifyConnectError, httpGet } from './fleet-probes.js';
import type { CheckOutcome } from './probes.js';

export interface FleetCheckInput {
  config: AgentConfig | null;
  /** Why there is no config: null when the file is simply missing (not provisioned yet). */
  configProblem: string | null;
  timeoutMs: number;
  clock: Clock;
}

type Probe = { ok: true; text: string } | { ok: false; text: string };

/**
 * Whether the fleet answers: its public `/healthz` over HTTP(S), and the MQTT broker's port (with
 * the TLS handshake for mqtts). It does not log in: the agent's own connection proves the secret.
 */
export async function checkFleet(input: FleetCheckInput): Promise<CheckOutcome> {
  const { config } = input;
  if (config === null) {
    return input.configProblem === null
      ? { status: 'skipped', summary: 'no agent config yet (not provisioned): the fleet address is unknown' }
      : { status: 'fail', summary: `the agent config is broken: ${input.configProblem}`.slice(0, 300) };
  }
  const ca = config.mqtt.caFile
    ? await readFile(config.mqtt.caFile, 'utf8').catch(() => undefined)
    : undefined;
  const details: Record<string, string | number | boolean | null> = {
    fleetUrl: config.fleetUrl ?? null,
    mqttUrl: config.mqtt.url,
  };
  const [http, broker] = await Promise.all([
    config.fleetUrl === undefined ? null : probeHttp(config.fleetUrl, ca, input, details),
    probeBroker(config.mqtt.url, ca, input.timeoutMs, details),
  ]);
  const probes = [http, broker].filter((probe): probe is Probe => probe !== null);
  const failed = probes.filter((probe) => !probe.ok);
  const summary = (failed.length > 0 ? failed : probes).map((probe) => probe.text).join('; ');
  return { status: failed.length > 0 ? 'fail' : 'pass', summary: summary.slice(0, 300), details };
}

async function probeHttp(
  fleetUrl: string,
  ca: string | undefined,
  input: FleetCheckInput,
  details: Record<string, string | number | boolean | null>,
): Promise<Probe> {
  const url = new URL(`${fleetUrl.replace(/\/+$/, '')}/healthz`);
  const sentAt = input.clock.now();
  try {
    const answer = await httpGet(url, ca, input.timeoutMs);
    details.httpStatus = answer.status;
    details.httpMs = Math.round(answer.ms);
    details.clockOffsetMs = offsetFromDateHeader(answer.date, sentAt, answer.ms);
    if (answer.status >= 200 && answer.status < 300) {
      return { ok: true, text: `fleet ${url.origin} answers (${Math.round(answer.ms)} ms)` };
    }
    return { ok: false, text: `fleet ${url.origin} answered HTTP ${answer.status} on /healthz` };
  } catch (error) {
    details.httpError = classifyConnectError(error, url.hostname);
    return { ok: false, text: `fleet ${url.origin}: ${details.httpError}` };
  }
}

async function probeBroker(
  mqttUrl: string,
  ca: string | undefined,
  timeoutMs: number,
  details: Record<string, string | number | boolean | null>,
): Promise<Probe> {
  const url = new URL(mqttUrl);
  const where = `MQTT ${url.host}`;
  try {
    const ms = await brokerConnect(url, ca, timeoutMs);
    details.mqttMs = Math.round(ms);
    return { ok: true, text: `${where} open` };
  } catch (error) {
    details.mqttError = classifyConnectError(error, url.hostname);
    return { ok: false, text: `${where}: ${details.mqttError}` };
  }
}
