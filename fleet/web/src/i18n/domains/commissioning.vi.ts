import type { commissioningEn } from './commissioning.en.js';

// Nghiệm thu màn hình: chuỗi của bảng điều khiển, cùng khóa với commissioning.en.ts.
export const commissioningVi: Record<keyof typeof commissioningEn, string> = {
  'commissioning.link': 'Biên bản nghiệm thu',
  'commissioning.title': 'Biên bản nghiệm thu: {gate}',
  'commissioning.intro':
    'Mọi màn hình của cửa khẩu này với lần tự kiểm tra gần nhất. In ra làm biên bản bàn giao của kỹ thuật viên.',
  'commissioning.print': 'In',
  'commissioning.generated': 'Lập lúc {time}',
  'commissioning.totals': '{screens} màn hình: {passed} đạt, {failed} không đạt, {neverRan} chưa kiểm tra',
  'commissioning.none': 'Cửa khẩu này chưa có màn hình nào.',
  'commissioning.col.zone': 'Khu vực',
  'commissioning.col.screen': 'Màn hình',
  'commissioning.col.result': 'Kết quả',
  'commissioning.col.tested': 'Kiểm tra lúc',
  'commissioning.col.problems': 'Lỗi và cảnh báo',
  'commissioning.state.passed': 'Đạt',
  'commissioning.state.failed': 'Không đạt',
  'commissioning.state.never-ran': 'Chưa kiểm tra',
  'commissioning.legend': '✓ đạt · ! cảnh báo · ✗ lỗi · – bỏ qua',
  'commissioning.signature': 'Kỹ thuật viên (ký, ghi rõ họ tên)',
};
