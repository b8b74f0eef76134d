// Pure parts of B11 (bench-artifact.js): the nginx config it runs and the summary of a round.
// Kept apart so a unit test (scripts/test/unit/bench/) checks them without starting anything.
import { percentile } from './bench-support.js';

/**
 * A minimal nginx serving `fileName` from `rootDir` on a loopback port: sendfile on (Debian's
 * default), no access log (the fleet keeps none either), its own pid, error log and temp paths
 * under `prefix`, so it runs unprivileged beside anything already on the machine.
 */
export function nginxConfig({ prefix, rootDir, port, workers = 'auto' }) {
  return [
    `worker_processes ${workers};`,
    `pid ${prefix}/nginx.pid;`,
    `error_log ${prefix}/error.log warn;`,
    'events { worker_connections 1024; }',
    'http {',
    '  sendfile on;',
    '  tcp_nopush on;',
    '  access_log off;',
    '  keepalive_timeout 0;',
    `  client_body_temp_path ${prefix}/client-body;`,
    `  proxy_temp_path ${prefix}/proxy;`,
    `  fastcgi_temp_path ${prefix}/fastcgi;`,
    `  uwsgi_temp_path ${prefix}/uwsgi;`,
    `  scgi_temp_path ${prefix}/scgi;`,
    '  default_type application/octet-stream;',
    '  server {',
    `    listen 127.0.0.1:${port};`,
    `    root ${rootDir};`,
    '  }',
    '}',
    '',
  ].join('\n');
}

/**
 * One round of one subject: `downloads` as [{ bytes, ms, ok }], `wallMs` from the first request
 * to the last byte. Throughput is aggregate: every byte of every complete download over the wall time.
 */
export function summariseRound({ downloads, wallMs, expectedBytes }) {
  const complete = downloads.filter((d) => d.ok && d.bytes === expectedBytes);
  const bytes = downloads.reduce((sum, d) => sum + d.bytes, 0);
  const times = complete.map((d) => d.ms);
  return {
    downloads: downloads.length,
    failed: downloads.length - complete.length,
    mbPerSec: wallMs > 0 ? bytes / 2 ** 20 / (wallMs / 1000) : NaN,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    wallMs,
  };
}

/** The fleet's median throughput ÷ nginx's; the goal is ≥ 0.7. */
export function ratioOf(fleetMbPerSec, nginxMbPerSec) {
  return nginxMbPerSec > 0 ? fleetMbPerSec / nginxMbPerSec : NaN;
}
