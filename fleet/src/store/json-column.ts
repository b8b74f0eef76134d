import { describeZodError } from '@gatecast/protocol';
import type { Logger } from 'pino';
import type { z } from 'zod';

/**
 * Reads a JSON column back through its protocol schema. A corrupt or outdated value yields null
 * and one log line, so a single bad row cannot take the fleet down.
 */
export function parseJsonColumn<S extends z.ZodType>(
  schema: S,
  text: string | null,
  log: Logger,
  where: { table: string; column: string; id: string },
): z.infer<S> | null {
  if (text === null) return null;
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    log.error({ ...where, reason: (error as Error).message }, 'corrupt JSON column ignored');
    return null;
  }
  const result = schema.safeParse(json);
  if (!result.success) {
    log.error({ ...where, reason: describeZodError(result.error) }, 'invalid JSON column ignored');
    return null;
  }
  return result.data;
}
