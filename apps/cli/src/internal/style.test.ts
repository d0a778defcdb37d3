import { describe, expect, it } from 'vitest';
import { createStyle, shouldUseColor, stripAnsi } from './style.js';
import { formatTable } from './table.js';

describe('colour', () => {
  it('is on for a TTY only, off with NO_COLOR or TERM=dumb, forced with FORCE_COLOR', () => {
    expect(shouldUseColor({ isTTY: true }, {})).toBe(true);
    expect(shouldUseColor({ isTTY: false }, {})).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(shouldUseColor({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(shouldUseColor({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(shouldUseColor({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
  });

  it('adds escape codes only when enabled', () => {
    expect(createStyle(false).red('x')).toBe('x');
    expect(createStyle(true).red('x')).toBe('\u001b[31mx\u001b[39m');
    expect(stripAnsi(createStyle(true).bold('y'))).toBe('y');
  });
});

describe('formatTable', () => {
  it('aligns columns by visible width, coloured cells included', () => {
    const style = createStyle(true);
    const table = formatTable(
      [
        { id: 'a', status: style.green('Running') },
        { id: 'longer-id', status: 'Pending' },
      ],
      [
        { header: 'ID', value: (row) => row.id },
        { header: 'STATUS', value: (row) => row.status },
      ],
    );
    expect(stripAnsi(table).split('\n')).toEqual(['ID         STATUS', 'a          Running', 'longer-id  Pending']);
  });
});
