// The dependency gate's pure part: every installed copy of a package held to its floor version.
import semver from 'semver';

/**
 * The broker's parser and the broker itself face every screen and every stranger on the network:
 * below these versions they carry published advisories (../shared/design/reliability.md names
 * Aedes' topic-depth crash, QoS 2 in-flight growth and QoS 2 dedup after a clean reconnect, fixed
 * by 1.1.3; the brief asks for Aedes 1.2; mqtt-packet's length-field DoS was fixed long before 9).
 */
export const FLOORS = {
  aedes: { version: '1.2.0', why: 'advisories fixed by 1.1.3, and the 1.2 line this fleet is built on' },
  'mqtt-packet': { version: '9.0.2', why: 'the MQTT parser in front of the broker; the version tested here' },
};

/** Every copy of each floored package in an `npm ls --all --json` tree, with where it sits. */
export function installedCopies(tree, names = Object.keys(FLOORS)) {
  const copies = [];
  const visit = (node, path) => {
    for (const [name, child] of Object.entries(node.dependencies ?? {})) {
      const here = [...path, name];
      if (names.includes(name) && child.version) copies.push({ name, version: child.version, path: here });
      visit(child, here);
    }
  };
  visit(tree, []);
  return copies;
}

/** The copies below their floor, or a missing package, each as one line for the CI log. */
export function floorViolations(tree, floors = FLOORS) {
  const copies = installedCopies(tree, Object.keys(floors));
  const problems = [];
  for (const [name, floor] of Object.entries(floors)) {
    const mine = copies.filter((copy) => copy.name === name);
    if (mine.length === 0) problems.push(`${name}: not installed (floor ${floor.version})`);
    for (const copy of mine) {
      const version = semver.valid(semver.coerce(copy.version));
      if (!version || semver.lt(version, floor.version)) {
        problems.push(
          `${name}@${copy.version} at ${copy.path.join(' > ')} is below ${floor.version}: ${floor.why}`,
        );
      }
    }
  }
  return problems;
}

/**
 * What `npm audit --json` says, as the gate reads it: the high and critical advisories, or that
 * the registry could not be asked (its audit endpoint refused), which the gate reports loudly.
 */
export function auditVerdict(json) {
  // The registry's own answer, not npm's: an HTTP status and no advisories (its URL is left out).
  if (json?.statusCode) return { checked: false, reason: `the registry answered HTTP ${json.statusCode}` };
  if (json?.error) return { checked: false, reason: json.error.summary ?? json.error.code ?? 'audit failed' };
  const counts = json?.metadata?.vulnerabilities;
  if (!counts) return { checked: false, reason: 'npm audit gave no counts' };
  return { checked: true, high: counts.high ?? 0, critical: counts.critical ?? 0 };
}
