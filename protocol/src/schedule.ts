import { z } from 'zod';
import { isoTimeSchema } from './common.js';
import { contentItemSchema } from './content.js';

/** Highest priority first: an announcement covers everything, filler plays when nothing else does. */
export const LAYERS = ['announcement', 'official', 'operational', 'filler'] as const;
export type Layer = (typeof LAYERS)[number];

export const ZONES = ['main', 'side', 'ticker'] as const;
export type Zone = (typeof ZONES)[number];

/** Which zones a screen shows; portrait stacks them, landscape puts `side` beside `main`. */
export const layoutSchema = z.object({
  kind: z.enum(['full', 'main-ticker', 'main-side-ticker']).default('full'),
  orientation: z.enum(['landscape', 'portrait']).default('landscape'),
  transition: z.enum(['cut', 'fade', 'slide']).default('fade'),
});

const localTimeSchema = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM, 00:00-23:59');
const localDateSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')
  .refine(isCalendarDate, 'must be a date that exists');

function isCalendarDate(value: string): boolean {
  const date = new Date(`${value}T00:00:00Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
}

/**
 * One scheduled playlist for one zone. Dates, weekdays and times are in the gate's time zone;
 * a window whose `timeTo` is not after `timeFrom` runs overnight. `notBefore`/`notAfter` are
 * absolute instants (an announcement's go-live and expiry).
 */
export const scheduleEntrySchema = z
  .object({
    id: z.string().min(1).max(128),
    layer: z.enum(LAYERS),
    zone: z.enum(ZONES).default('main'),
    items: z.array(contentItemSchema).min(1).max(500),
    dateFrom: localDateSchema.optional(),
    dateTo: localDateSchema.optional(),
    /** ISO weekdays, 1 = Monday … 7 = Sunday. */
    weekdays: z.array(z.number().int().min(1).max(7)).min(1).max(7).optional(),
    timeFrom: localTimeSchema.optional(),
    timeTo: localTimeSchema.optional(),
    notBefore: isoTimeSchema.optional(),
    notAfter: isoTimeSchema.optional(),
  })
  // An entry that can never play is a mistake the fleet should refuse, not one a screen silently ignores.
  .refine((entry) => !entry.dateFrom || !entry.dateTo || entry.dateFrom <= entry.dateTo, {
    message: 'dateFrom must not be after dateTo',
    path: ['dateTo'],
  })
  .refine(
    (entry) =>
      !entry.notBefore || !entry.notAfter || Date.parse(entry.notBefore) < Date.parse(entry.notAfter),
    {
      message: 'notBefore must be before notAfter',
      path: ['notAfter'],
    },
  );

export type Layout = z.infer<typeof layoutSchema>;
export type ScheduleEntry = z.infer<typeof scheduleEntrySchema>;
