// Reading a benchmark's command line: `--name value` pairs and `--flag`s, each checked, with a
// clear error for anything out of range. Shared by the benchmark scripts' option parsers.

/** `argv` after the script name. */
export function argReader(argv) {
  const value = (name) => {
    const index = argv.indexOf(name);
    if (index < 0) return undefined;
    const found = argv[index + 1];
    if (found === undefined || found.startsWith('--')) throw new Error(`${name} needs a value`);
    return found;
  };
  const integer = (name, fallback, min, max) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const parsed = Number(raw);
    if (!Number.isInteger(parsed) || parsed < min || parsed > max)
      throw new Error(`${name}: a whole number from ${min} to ${max}`);
    return parsed;
  };
  const list = (name, fallback, allowed) => {
    const raw = value(name);
    if (raw === undefined) return fallback;
    const items = raw.split(',').filter(Boolean);
    const wrong = items.find((item) => !allowed.includes(item));
    if (wrong !== undefined || items.length === 0)
      throw new Error(`${name}: a comma-separated list of ${allowed.join(', ')}`);
    return items;
  };
  return { value, integer, list, flag: (name) => argv.includes(name) };
}
