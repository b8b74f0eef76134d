import QRCode from 'qrcode';
import { describe, expect, it } from 'vitest';
import { qrLanguageOf, qrLinkOf, travellerLink, TravellerQrCodes } from '../../../src/player/qr-code.js';

describe('traveller QR codes', () => {
  it('links to the page in one language, keeping the page address', () => {
    expect(travellerLink('https://info.haiphong.gov.vn/t/cat-bi', 'zh-Hans')).toBe(
      'https://info.haiphong.gov.vn/t/cat-bi?lang=zh-Hans',
    );
    expect(travellerLink('https://info.haiphong.gov.vn/t/cat-bi?lang=vi', 'km')).toBe(
      'https://info.haiphong.gov.vn/t/cat-bi?lang=km',
    );
  });

  it('makes each language code once and again only when the page address changes', async () => {
    const codes = new TravellerQrCodes();
    const first = codes.svg('https://info.example/t/cat-bi', 'ko');
    expect(codes.svg('https://info.example/t/cat-bi', 'ko')).toBe(first);
    const svg = await first;
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    // The same library's own encoding of the link: what the SVG draws.
    const expected = await QRCode.toString('https://info.example/t/cat-bi?lang=ko', {
      type: 'svg',
      errorCorrectionLevel: 'M',
      margin: 4,
      color: { dark: '#000000', light: '#ffffff' },
    });
    expect(svg).toBe(expected);
    expect(codes.svg('https://other.example/t/cat-bi', 'ko')).not.toBe(first);
  });

  it('answers only its own paths', () => {
    expect(qrLanguageOf('/qr/zh-Hans.svg')).toBe('zh-Hans');
    expect(qrLanguageOf('/qr/../x.svg')).toBeNull();
    expect(qrLanguageOf('/media/qr.svg')).toBeNull();
  });
});

describe('QR codes of an information page link', () => {
  it('reads the link of /qr/link.svg from its query', () => {
    const link = 'https://www.haiphong.gov.vn/du-lich?lang=vi';
    expect(qrLinkOf('/qr/link.svg', `?url=${encodeURIComponent(link)}`)).toBe(link);
  });

  it('refuses anything but an http or https link of a sane length, and other paths', () => {
    expect(qrLinkOf('/qr/link.svg', '?url=javascript%3Aalert(1)')).toBeNull();
    expect(qrLinkOf('/qr/link.svg', '?url=file%3A%2F%2F%2Fetc%2Fpasswd')).toBeNull();
    expect(qrLinkOf('/qr/link.svg', '?url=not a url')).toBeNull();
    expect(qrLinkOf('/qr/link.svg', '')).toBeNull();
    expect(qrLinkOf('/qr/link.svg', `?url=https://a.vn/${'x'.repeat(600)}`)).toBeNull();
    expect(qrLinkOf('/qr/vi.svg', '?url=https%3A%2F%2Fa.vn')).toBeNull();
  });
});
