import type { InfoBundle } from '@gatecast/protocol';

/**
 * The published information tree of a gate, as the bundle screens get (protocol/src/info.ts).
 * The information domain implements it; the traveller web page and counters read through it.
 */
export interface InfoBundleSource {
  /** undefined when the gate has no published node. */
  bundle(gateId: string): Promise<InfoBundle | undefined>;
}
