import { GatecastError } from '@gatecast/protocol';
import type { ToolRunner } from '../hardware/clock-sync.js';
import { describeError, type CheckOutcome } from './probes.js';

/** Every script gatecast shows at the border gates, as fontconfig language tags. */
export const FONT_SCRIPTS = [
  { lang: 'vi', name: 'Vietnamese' },
  { lang: 'zh-cn', name: 'Chinese' },
  { lang: 'lo', name: 'Lao' },
  { lang: 'km', name: 'Khmer' },
  { lang: 'ko', name: 'Korean' },
  { lang: 'ja', name: 'Japanese' },
  { lang: 'th', name: 'Thai' },
  { lang: 'ru', name: 'Cyrillic' },
] as const;

/** The family names `fc-list :lang=xx family` printed, one font per line. */
export function parseFamilies(stdout: string): string[] {
  return stdout
    .split('\n')
    .map((line) => line.split(',')[0]?.trim() ?? '')
    .filter((family) => family.length > 0);
}

/** A font for each script, as fontconfig (what Chromium asks) sees them. */
export async function checkFonts(exec: ToolRunner): Promise<CheckOutcome> {
  const details: Record<string, string | number | boolean | null> = {};
  const missing: string[] = [];
  for (const script of FONT_SCRIPTS) {
    let families: string[];
    try {
      families = parseFamilies((await exec('fc-list', [`:lang=${script.lang}`, 'family'])).stdout);
    } catch (error) {
      const absent = error instanceof GatecastError && error.code === 'HARDWARE_UNAVAILABLE';
      return {
        status: 'fail',
        summary: absent
          ? 'fc-list (fontconfig) is not installed, so no font can be found'
          : `fc-list failed: ${describeError(error)}`,
      };
    }
    details[script.lang] = families.length;
    if (families.length === 0) missing.push(script.name);
  }
  if (missing.length > 0) {
    const hint = 'install fonts-noto-core and fonts-noto-cjk';
    return { status: 'fail', summary: `no font for ${missing.join(', ')} (${hint})`, details };
  }
  return {
    status: 'pass',
    summary: `fonts for all ${FONT_SCRIPTS.length} scripts: ${FONT_SCRIPTS.map((s) => s.name).join(', ')}`,
    details,
  };
}
