import { z } from 'zod';

/** A device id is also its MQTT username and a topic level, so it must be safe in both. */
export const DEVICE_ID_PATTERN = /^[a-z0-9][a-z0-9-]{2,63}$/;

export const deviceIdSchema = z
  .string()
  .regex(
    DEVICE_ID_PATTERN,
    'must be 3-64 characters: lowercase letters, digits and "-", not starting with "-"',
  );

export function isDeviceId(value: unknown): value is string {
  return typeof value === 'string' && DEVICE_ID_PATTERN.test(value);
}

/** Gate and zone ids follow the same rule so they can appear in topics and URLs unescaped. */
export const slugSchema = deviceIdSchema;
