import { z } from 'zod';
import { ZONES, languageTagSchema } from '@gatecast/protocol';

/** What the page tells the agent; it runs third-party content, so nothing it says is trusted. */
const itemStart = z.object({
  type: z.literal('start'),
  zone: z.enum(ZONES),
  itemId: z.string().min(1).max(128),
  language: languageTagSchema.nullable().catch(null),
  startedAt: z.iso.datetime({ offset: true }),
  announcement: z.boolean().default(false),
});

const itemEnd = z.object({
  type: z.literal('end'),
  zone: z.enum(ZONES),
  itemId: z.string().min(1).max(128),
  language: languageTagSchema.nullable().catch(null),
  startedAt: z.iso.datetime({ offset: true }),
  durationMs: z
    .number()
    .int()
    .nonnegative()
    .max(7 * 86_400_000),
  announcement: z.boolean().default(false),
});

const itemError = z.object({
  type: z.literal('error'),
  zone: z.enum(ZONES).catch('main'),
  itemId: z.string().max(128).nullable().catch(null),
  message: z.string().transform((text) => text.slice(0, 300)),
});

const planApplied = z.object({ type: z.literal('plan'), planId: z.string().max(64) });

/** A lookup kiosk opened a page of the information tree (counted, anonymously). */
const kioskView = z.object({
  type: z.literal('kiosk-view'),
  nodeId: z.string().min(1).max(128),
  language: languageTagSchema,
});

/** A lookup kiosk search that found nothing; the term is normalised by the agent. */
const kioskSearchMiss = z.object({
  type: z.literal('kiosk-search-miss'),
  term: z.string().min(1).max(400),
  language: languageTagSchema,
});

/** The kiosk app or a counter page covers the schedule's zones (they are stopped meanwhile). */
const kioskCover = z.object({ type: z.literal('kiosk-cover'), covered: z.boolean() });

export const pageReportSchema = z.discriminatedUnion('type', [
  itemStart,
  itemEnd,
  itemError,
  planApplied,
  kioskView,
  kioskSearchMiss,
  kioskCover,
]);
export type PageReport = z.infer<typeof pageReportSchema>;

/** Pure: the report, or the reason it is dropped. */
export function parsePageReport(
  input: unknown,
): { ok: true; report: PageReport } | { ok: false; reason: string } {
  const result = pageReportSchema.safeParse(input);
  if (result.success) return { ok: true, report: result.data };
  const issue = result.error.issues[0];
  return { ok: false, reason: `${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}` };
}
