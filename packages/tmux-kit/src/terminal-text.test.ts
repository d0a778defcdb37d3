import { describe, expect, it } from 'vitest';
import { stripTerminalEscapes } from './terminal-text.js';

describe('stripTerminalEscapes', () => {
  it('removes CSI, OSC and short escape sequences', () => {
    expect(stripTerminalEscapes('\x1b[1;31mred\x1b[0m \x1b[2K\x1b[?25lx')).toBe('red x');
    expect(stripTerminalEscapes('\x1b]0;title\x07a\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\')).toBe('alink');
    expect(stripTerminalEscapes('\x1b(Bplain\x1b=\x1b>')).toBe('plain');
    expect(stripTerminalEscapes('\x1bP1$r0m\x1b\\ok')).toBe('ok');
  });

  it('turns CRLF into LF and applies carriage-return overwrites per line', () => {
    expect(stripTerminalEscapes('a\r\nb\r\n')).toBe('a\nb\n');
    expect(stripTerminalEscapes('10%\r50%\r100%\ndone\n')).toBe('100%\ndone\n');
    expect(stripTerminalEscapes('abcdef\rXY\n')).toBe('XYcdef\n');
    expect(stripTerminalEscapes('line\r')).toBe('line');
  });

  it('applies backspaces and drops other control characters, keeping tabs', () => {
    expect(stripTerminalEscapes('abc\b\bX\tY\x07\x00')).toBe('aX\tY');
    expect(stripTerminalEscapes('dangling \x1b')).toBe('dangling ');
  });

  it('leaves unicode alone', () => {
    expect(stripTerminalEscapes('grüße ✓ 🚀 日本語\n')).toBe('grüße ✓ 🚀 日本語\n');
  });
});
