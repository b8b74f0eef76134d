import { readFileSync } from 'node:fs';

/**
 * The agent's version is the one in device/package.json. Both src/ (tests) and dist/ (the bin)
 * sit one level below it, so the same relative URL works for both.
 */
export function readAgentVersion(): string {
  const file = new URL('../../package.json', import.meta.url);
  const json = JSON.parse(readFileSync(file, 'utf8')) as { version?: unknown };
  return typeof json.version === 'string' ? json.version : '0.0.0';
}
