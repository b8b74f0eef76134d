import { describe, expect, it } from 'vitest';
import { auditVerdict, floorViolations, installedCopies } from '../../../dependency-floors.js';

/** An `npm ls --all --json` tree with the given copies, nested as npm nests them. */
const tree = (aedes: string, parser: string, nestedParser = parser) => ({
  name: 'gatecast',
  dependencies: {
    '@gatecast/fleet': {
      version: '0.1.0',
      dependencies: {
        aedes: { version: aedes, dependencies: { 'mqtt-packet': { version: nestedParser } } },
        'mqtt-packet': { version: parser },
      },
    },
  },
});

describe('the dependency gate', () => {
  it('finds every installed copy, nested ones too, with where it sits', () => {
    expect(installedCopies(tree('1.2.0', '9.0.2', '9.0.1'))).toEqual([
      { name: 'aedes', version: '1.2.0', path: ['@gatecast/fleet', 'aedes'] },
      { name: 'mqtt-packet', version: '9.0.1', path: ['@gatecast/fleet', 'aedes', 'mqtt-packet'] },
      { name: 'mqtt-packet', version: '9.0.2', path: ['@gatecast/fleet', 'mqtt-packet'] },
    ]);
  });

  it('passes copies at or above their floors, and names each one below', () => {
    expect(floorViolations(tree('1.2.0', '9.0.2'))).toEqual([]);
    expect(floorViolations(tree('1.3.1', '9.1.0'))).toEqual([]);
    const problems = floorViolations(tree('1.1.2', '9.0.2', '6.10.0'));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatch(/^aedes@1\.1\.2 at @gatecast\/fleet > aedes is below 1\.2\.0/);
    expect(problems[1]).toMatch(
      /^mqtt-packet@6\.10\.0 at @gatecast\/fleet > aedes > mqtt-packet is below 9\.0\.2/,
    );
  });

  it('refuses a tree without the broker at all', () => {
    expect(floorViolations({ dependencies: {} })).toEqual([
      'aedes: not installed (floor 1.2.0)',
      'mqtt-packet: not installed (floor 9.0.2)',
    ]);
  });

  it('reads npm audit: counts when it ran, and "not checked" when the registry refused it', () => {
    const ran = { metadata: { vulnerabilities: { low: 3, moderate: 1, high: 2, critical: 0 } } };
    expect(auditVerdict(ran)).toEqual({ checked: true, high: 2, critical: 0 });
    expect(auditVerdict({ statusCode: 405, message: 'Method Not Allowed' })).toEqual({
      checked: false,
      reason: 'the registry answered HTTP 405',
    });
    expect(auditVerdict({ error: { code: 'ENOLOCK', summary: 'no lockfile' } })).toMatchObject({
      checked: false,
    });
  });
});
