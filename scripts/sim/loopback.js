// The simulator and the announcement benchmark only ever load this machine.
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

/** Throws unless the URL points at this machine's loopback interface. */
export function assertLoopbackUrl(url) {
  let host;
  try {
    host = new URL(url).hostname;
  } catch {
    throw new Error(`not a URL: ${url}`);
  }
  if (!LOOPBACK.has(host)) {
    throw new Error(`refusing ${url}: the simulator only connects to 127.0.0.1, localhost or ::1`);
  }
}
