import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { BrokerStats } from '../broker/broker.js';
import { registerGateHealthMetrics } from '../health/gate-metrics.js';
import type { HttpDeps } from './http-deps.js';
import { registerProcessMetrics } from './process-metrics.js';

export interface FleetMetrics {
  registry: Registry;
  observeRequest(labels: { method: string; route: string; statusCode: number }, seconds: number): void;
  start(): void;
  stop(): void;
}

const PRESENCE_STATES = ['online', 'offline', 'never-seen'] as const;

/** Cumulative broker figures, exposed as counters (they only rise while the broker runs). */
const BROKER_COUNTERS: Array<{
  key: Exclude<keyof BrokerStats, 'connectedDevices'>;
  name: string;
  help: string;
}> = [
  {
    key: 'rejectedConnects',
    name: 'gatecast_broker_rejected_connects_total',
    help: 'CONNECTs refused (bad credentials, malformed).',
  },
  {
    key: 'rejectedPublishes',
    name: 'gatecast_broker_rejected_publishes_total',
    help: 'PUBLISHes refused by the ACL.',
  },
  {
    key: 'droppedMessages',
    name: 'gatecast_broker_dropped_messages_total',
    help: 'Accepted messages dropped as unparseable.',
  },
  {
    key: 'guardClosures',
    name: 'gatecast_broker_guard_closures_total',
    help: 'Connections closed by the byte-stream guard (oversize, slow CONNECT).',
  },
];

type MetricsDeps = Pick<HttpDeps, 'devices' | 'gates' | 'broker' | 'now' | 'health'>;

/** A registry per app, never prom-client's global one, so two fleets in one process do not mix. */
export function createFleetMetrics(deps: MetricsDeps): FleetMetrics {
  const registry = new Registry();
  const registers = [registry];
  registerDeviceGauges(registry, deps);
  registerGateHealthMetrics(registry, { ...deps, staleAfterMs: deps.health?.staleAfterMs });
  for (const counter of BROKER_COUNTERS) {
    new Counter({
      name: counter.name,
      help: counter.help,
      registers,
      collect() {
        this.reset();
        this.inc(deps.broker.stats()[counter.key]);
      },
    });
  }
  const labelNames = ['method', 'route', 'status_code'] as const;
  const requests = new Counter({
    name: 'gatecast_http_requests_total',
    help: 'HTTP requests answered, by route and status.',
    labelNames,
    registers,
  });
  const duration = new Histogram({
    name: 'gatecast_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by route and status.',
    labelNames,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers,
  });
  const processMetrics = registerProcessMetrics(registry);
  return {
    registry,
    observeRequest({ method, route, statusCode }, seconds) {
      const labels = { method, route, status_code: String(statusCode) };
      requests.inc(labels);
      duration.observe(labels, seconds);
    },
    start: () => processMetrics.start(),
    stop: () => processMetrics.stop(),
  };
}

function registerDeviceGauges(registry: Registry, deps: MetricsDeps): void {
  new Gauge({
    name: 'gatecast_devices',
    help: 'Enrolled devices by gate and presence state.',
    labelNames: ['gate', 'presence'],
    registers: [registry],
    async collect() {
      this.reset();
      // Zero series for every gate keep dashboards and alerts stable when a state empties.
      for (const gate of await deps.gates.list()) {
        for (const presence of PRESENCE_STATES) this.set({ gate: gate.id, presence }, 0);
      }
      for (const device of await deps.devices.list()) {
        this.inc({ gate: device.gateId, presence: device.presence.state });
      }
    },
  });
  new Gauge({
    name: 'gatecast_devices_connected',
    help: 'Devices with a live MQTT session right now.',
    registers: [registry],
    collect() {
      this.set(deps.broker.stats().connectedDevices);
    },
  });
}
