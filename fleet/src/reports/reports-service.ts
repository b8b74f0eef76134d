import { GatecastError } from '@gatecast/protocol';
import type { GatesRepo } from '../gates/gates-repo.js';
import type { Sql } from '../store/sql.js';
import { queryKioskUsage, type KioskUsageReport } from './kiosk-usage.js';
import { queryPlays, type PlaysFilter } from './plays-report.js';
import type { PlaysReport } from './plays-view.js';
import { parsePeriod, yearPeriod } from './report-period.js';
import { buildYearlyReport, type YearlyReport } from './yearly-report.js';

/** Used for a report over several gates that do not share one time zone. */
const FALLBACK_TIME_ZONE = 'UTC';

/** The filter as the API takes it: the period as written, read in the gate's time zone here. */
export type PlaysRequest = Omit<PlaysFilter, 'from' | 'to'> & { from: string; to: string };

/** Reads for the reports: proof of play over a period, and the yearly report per gate. */
export class ReportsService {
  constructor(
    private readonly store: Sql,
    private readonly gates: Pick<GatesRepo, 'get' | 'list'>,
  ) {}

  async plays(request: PlaysRequest): Promise<PlaysReport> {
    const period = parsePeriod(request.from, request.to, await this.timeZoneFor(request.gate));
    return queryPlays(this.store, { ...request, from: period.from, to: period.to });
  }

  /** Kiosk page views and failed searches over a period (days at the gate, as for plays). */
  async kioskUsage(request: {
    gates: 'all' | string[];
    gate?: string;
    from: string;
    to: string;
    top?: number;
    minCount?: number;
  }): Promise<KioskUsageReport> {
    const period = parsePeriod(request.from, request.to, await this.timeZoneFor(request.gate));
    return queryKioskUsage(this.store, {
      gates: request.gates,
      from: period.from,
      to: period.to,
      ...(request.top !== undefined ? { top: request.top } : {}),
      ...(request.minCount !== undefined ? { minCount: request.minCount } : {}),
    });
  }

  async yearly(gateId: string, year: number, now: Date): Promise<YearlyReport> {
    const gate = await this.gates.get(gateId);
    if (!gate) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
    // The year at the gate: on 31 December evening UTC it is already 1 January in Hai Phong.
    if (yearPeriod(year, gate.timeZone).from.getTime() > now.getTime()) {
      throw new GatecastError('BAD_REQUEST', `${year} has not begun yet at ${gate.id}`);
    }
    return buildYearlyReport(
      this.store,
      { id: gate.id, name: gate.name, timeZone: gate.timeZone },
      year,
      now,
    );
  }

  /** Dates are days at the gate; several gates share a zone in practice (all of Hai Phong's do). */
  private async timeZoneFor(gateId: string | undefined): Promise<string> {
    if (gateId !== undefined) {
      const gate = await this.gates.get(gateId);
      if (!gate) throw new GatecastError('NOT_FOUND', `gate ${gateId} does not exist`);
      return gate.timeZone;
    }
    const zones = new Set((await this.gates.list()).map((gate) => gate.timeZone));
    return zones.size === 1 ? ([...zones][0] ?? FALLBACK_TIME_ZONE) : FALLBACK_TIME_ZONE;
  }
}
