import { isoTimeSchema } from '@gatecast/protocol';
import { z } from 'zod';
import { HEALTH_RESOLUTIONS } from './history-resolution.js';

export const healthQuerySchema = z.strictObject({
  from: isoTimeSchema.optional().describe('inclusive; default: 6 hours before `to`'),
  to: isoTimeSchema.optional().describe('exclusive; default: now'),
  resolution: z
    .enum(['auto', ...HEALTH_RESOLUTIONS])
    .default('auto')
    .describe('auto: the finest tier that still holds `from`, at about 500 points'),
});

const reading = z.number().nullable();

export const healthPointSchema = z.object({
  at: z.string().describe('raw: when the fleet received the sample; rollups: the start of the step'),
  samples: z.number().int().describe('raw samples behind this point'),
  cpuLoad: reading.describe('percent; the average over the step for rollups'),
  temperatureC: reading,
  temperatureMaxC: reading.describe('the hottest sample in the step'),
  memoryPercent: reading,
  diskPercent: reading,
  agentRssBytes: reading,
  browserMemoryBytes: reading,
  wifiSignalDbm: reading,
  clockOffsetMs: reading,
  underVoltage: z.boolean().describe('seen in any sample of the step'),
  throttled: z.boolean(),
  displayBlack: z.boolean(),
  displayFrozen: z.boolean(),
  cecStandby: z.boolean(),
});

export const healthHistorySchema = z.object({
  resolution: z.enum(HEALTH_RESOLUTIONS),
  stepSec: z.number().int().nullable().describe('width of one point; null for raw samples'),
  from: z.string(),
  to: z.string(),
  truncated: z.boolean().describe('more points matched than one answer holds; the oldest are given'),
  points: z.array(healthPointSchema),
});

export const gateHealthSchema = z.object({
  gateId: z.string(),
  name: z.string(),
  screens: z.number().int(),
  up: z.number().int(),
  dark: z.number().int(),
  stale: z.number().int(),
  offline: z.number().int(),
  neverSeen: z.number().int(),
});
