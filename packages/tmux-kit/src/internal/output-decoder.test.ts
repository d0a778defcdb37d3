import { describe, expect, it } from 'vitest';
import { END_MARKER, OutputDecoder, incompleteUtf8Length } from './output-decoder.js';

describe('OutputDecoder', () => {
  it('never splits a UTF-8 character, whatever the chunk boundaries', () => {
    const text = 'aé✓🚀日本\r\n'.repeat(20);
    const bytes = Buffer.from(text, 'utf8');
    for (const size of [1, 2, 3, 5, 7]) {
      const decoder = new OutputDecoder(100, true);
      let out = '';
      for (let index = 0; index < bytes.length; index += size) {
        out += decoder.push(bytes.subarray(index, index + size));
        expect(Buffer.byteLength(out)).toBe(decoder.offset - 100);
      }
      expect(out).toBe(text);
      expect(decoder.offset).toBe(100 + bytes.length);
    }
  });

  it('holds back an escape sequence split across chunks, then strips it whole', () => {
    const decoder = new OutputDecoder(0, false);
    expect(decoder.push(Buffer.from('red: \x1b[3'))).toBe('red: ');
    expect(decoder.offset).toBe(5);
    expect(decoder.push(Buffer.from('1mX\x1b[0m\r'))).toBe('X');
    expect(decoder.push(Buffer.from('\n'))).toBe('\n');
    expect(decoder.offset).toBe(Buffer.byteLength('red: \x1b[31mX\x1b[0m\r\n'));
  });

  it('stops at the end marker, even split across chunks, and ignores what follows', () => {
    const decoder = new OutputDecoder(0, true);
    const log = Buffer.concat([Buffer.from('last line\r\n'), END_MARKER, Buffer.from('stray')]);
    expect(decoder.push(log.subarray(0, 14))).toBe('last line\r\n');
    expect(decoder.offset).toBe(11);
    expect(decoder.ended).toBe(false);
    expect(decoder.push(log.subarray(14))).toBe('');
    expect(decoder.ended).toBe(true);
    expect(decoder.offset).toBe(11);
  });

  it('flushes what it held back when no more bytes will come', () => {
    const decoder = new OutputDecoder(0, false);
    expect(decoder.push(Buffer.from([0x61, 0xe2, 0x9c]))).toBe('a');
    expect(decoder.flush()).toBe('\uFFFD');
    expect(decoder.offset).toBe(3);
  });

  it('measures incomplete UTF-8 tails', () => {
    expect(incompleteUtf8Length(Buffer.from('abc'))).toBe(0);
    expect(incompleteUtf8Length(Buffer.from([0xf0, 0x9f, 0x9a]))).toBe(3);
    expect(incompleteUtf8Length(Buffer.from([0xf0, 0x9f, 0x9a, 0x80]))).toBe(0);
    expect(incompleteUtf8Length(Buffer.from([0x61, 0xc3]))).toBe(1);
  });
});
