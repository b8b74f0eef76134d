import { GatecastError, deviceIdSchema, languageTagSchema, slugSchema } from '@gatecast/protocol';
import type { FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { authorize, noteAudit, principalOf } from '../auth/authorize.js';
import type { HttpDeps } from '../http/http-deps.js';
import { scopeOf } from '../users/permissions.js';
import { toCsv } from './csv.js';
import { DEFAULT_MIN_COUNT, DEFAULT_TOP, kioskUsageCsvTable } from './kiosk-usage.js';
import { playsCsvTable } from './plays-report.js';
import { PLAY_DIMENSIONS, type PlayDimension } from './plays-view.js';
import type { ReportsService } from './reports-service.js';
import { renderYearlyHtml } from './yearly-html.js';

const boundSchema = z
  .string()
  .min(10)
  .max(40)
  .describe('a date YYYY-MM-DD (a day at the gate) or an ISO time with an offset');

const bySchema = z
  .string()
  .max(60)
  .default('item')
  .transform((value, context) => {
    const parts = value
      .split(',')
      .map((part) => part.trim())
      .filter(Boolean);
    const unknown = parts.filter((part) => !(PLAY_DIMENSIONS as readonly string[]).includes(part));
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `cannot group by ${unknown.join(', ')}; use ${PLAY_DIMENSIONS.join(', ')}`,
      });
      return z.NEVER;
    }
    return parts as PlayDimension[];
  })
  .describe(`comma-separated: ${PLAY_DIMENSIONS.join(', ')}`);

export const playsQuerySchema = z.strictObject({
  gate: slugSchema.optional(),
  zone: slugSchema.optional(),
  device: deviceIdSchema.optional(),
  item: z.string().min(1).max(128).optional(),
  language: z
    .union([languageTagSchema, z.literal('-')])
    .optional()
    .describe("'-' for plays without a language"),
  from: boundSchema.describe(
    'inclusive: a date YYYY-MM-DD (a day at the gate) or an ISO time with an offset',
  ),
  to: boundSchema.describe('exclusive for a time; a date includes that whole day'),
  by: bySchema,
  format: z.enum(['json', 'csv']).default('json'),
});

const playsRowSchema = z.object({
  gate: z.string().optional(),
  zone: z.string().optional(),
  device: z.string().optional(),
  item: z.string().optional(),
  language: z.string().nullable().optional(),
  plays: z.number(),
  totalSeconds: z.number(),
  averageSeconds: z.number(),
  firstAt: z.string(),
  lastAt: z.string(),
});

export const playsReportSchema = z.object({
  from: z.string(),
  to: z.string(),
  by: z.array(z.enum(PLAY_DIMENSIONS)),
  rows: z.array(playsRowSchema),
  total: z.object({ plays: z.number(), totalSeconds: z.number() }),
});

export const kioskQuerySchema = z.strictObject({
  gate: slugSchema.optional(),
  from: boundSchema.describe(
    'inclusive: a date YYYY-MM-DD (a day at the gate) or an ISO time with an offset',
  ),
  to: boundSchema.describe('exclusive for a time; a date includes that whole day'),
  top: z.coerce.number().int().min(1).max(500).default(DEFAULT_TOP).describe('how many failed search terms'),
  minCount: z.coerce
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(DEFAULT_MIN_COUNT)
    .describe('a failed term typed fewer times is left out (a lone search may be personal)'),
  format: z.enum(['json', 'csv']).default('json'),
});

export const yearlyQuerySchema = z.strictObject({
  gate: slugSchema,
  year: z.coerce.number().int().min(2000).max(2100),
});

/** Proof of play and the yearly report; both are reads scoped to the gates the caller may report on. */
export const reportsRoutes: FastifyPluginAsyncZod<{ deps: HttpDeps }> = async (app, { deps }) => {
  const service = (): ReportsService => {
    if (!deps.reports) throw new GatecastError('UNAVAILABLE', 'this fleet manager has no reports');
    return deps.reports;
  };

  app.get(
    '/api/v1/reports/plays',
    {
      schema: {
        summary: 'Proof of play over a period, grouped; format=csv for a spreadsheet (UTF-8 with BOM)',
        tags: ['reports'],
        querystring: playsQuerySchema,
        // No 200 schema: the answer is JSON (playsReportSchema) or CSV, by `format`.
      },
      config: { audit: { action: 'reports.plays', objectType: 'report' } },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const gates = readableGates(request, query.gate);
      if (query.device !== undefined) {
        const gateId =
          (await deps.devices.get(query.device))?.gateId ?? (await deps.deviceEvents?.gateOf(query.device));
        if (gateId !== undefined) authorize(request, 'reports.read', gateId);
      }
      const report = await service().plays({ ...query, gates });
      if (format === 'json')
        return reply.type('application/json; charset=utf-8').send(playsReportSchema.parse(report));
      const { headers, rows } = playsCsvTable(report);
      const name = ['plays', query.gate ?? 'all', report.from.slice(0, 10), report.to.slice(0, 10)].join('-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(toCsv(headers, rows));
    },
  );

  app.get(
    '/api/v1/reports/kiosk',
    {
      schema: {
        summary: 'Lookup kiosk use over a period: page views by gate, kiosk and language, failed searches',
        tags: ['reports'],
        querystring: kioskQuerySchema,
      },
      config: { audit: { action: 'reports.kiosk', objectType: 'report' } },
    },
    async (request, reply) => {
      const { format, ...query } = request.query;
      const gates = readableGates(request, query.gate);
      const report = await service().kioskUsage({ ...query, gates });
      if (format === 'json') return reply.type('application/json; charset=utf-8').send(report);
      const { headers, rows } = kioskUsageCsvTable(report);
      const name = ['kiosk', query.gate ?? 'all', report.from.slice(0, 10), report.to.slice(0, 10)].join('-');
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}.csv"`)
        .send(toCsv(headers, rows));
    },
  );

  app.get(
    '/api/v1/reports/yearly',
    {
      schema: {
        summary: "A gate's yearly report (uptime, plays, announcements with receipts) as printable HTML",
        tags: ['reports'],
        querystring: yearlyQuerySchema,
      },
      config: { audit: { action: 'reports.yearly', objectType: 'report' } },
    },
    async (request, reply) => {
      const { gate, year } = request.query;
      noteAudit(request, { gateId: gate });
      authorize(request, 'reports.read', gate);
      const now = deps.now?.() ?? new Date();
      const html = renderYearlyHtml(await service().yearly(gate, year, now));
      return (
        reply
          .type('text/html; charset=utf-8')
          .header('content-disposition', `inline; filename="gatecast-${gate}-${year}.html"`)
          // The page is a document of its own: nothing in it may run or load from elsewhere.
          .header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'")
          .send(html)
      );
    },
  );
};

/** One gate asked for is checked like any read; otherwise the report covers every gate in scope. */
function readableGates(request: FastifyRequest, gate: string | undefined): 'all' | string[] {
  if (gate !== undefined) {
    noteAudit(request, { gateId: gate });
    authorize(request, 'reports.read', gate);
    return [gate];
  }
  const scope = scopeOf(principalOf(request), 'reports.read');
  if (scope !== 'all' && scope.length === 0) authorize(request, 'reports.read', null);
  return scope;
}
