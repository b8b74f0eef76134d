import { infoBundleSchema, type InfoBundle } from '@gatecast/protocol';

/** The gate languages the traveller page must render (issue 6). */
export const FIXTURE_LANGUAGES = ['vi', 'en', 'zh-Hans', 'lo', 'km', 'ko', 'ja', 'ru', 'th'];

export const FIXTURE_IMAGE_SHA = 'a'.repeat(64);

const entryTitle = {
  vi: 'Nhập cảnh và thị thực',
  en: 'Entry and visas',
  'zh-Hans': '入境与签证',
  lo: 'ການເຂົ້າເມືອງ ແລະ ວີຊາ',
  km: 'ការចូលប្រទេស និងទិដ្ឋាការ',
  ko: '입국 및 비자',
  ja: '入国とビザ',
  ru: 'Въезд и визы',
  th: 'การเข้าเมืองและวีซ่า',
};

const visaTitle = {
  vi: 'Thủ tục nhập cảnh',
  en: 'Entry procedure',
  'zh-Hans': '入境手续',
  lo: 'ຂັ້ນຕອນການເຂົ້າເມືອງ',
  km: 'នីតិវិធីចូលប្រទេស',
  ko: '입국 절차',
  ja: '入国手続き',
  ru: 'Порядок въезда',
  th: 'ขั้นตอนการเข้าเมือง',
};

const visaText = {
  vi: 'Xuất trình hộ chiếu còn hạn ít nhất sáu tháng.\n\nĐiền tờ khai tại quầy.',
  en: 'Show a passport valid for at least six months.\n\nFill in the form at the counter.',
  'zh-Hans': '请出示有效期至少六个月的护照。\n\n请在柜台填写表格。',
  lo: 'ສະແດງໜັງສືຜ່ານແດນທີ່ຍັງມີອາຍຸຢ່າງໜ້ອຍຫົກເດືອນ.\n\nຕື່ມແບບຟອມຢູ່ເຄົາເຕີ.',
  km: 'បង្ហាញលិខិតឆ្លងដែនដែលនៅមានសុពលភាពយ៉ាងតិចប្រាំមួយខែ។\n\nបំពេញទម្រង់នៅបញ្ជរ។',
  ko: '유효기간이 6개월 이상 남은 여권을 제시하십시오.\n\n창구에서 신고서를 작성하십시오.',
  ja: '有効期間が6か月以上あるパスポートを提示してください。\n\n窓口で書類に記入してください。',
  ru: 'Предъявите паспорт, действительный не менее шести месяцев.\n\nЗаполните бланк у стойки.',
  th: 'แสดงหนังสือเดินทางที่มีอายุเหลืออย่างน้อยหกเดือน\n\nกรอกแบบฟอร์มที่เคาน์เตอร์',
};

const emergencyTitle = {
  vi: 'Số điện thoại khẩn cấp',
  en: 'Emergency numbers',
  'zh-Hans': '紧急电话',
  lo: 'ເບີໂທສຸກເສີນ',
  km: 'លេខទូរស័ព្ទសង្គ្រោះបន្ទាន់',
  ko: '긴급 전화번호',
  ja: '緊急電話番号',
  ru: 'Экстренные номера',
  th: 'หมายเลขฉุกเฉิน',
};

/** Police and ambulance rows; Thai is left out on purpose: it falls back to English. */
const police = {
  vi: 'Công an',
  en: 'Police',
  'zh-Hans': '警察',
  lo: 'ຕຳຫຼວດ',
  km: 'ប៉ូលិស',
  ko: '경찰',
  ja: '警察',
  ru: 'Полиция',
};

/** A published tree in every gate language, with a table, a picture, a QR link and a gap. */
export function fixtureBundle(overrides: Partial<InfoBundle> = {}): InfoBundle {
  return infoBundleSchema.parse({
    gateId: 'cat-bi',
    version: 3,
    generatedAt: '2026-11-26T08:00:00.000Z',
    languages: FIXTURE_LANGUAGES,
    nodes: [
      { id: 'entry', parentId: null, kind: 'category', order: 1, title: entryTitle, sample: true },
      {
        id: 'visa',
        parentId: 'entry',
        kind: 'page',
        order: 1,
        title: visaTitle,
        summary: visaTitle,
        sample: true,
        blocks: [
          { type: 'heading', text: visaTitle },
          { type: 'text', text: visaText },
          {
            type: 'image',
            image: {
              url: `http://fleet.example/api/v1/device/media/${FIXTURE_IMAGE_SHA}`,
              sha256: FIXTURE_IMAGE_SHA,
              sizeBytes: 68,
            },
            caption: { vi: 'Sơ đồ nhà ga', en: 'Terminal map' },
            map: true,
          },
          {
            type: 'qr',
            url: 'https://evisa.xuatnhapcanh.gov.vn/',
            label: { vi: 'Thị thực điện tử', en: 'E-visa' },
          },
        ],
      },
      {
        id: 'emergency',
        parentId: null,
        kind: 'page',
        order: 2,
        title: emergencyTitle,
        missing: ['th'],
        blocks: [
          {
            type: 'table',
            rows: [
              [emergencyTitle, { vi: 'Số', en: 'Number' }],
              [police, { und: '113' }],
            ],
          },
        ],
      },
    ],
    ...overrides,
  });
}
