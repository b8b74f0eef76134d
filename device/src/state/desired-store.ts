import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { describeZodError, desiredSchema, type DesiredDocument } from '@gatecast/protocol';
import { removeStaleTempFiles, writeFileAtomic } from './atomic-file.js';

/** The last accepted desired document, kept on disk so the screen shows it after a reboot offline. */
export interface DesiredStore {
  /** The saved document, or null when there is none or it cannot be trusted (logged). */
  load(): Promise<DesiredDocument | null>;
  save(desired: DesiredDocument): Promise<void>;
}

export function desiredStatePath(dataDir: string): string {
  return join(dataDir, 'state', 'desired.json');
}

export function createDesiredStore(options: { dataDir: string; log: Logger }): DesiredStore {
  const file = desiredStatePath(options.dataDir);
  const log = options.log.child({ mod: 'desired-store' });

  return {
    async load() {
      const stale = await removeStaleTempFiles(file);
      if (stale.length > 0) log.info({ stale }, 'removed temp files left by an interrupted write');
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') log.info({ file }, 'no saved desired state');
        else log.warn({ file, code }, 'cannot read saved desired state; treating it as absent');
        return null;
      }
      return parseSaved(text, file, log);
    },
    async save(desired) {
      await mkdir(join(options.dataDir, 'state'), { recursive: true, mode: 0o700 });
      await writeFileAtomic(file, `${JSON.stringify(desired)}\n`);
    },
  };
}

function parseSaved(text: string, file: string, log: Logger): DesiredDocument | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    log.warn(
      { file, reason: (error as Error).message.slice(0, 120) },
      'saved desired state is not JSON; ignored',
    );
    return null;
  }
  const result = desiredSchema.safeParse(json);
  if (!result.success) {
    log.warn({ file, reason: describeZodError(result.error) }, 'saved desired state is invalid; ignored');
    return null;
  }
  return result.data;
}
