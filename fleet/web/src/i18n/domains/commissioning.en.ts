// Commissioning: the dashboard's strings. commissioning.vi.ts has exactly these keys.
export const commissioningEn = {
  'commissioning.link': 'Commissioning report',
  'commissioning.title': 'Commissioning report: {gate}',
  'commissioning.intro':
    "Every screen of this gate with its latest self-test. Print it as the technician's hand-over sheet.",
  'commissioning.print': 'Print',
  'commissioning.generated': 'Generated {time}',
  'commissioning.totals': '{screens} screens: {passed} passed, {failed} failed, {neverRan} never ran',
  'commissioning.none': 'This gate has no screens yet.',
  'commissioning.col.zone': 'Zone',
  'commissioning.col.screen': 'Screen',
  'commissioning.col.result': 'Result',
  'commissioning.col.tested': 'Tested',
  'commissioning.col.problems': 'Failures and warnings',
  'commissioning.state.passed': 'Passed',
  'commissioning.state.failed': 'Failed',
  'commissioning.state.never-ran': 'Never ran',
  'commissioning.legend': '✓ pass · ! warning · ✗ fail · – skipped',
  'commissioning.signature': 'Technician (signature and name)',
} as const;
