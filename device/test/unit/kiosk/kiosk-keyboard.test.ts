import { describe, expect, it } from 'vitest';
import { TONES, applyTone } from '../../../kiosk-ui/compose.js';

describe('Vietnamese tone keys of the on-screen keyboard', () => {
  it('puts the mark on the last vowel of the word being typed', () => {
    expect(applyTone('thu', TONES.hook)).toBe('thủ');
    expect(applyTone('thu tuc', TONES.dot)).toBe('thu tục');
    expect(applyTone('nhâp', TONES.dot)).toBe('nhập');
    expect(applyTone('canh', TONES.grave)).toBe('cành');
    expect(applyTone('Ngươi', TONES.grave)).toBe('Người');
    expect(applyTone('ma', TONES.tilde)).toBe('mã');
    expect(applyTone('cam', TONES.acute)).toBe('cám');
    expect(applyTone('mua', TONES.acute)).toBe('múa');
    expect(applyTone('qua', TONES.acute)).toBe('quá');
    expect(applyTone('gia', TONES.acute)).toBe('giá');
    expect(applyTone('khuyên', TONES.hook)).toBe('khuyển');
    expect(applyTone('toan', TONES.acute)).toBe('toán');
    expect(applyTone('ngoai', TONES.dot)).toBe('ngoại');
  });

  it('replaces a tone, takes the same one off again, and leaves words without vowels alone', () => {
    expect(applyTone('má', TONES.grave)).toBe('mà');
    expect(applyTone('mà', TONES.grave)).toBe('ma');
    expect(applyTone('ơ', TONES.acute)).toBe('ớ');
    expect(applyTone('xyz', TONES.acute)).toBe('xýz');
    expect(applyTone('thu ', TONES.acute)).toBe('thu ');
    expect(applyTone('', TONES.acute)).toBe('');
    expect(applyTone('113', TONES.acute)).toBe('113');
  });
});
