import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { Counter, Gauge, type Registry } from 'prom-client';

export interface ProcessMetrics {
  start(): void;
  stop(): void;
}

/**
 * The process figures an operator needs, registered on the app's own registry.
 * prom-client's collectDefaultMetrics is not used: its GC observer and event-loop monitor
 * can never be released, and every fleet started in one process would add another.
 */
export function registerProcessMetrics(registry: Registry): ProcessMetrics {
  let loopDelay: IntervalHistogram | undefined;
  const registers = [registry];
  new Counter({
    name: 'process_cpu_seconds_total',
    help: 'User and system CPU time spent, in seconds.',
    registers,
    collect() {
      const usage = process.cpuUsage();
      this.reset();
      this.inc((usage.user + usage.system) / 1e6);
    },
  });
  new Gauge({
    name: 'process_resident_memory_bytes',
    help: 'Resident memory size in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage().rss);
    },
  });
  new Gauge({
    name: 'nodejs_heap_size_used_bytes',
    help: 'V8 heap in use, in bytes.',
    registers,
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Gauge({
    name: 'nodejs_active_resources',
    help: 'Handles and requests keeping the event loop alive (sockets, timers, files).',
    registers,
    collect() {
      this.set(process.getActiveResourcesInfo().length);
    },
  });
  new Gauge({
    name: 'process_start_time_seconds',
    help: 'Start time of the process since the Unix epoch, in seconds.',
    registers,
    collect() {
      this.set(Math.round(Date.now() / 1000 - process.uptime()));
    },
  });
  new Gauge({
    name: 'nodejs_eventloop_delay_p99_seconds',
    help: '99th percentile of event-loop delay since the app started, in seconds.',
    registers,
    collect() {
      if (loopDelay) this.set(loopDelay.percentile(99) / 1e9);
    },
  });
  return {
    start() {
      loopDelay ??= monitorEventLoopDelay({ resolution: 20 });
      loopDelay.enable();
    },
    stop() {
      loopDelay?.disable();
    },
  };
}
