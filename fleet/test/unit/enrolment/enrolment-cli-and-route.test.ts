import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../../src/cli/commands/enrolment.js';
import { CliError } from '../../../src/cli/io.js';
import { approvalZone } from '../../../src/enrolment/approval-zone.js';
import type { EnrolmentRequestView } from '../../../src/enrolment/enrolment-api.js';
import { parseRoute } from '../../../web/src/model/routes.js';

describe('enrolment token lifetimes typed on the command line', () => {
  it('reads hours and days', () => {
    expect(parseDuration('72h')).toBe(72);
    expect(parseDuration('3d')).toBe(72);
    expect(parseDuration('12')).toBe(12);
    expect(parseDuration('30d')).toBe(720);
  });

  it('refuses what the fleet would refuse, with a usage error', () => {
    for (const text of ['0h', '31d', 'soon', '1w']) expect(() => parseDuration(text)).toThrow(CliError);
  });
});

describe('the zone an approved screen goes to', () => {
  const request = {
    gateId: 'cat-bi-airport',
    zoneId: null,
    requestedGateId: 'cat-bi-airport',
    requestedZoneId: 'departures',
  } as EnrolmentRequestView;

  it("takes the approver's choice, then the token's zone, then the provision file's", () => {
    expect(approvalZone({ ...request, zoneId: 'arrivals-hall' }, 'baggage')).toBe('baggage');
    expect(approvalZone({ ...request, zoneId: 'arrivals-hall' }, undefined)).toBe('arrivals-hall');
    expect(approvalZone(request, undefined)).toBe('departures');
  });

  it('ignores a zone the file names for another gate, and asks for one when none is known', () => {
    const elsewhere = { ...request, requestedGateId: 'hai-phong-port', requestedZoneId: 'terminal' };
    expect(() => approvalZone(elsewhere, undefined)).toThrow(/name the zone/);
  });
});

describe('dashboard addresses', () => {
  it('opens the waiting screens at /enrolment and at /enrol, where QR codes point', () => {
    expect(parseRoute('/enrolment')).toEqual({ page: 'enrolment' });
    expect(parseRoute('/enrol')).toEqual({ page: 'enrolment' });
  });
});
