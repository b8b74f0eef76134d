import type { EnrolmentStatus } from './commissioning-view.js';

/** Every line on the commissioning screen, in Vietnamese then English: technicians read either. */
export interface Bilingual {
  vi: string;
  en: string;
}

export const TEXT = {
  title: { vi: 'Cài đặt màn hình gatecast', en: 'gatecast screen setup' },
  serial: { vi: 'Số sê-ri', en: 'Serial' },
  network: { vi: 'Mạng', en: 'Network' },
  connected: { vi: 'đã kết nối', en: 'connected' },
  notConnected: {
    vi: 'chưa kết nối — kiểm tra cáp mạng hoặc Wi-Fi',
    en: 'not connected — check the cable or Wi-Fi',
  },
  fleet: { vi: 'Máy chủ', en: 'Fleet' },
  reachable: { vi: 'kết nối được', en: 'reachable' },
  unreachable: { vi: 'không kết nối được', en: 'unreachable' },
  checking: { vi: 'đang kiểm tra', en: 'checking' },
  gate: { vi: 'Cổng / khu vực', en: 'Gate / zone' },
  pairingCode: { vi: 'Mã ghép nối', en: 'Pairing code' },
  approveHow: {
    vi: 'Quét mã QR, hoặc chạy: gatecast devices approve MÃ --gate CỔNG --name TÊN',
    en: 'Scan the QR code, or run: gatecast devices approve CODE --gate GATE --name NAME',
  },
  configError: { vi: 'Cấu hình không hợp lệ', en: 'The configuration is invalid' },
  configWhatToDo: {
    vi: 'Tắt nguồn, tháo thẻ SD, chạy lại "gatecast provision" cho màn hình này (hoặc sửa gatecast/provision.json trên phân vùng boot), rồi lắp lại thẻ. Màn hình tự đọc lại cấu hình mỗi 10 giây.',
    en: 'Power off, take out the SD card, run "gatecast provision" again for this screen (or fix gatecast/provision.json on the boot partition), then put the card back. The screen re-reads its configuration every 10 seconds.',
  },
} satisfies Record<string, Bilingual>;

export const STATUS_TEXT: Record<EnrolmentStatus, Bilingual> = {
  requesting: { vi: 'Đang gửi yêu cầu đến máy chủ…', en: 'Asking the fleet to enrol this screen…' },
  waiting: { vi: 'Đang chờ phê duyệt', en: 'Waiting for approval' },
  refused: {
    vi: 'Máy chủ từ chối yêu cầu: mã đăng ký (enrolment token) sai, hết hạn hoặc đã bị thu hồi. Sẽ thử lại sau.',
    en: 'The fleet refused the request: the enrolment token is wrong, expired or revoked. Trying again shortly.',
  },
  expired: {
    vi: 'Mã ghép nối đã hết hạn; đang xin mã mới.',
    en: 'The pairing code expired; asking for a new one.',
  },
  unreachable: {
    vi: 'Không kết nối được máy chủ; đang thử lại.',
    en: 'Cannot reach the fleet; trying again.',
  },
  approved: { vi: 'Đã phê duyệt — đang khởi động.', en: 'Approved — starting.' },
};
