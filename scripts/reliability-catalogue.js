// The reliability and security catalogue gatecast runs (issue 11): one row per test, in the order
// of docs/reliability.md. `npm run test:reliability` fails when a row records no figure.

/** @type {import('./reliability-catalogue').CatalogueRow[]} */
export const CATALOGUE = [
  [
    'S1',
    'S',
    'auth matrix: no credentials, wrong secret, revoked, other device id, right one',
    'only the right one accepted',
  ],
  [
    'S3',
    'S',
    "cross-device publish: devices × others' topics × every kind, plus $SYS",
    '0 accepted, 0 delivered to a canary',
  ],
  [
    'S4',
    'S',
    "subscribe ACL and retained leak: #, +/#, another device's topics, $SYS/#",
    '0 foreign retained messages',
  ],
  ['S5', 'S', "last will aimed at another device's topic", '0 wills delivered'],
  ['S7', 'S', 'revocation while the device publishes', 'disconnect ≤ 5 s; 0 accepted after'],
  ['S8', 'S', '2,000 bad CONNECTs from one address', 'legit connect p95 < 1 s'],
  [
    'S10',
    'S',
    'OTA: unsigned, bad signature, unknown key, hash or size mismatch, truncated, downgrade, expired or replayed manifest, mix-and-match',
    '0 installs; 0 bytes beyond declared size',
  ],
  [
    'S11',
    'S',
    'every API route without auth, with an expired token, cross-origin',
    'all 401/403; 0 secrets in logs or webhooks',
  ],
  ['S12', 'S', 'image secrets scan', '0 private keys, tokens, default passwords, open CDP ports'],
  [
    'F1',
    'F',
    'mutation fuzz of valid MQTT packets, seeded',
    'broker alive; 0 canary deliveries; RSS delta ≤ 20 MB',
  ],
  [
    'F2',
    'F',
    'grammar edges: deep and long topics, invalid UTF-8, wildcards in publish, QoS 3, PUBLISH before CONNECT, second CONNECT',
    '0 crashes',
  ],
  [
    'F3',
    'F',
    'oversize frames: pre-auth CONNECTs claiming 250 MB; PUBLISHes claiming 50 MB',
    'bytes buffered ≤ the limit; RSS delta ≤ 30 MB',
  ],
  ['F4', 'F', 'slowloris: sockets that never CONNECT', 'all closed by the connect timeout'],
  ['F5', 'F', 'a subscriber that stops reading', '0 loss for healthy clients'],
  ['F9', 'F', 'reconnect storm after a broker restart', 'all reconnected ≤ 60 s; event-loop p99 < 200 ms'],
  ['U1', 'U', 'kill -9 at each update state', '0 mixed or stuck devices'],
  ['U2', 'U', 'bad releases: crash, hang, blank screen, no broker, leak', '100 % reverted automatically'],
  ['U4', 'U', 'staged rollout, canaries fail', '0 devices updated beyond the canary'],
  ['U7', 'U', 'disk full while staging', 'old version still running; 0 partial files'],
  ['P1', 'P', 'kill -9 at random points while state files are rewritten', '0 torn or unparseable files'],
  [
    'P5',
    'P',
    'bit flips / truncation in 5 % of cached files',
    '100 % detected and refetched; 0 broken items shown',
  ],
  ['W1', 'W', 'SIGKILL Chromium repeatedly', 'content again p95 ≤ 10 s; 0 failed relaunches'],
  ['W2', 'W', 'renderer hang (while(true){})', 'detect ≤ 15 s; recover ≤ 25 s'],
  ['W5', 'W', 'damaged profile, stale lock, missing profile dir', '3/3 launches'],
  ['W6', 'W', 'a page leaking memory', 'Chromium RSS bounded; recycles'],
  ['N1', 'N', 'fleet unreachable 60 s and 30 min', '0 blank screens; health delivered after, up to the cap'],
  ['N2', 'N', 'link flapping every 5 s', '0 crashes; 0 commands executed twice'],
  ['N4', 'N', 'clock ±1 year, jump back', '0 expired manifests accepted; 0 false rollbacks'],
  [
    'K1',
    'K',
    'fleet soak: screens sending health every 5 s, commands, rollouts',
    'RSS slope < 5 MB/h; event-loop p99 < 100 ms; fds flat',
  ],
  ['K2', 'K', 'agent + Chromium soak: 20 items every 5 s', 'RSS slope flat; 100 % non-black screenshots'],
  [
    'V2',
    'V',
    'first boot in systemd-nspawn: identity created, token consumed and removed, keys 0600, second boot does not re-run',
    'all checks',
  ],
  ['V3', 'V', 'enrolment: token reuse, expired, other gate, duplicate id', '0 accepted'],
].map(([id, group, test, pass]) => ({ id, group, test, pass }));

export const GROUPS = {
  S: 'security',
  F: 'broker robustness',
  U: 'update faults',
  P: 'power loss and storage',
  W: 'watchdog and Chromium recovery',
  N: 'network chaos',
  K: 'soak',
  V: 'provisioning and first boot',
};
