import { infoBundleSchema, type InfoBundle } from '@gatecast/protocol';

/** A picture of the media library, as the bundle names it. */
export interface BundleImage {
  url: string;
  sha256: string;
  sizeBytes: number;
}

export const BUNDLE_LANGUAGES = ['vi', 'en', 'zh-Hans', 'lo', 'km'];

/**
 * A small information tree of Cat Bi airport with real texts in vi, en, zh-Hans, lo and km:
 * entry, customs (not translated into Khmer), transport with a map and fares, emergency numbers.
 */
export function gateBundle(map: BundleImage, version = 1): InfoBundle {
  return infoBundleSchema.parse({
    gateId: 'cat-bi-airport',
    version,
    generatedAt: '2026-11-26T08:00:00.000Z',
    languages: BUNDLE_LANGUAGES,
    nodes: [
      {
        id: 'entry',
        parentId: null,
        kind: 'category',
        order: 1,
        title: {
          vi: 'Nhập cảnh và thị thực',
          en: 'Entry and visas',
          'zh-Hans': '入境与签证',
          lo: 'ການເຂົ້າເມືອງ ແລະ ວີຊາ',
          km: 'ការចូលប្រទេស និងទិដ្ឋាការ',
        },
      },
      {
        id: 'entry-procedures',
        parentId: 'entry',
        kind: 'page',
        order: 1,
        sample: true,
        title: {
          vi: 'Thủ tục nhập cảnh',
          en: 'Entry procedures',
          'zh-Hans': '入境手续',
          lo: 'ຂັ້ນຕອນການເຂົ້າເມືອງ',
          km: 'នីតិវិធីចូលប្រទេស',
        },
        blocks: [
          {
            type: 'text',
            text: {
              vi: 'Xuất trình hộ chiếu còn hạn ít nhất sáu tháng và thị thực hoặc giấy miễn thị thực tại quầy kiểm soát xuất nhập cảnh.',
              en: 'Show a passport valid for at least six months and your visa or visa exemption at the immigration counter.',
              'zh-Hans': '请在入境检查柜台出示有效期至少六个月的护照以及签证或免签证明。',
              lo: 'ກະລຸນາສະແດງໜັງສືຜ່ານແດນທີ່ຍັງມີອາຍຸຢ່າງໜ້ອຍຫົກເດືອນ ແລະ ວີຊາ ຢູ່ເຄົາເຕີກວດຄົນເຂົ້າເມືອງ.',
              km: 'សូមបង្ហាញលិខិតឆ្លងដែនដែលនៅមានសុពលភាពយ៉ាងហោចណាស់ប្រាំមួយខែ និងទិដ្ឋាការ នៅបញ្ជរអន្តោប្រវេសន៍។',
            },
          },
        ],
      },
      {
        id: 'customs',
        parentId: 'entry',
        kind: 'page',
        order: 2,
        missing: ['km'],
        title: {
          vi: 'Quy định hải quan',
          en: 'Customs rules',
          'zh-Hans': '海关规定',
          lo: 'ລະບຽບພາສີ',
        },
        blocks: [
          {
            type: 'text',
            text: {
              vi: 'Khai báo ngoại tệ trên 5.000 đô la Mỹ.',
              en: 'Declare foreign currency above 5,000 US dollars.',
              'zh-Hans': '携带超过5000美元的外币须申报。',
              lo: 'ຕ້ອງແຈ້ງເງິນຕາຕ່າງປະເທດທີ່ເກີນ 5.000 ໂດລາສະຫະລັດ.',
            },
          },
        ],
      },
      {
        id: 'transport',
        parentId: null,
        kind: 'category',
        order: 2,
        title: { vi: 'Giao thông', en: 'Transport', 'zh-Hans': '交通', lo: 'ການເດີນທາງ', km: 'ការធ្វើដំណើរ' },
      },
      {
        id: 'airport-transport',
        parentId: 'transport',
        kind: 'page',
        order: 1,
        title: {
          vi: 'Taxi và xe buýt từ sân bay',
          en: 'Taxis and buses from the airport',
          'zh-Hans': '机场出租车和公交车',
          lo: 'ລົດແທັກຊີ ແລະ ລົດເມຈາກສະໜາມບິນ',
          km: 'តាក់ស៊ី និងឡានក្រុងពីព្រលានយន្តហោះ',
        },
        blocks: [
          {
            type: 'text',
            text: {
              vi: 'Xe buýt số 41 chạy từ sân bay Cát Bi vào trung tâm thành phố Hải Phòng, 20 phút một chuyến.',
              en: 'Bus 41 runs from Cat Bi airport to Hai Phong city centre every 20 minutes.',
              'zh-Hans': '41路公交车从吉碧机场开往海防市中心，每20分钟一班。',
              lo: 'ລົດເມສາຍ 41 ແລ່ນຈາກສະໜາມບິນກັດບີ ເຂົ້າໃຈກາງເມືອງໄຫ່ຟອງ ທຸກໆ 20 ນາທີ.',
              km: 'ឡានក្រុងលេខ 41 ចេញពីព្រលានយន្តហោះកាត់ប៊ី ទៅកណ្តាលក្រុងហៃផុង រៀងរាល់ 20 នាទីម្តង។',
            },
          },
          {
            type: 'image',
            map: true,
            image: map,
            caption: {
              vi: 'Bản đồ nhà ga',
              en: 'Terminal map',
              'zh-Hans': '航站楼地图',
              lo: 'ແຜນທີ່ອາຄານຜູ້ໂດຍສານ',
              km: 'ផែនទីអាគារស្ថានីយ',
            },
          },
          {
            type: 'table',
            rows: [
              [
                { vi: 'Phương tiện', en: 'Transport', 'zh-Hans': '交通工具', lo: 'ພາຫະນະ', km: 'មធ្យោបាយ' },
                { vi: 'Giá vé', en: 'Fare', 'zh-Hans': '票价', lo: 'ຄ່າໂດຍສານ', km: 'តម្លៃសំបុត្រ' },
              ],
              [
                {
                  vi: 'Xe buýt 41',
                  en: 'Bus 41',
                  'zh-Hans': '41路公交车',
                  lo: 'ລົດເມສາຍ 41',
                  km: 'ឡានក្រុងលេខ 41',
                },
                { vi: '8.000 ₫', en: '8,000 ₫' },
              ],
            ],
          },
        ],
      },
      {
        id: 'emergency-numbers',
        parentId: null,
        kind: 'page',
        order: 3,
        title: {
          vi: 'Số điện thoại khẩn cấp',
          en: 'Emergency numbers',
          'zh-Hans': '紧急电话',
          lo: 'ເບີໂທສຸກເສີນ',
          km: 'លេខទូរស័ព្ទសង្គ្រោះបន្ទាន់',
        },
        blocks: [
          {
            type: 'table',
            rows: [
              [
                { vi: 'Dịch vụ', en: 'Service', 'zh-Hans': '服务', lo: 'ບໍລິການ', km: 'សេវា' },
                { vi: 'Số', en: 'Number', 'zh-Hans': '号码', lo: 'ເບີ', km: 'លេខ' },
              ],
              [
                { vi: 'Công an', en: 'Police', 'zh-Hans': '警察', lo: 'ຕຳຫຼວດ', km: 'ប៉ូលិស' },
                { vi: '113', en: '113' },
              ],
              [
                { vi: 'Cứu hỏa', en: 'Fire', 'zh-Hans': '消防', lo: 'ດັບເພີງ', km: 'ពន្លត់អគ្គិភ័យ' },
                { vi: '114', en: '114' },
              ],
              [
                { vi: 'Cấp cứu', en: 'Ambulance', 'zh-Hans': '急救', lo: 'ລົດສຸກເສີນ', km: 'សង្គ្រោះបន្ទាន់' },
                { vi: '115', en: '115' },
              ],
            ],
          },
          {
            type: 'qr',
            url: 'https://gate.example.vn/cat-bi-airport',
            label: {
              vi: 'Mở trên điện thoại',
              en: 'Open on your phone',
              'zh-Hans': '在手机上打开',
              lo: 'ເປີດໃນໂທລະສັບ',
              km: 'បើកនៅលើទូរស័ព្ទ',
            },
          },
        ],
      },
    ],
  });
}
