import type { healthChartEn } from './health.en.js';

export const healthChartVi: Record<keyof typeof healthChartEn, string> = {
  'healthChart.title': 'Lịch sử tình trạng',
  'healthChart.range': 'Khoảng thời gian',
  'healthChart.range.6h': '6 giờ',
  'healthChart.range.2d': '2 ngày',
  'healthChart.range.30d': '30 ngày',
  'healthChart.range.1y': '1 năm',
  'healthChart.cpu': 'Tải CPU',
  'healthChart.temperature': 'Nhiệt độ',
  'healthChart.memory': 'Bộ nhớ đã dùng',
  'healthChart.disk': 'Ổ đĩa đã dùng',
  'healthChart.span': 'Từ {from} đến {to}',
  'healthChart.empty': 'Không có dữ liệu trong khoảng thời gian này.',
  'healthChart.resolution.raw': 'Mọi mẫu đo màn hình đã gửi.',
  'healthChart.resolution.minute': 'Giá trị trung bình theo từng khoảng, từ dữ liệu theo phút.',
  'healthChart.resolution.hour': 'Giá trị trung bình theo từng khoảng, từ dữ liệu theo giờ.',
};
