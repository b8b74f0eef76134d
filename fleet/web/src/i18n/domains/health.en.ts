// Health history charts on the device page. health.vi.ts has exactly these keys.
export const healthChartEn = {
  'healthChart.title': 'Health history',
  'healthChart.range': 'Time range',
  'healthChart.range.6h': '6 h',
  'healthChart.range.2d': '2 days',
  'healthChart.range.30d': '30 days',
  'healthChart.range.1y': '1 year',
  'healthChart.cpu': 'CPU load',
  'healthChart.temperature': 'Temperature',
  'healthChart.memory': 'Memory used',
  'healthChart.disk': 'Disk used',
  'healthChart.span': '{from} to {to}',
  'healthChart.empty': 'No samples in this range.',
  'healthChart.resolution.raw': 'Every sample the screen sent.',
  'healthChart.resolution.minute': 'Averages per interval, from per-minute history.',
  'healthChart.resolution.hour': 'Averages per interval, from hourly history.',
};
