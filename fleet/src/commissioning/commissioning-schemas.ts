import { releasePublicKeySchema, SELF_TEST_CHECKS, selfTestReportSchema } from '@gatecast/protocol';
import { z } from 'zod';

/** A screen's latest self-test as the fleet stored it (a `self-test` device event). */
export const latestSelfTestSchema = z.object({
  deviceId: z.string(),
  report: selfTestReportSchema.nullable().describe('null: the screen never sent a self-test report'),
  eventId: z.string().nullable(),
  at: z.string().nullable().describe('when the test ran, by the screen clock'),
  receivedAt: z.string().nullable().describe('when the fleet stored it'),
});

export const SCREEN_STATES = ['passed', 'failed', 'never-ran'] as const;
export type ScreenState = (typeof SCREEN_STATES)[number];

export const commissioningScreenSchema = z.object({
  deviceId: z.string(),
  name: z.string(),
  zoneId: z.string(),
  zoneName: z.string(),
  agentVersion: z.string().nullable(),
  state: z.enum(SCREEN_STATES),
  report: selfTestReportSchema.nullable(),
  at: z.string().nullable(),
  receivedAt: z.string().nullable(),
});

export const checkSummarySchema = z.object({
  check: z.enum(SELF_TEST_CHECKS),
  pass: z.number().int(),
  warn: z.number().int(),
  fail: z.number().int(),
  skipped: z.number().int(),
  /** Screens whose latest report has no such check, or no report at all. */
  missing: z.number().int(),
});

/** Every screen of a gate with its latest self-test: the technician's printable hand-over sheet. */
export const gateCommissioningSchema = z.object({
  gate: z.object({ id: z.string(), name: z.string() }),
  generatedAt: z.string(),
  screens: z.array(commissioningScreenSchema),
  checks: z.array(checkSummarySchema),
  totals: z.object({
    screens: z.number().int(),
    passed: z.number().int(),
    failed: z.number().int(),
    neverRan: z.number().int(),
  }),
});

export const releaseKeysSchema = z.object({ keys: z.array(releasePublicKeySchema) });

export type LatestSelfTest = z.infer<typeof latestSelfTestSchema>;
export type CommissioningScreen = z.infer<typeof commissioningScreenSchema>;
export type CheckSummary = z.infer<typeof checkSummarySchema>;
export type GateCommissioning = z.infer<typeof gateCommissioningSchema>;
