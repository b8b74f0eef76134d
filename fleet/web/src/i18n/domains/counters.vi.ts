import type { countersEn } from './counters.en.js';

export const countersVi: Record<keyof typeof countersEn, string> = {
  'nav.counters': 'Quầy thông tin',
  'counters.title': 'Quầy thông tin',
  'counters.intro':
    'Màn hình quầy hiển thị mã ghép nối ở một góc. Nhân viên mở {url} trên điện thoại hoặc máy tính bảng và nhập mã đó; sau đó máy tính bảng có thể đưa một trang thông tin lên màn hình ấy.',
  'counters.gate': 'Cửa khẩu',
  'counters.allGates': 'Tất cả cửa khẩu',
  'counters.none':
    'Không có màn hình quầy nào ở đây. Chuyển một màn hình thành quầy bằng lệnh: gatecast devices profile SCREEN counter',
  'counters.screen': 'Màn hình',
  'counters.code': 'Mã ghép nối',
  'counters.codeHidden': 'ẩn',
  'counters.codeUntil': 'đến {time}',
  'counters.showing': 'Trên màn hình',
  'counters.nothing': 'nội dung thường',
  'counters.showingPage': '{node}, ngôn ngữ {language}, {until}',
  'counters.untilCleared': 'đến khi gỡ',
  'counters.untilTime': 'đến {time}',
  'counters.tablets': 'Máy tính bảng',
  'counters.noTablets': 'chưa ghép nối',
  'counters.pairedAt': 'ghép nối {time}',
  'counters.lastUsed': 'dùng lần cuối {time}',
  'counters.revokedBy': 'bị thu hồi {time} bởi {who}',
  'counters.newCode': 'Mã mới',
  'counters.newCodeDone': '{screen} hiện hiển thị mã {code}.',
  'counters.revoke': 'Thu hồi',
  'counters.revoked': 'Máy tính bảng không còn dùng được {screen}.',
} as const;
