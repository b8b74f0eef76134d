import { LANGUAGE_OWN_NAMES } from '@gatecast/protocol';
import { describe, expect, it } from 'vitest';
import { LANGUAGE_NAMES } from '../../../kiosk-ui/strings.js';

// The kiosk runs as plain browser JavaScript and keeps its own copy of the names; this keeps
// that copy equal to the one list the fleet uses.
describe('the kiosk’s language names', () => {
  it('are the protocol’s names for every language the kiosk offers', () => {
    const kiosk = Object.entries(LANGUAGE_NAMES);
    expect(kiosk.length).toBeGreaterThan(0);
    expect(Object.fromEntries(kiosk)).toEqual(
      Object.fromEntries(kiosk.map(([tag]) => [tag, LANGUAGE_OWN_NAMES[tag]])),
    );
  });
});
