import type { enrolmentEn } from './enrolment.en.js';

// Enrolment: the dashboard's strings in Vietnamese; exactly the keys of enrolment.en.ts.
export const enrolmentVi: Record<keyof typeof enrolmentEn, string> = {
  'nav.enrolment': 'Màn hình chờ duyệt',
  'enrolment.title': 'Màn hình đang chờ duyệt',
  'enrolment.intro':
    'Màn hình mới khởi động với mã đăng ký sẽ hiện một mã ghép nối. Kiểm tra mã trên chính màn hình đó rồi duyệt tại đây: màn hình tự lấy thông tin đăng nhập và bắt đầu chạy.',
  'enrolment.list': 'Màn hình đang chờ',
  'enrolment.none': 'Không có màn hình nào đang chờ.',
  'enrolment.col.code': 'Mã',
  'enrolment.col.serial': 'Số sê-ri',
  'enrolment.col.network': 'Mạng',
  'enrolment.col.gate': 'Cửa khẩu',
  'enrolment.col.age': 'Gửi lúc',
  'enrolment.col.actions': 'Thao tác',
  'enrolment.action.approve': 'Duyệt',
  'enrolment.action.refuse': 'Từ chối',
  'enrolment.approve.title': 'Duyệt một màn hình',
  'enrolment.approve.hint':
    'Nhập mã hiện trên màn hình (hoặc quét mã QR). Màn hình chỉ có thể vào cửa khẩu mà mã đăng ký của nó được tạo cho.',
  'enrolment.approve.code': 'Mã ghép nối',
  'enrolment.approve.gate': 'Cửa khẩu',
  'enrolment.approve.pickGate': 'Chọn cửa khẩu',
  'enrolment.approve.zone': 'Khu vực',
  'enrolment.approve.tokenZone': 'Khu vực của mã đăng ký',
  'enrolment.approve.name': 'Tên',
  'enrolment.approve.namePlaceholder': 'vd. Băng chuyền đến số 3',
  'enrolment.approve.deviceId': 'Mã màn hình (không bắt buộc)',
  'enrolment.approve.deviceIdPlaceholder': 'tạo từ cửa khẩu và khu vực',
  'enrolment.approved':
    'Đã duyệt {code}: màn hình {id}. Màn hình sẽ nhận thông tin đăng nhập trong vài giây.',
  'enrolment.refused': 'Đã từ chối {code}.',
};
