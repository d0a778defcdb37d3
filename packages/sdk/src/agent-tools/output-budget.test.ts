import { describe, expect, it } from 'vitest';
import { budgetOutput, formatTruncationNotice } from './output-budget.js';

describe('budgetOutput', () => {
  it('returns short text unchanged', () => {
    const result = budgetOutput('hello\nworld\n', 100);
    expect(result).toEqual({ text: 'hello\nworld\n', truncated: false, totalBytes: 12, headBytes: 12, tailStart: 12 });
  });

  it('keeps head and tail within the budget and says what was omitted', () => {
    const lines = `${Array.from({ length: 10_000 }, (_, index) => `line ${index}`).join('\n')}\n`;
    const result = budgetOutput(lines, 4096, { fullOutputPath: '/tmp/.eci-sandbox/outputs/x.log' });
    expect(result.truncated).toBe(true);
    expect(result.text.startsWith('line 0\nline 1\n')).toBe(true);
    expect(result.text.endsWith('line 9999\n')).toBe(true);
    const notice = formatTruncationNotice({
      totalBytes: result.totalBytes,
      headBytes: result.headBytes,
      tailStart: result.tailStart,
      fullOutputPath: '/tmp/.eci-sandbox/outputs/x.log',
    });
    // head + tail within budget; the notice is the only overhead
    expect(Buffer.byteLength(result.text) - Buffer.byteLength(notice)).toBeLessThanOrEqual(4096);
    expect(result.text).toContain('/tmp/.eci-sandbox/outputs/x.log');
    expect(result.text).toContain(`of ${result.totalBytes}`);
    // cuts on line boundaries
    const bytes = Buffer.from(lines);
    expect(bytes[result.headBytes - 1]).toBe(0x0a);
    expect(bytes[result.tailStart - 1]).toBe(0x0a);
    // head and tail are exactly the original bytes at those offsets
    expect(result.text.startsWith(bytes.subarray(0, result.headBytes).toString())).toBe(true);
    expect(result.text.endsWith(bytes.subarray(result.tailStart).toString())).toBe(true);
  });

  it('never cuts inside a multi-byte character', () => {
    const text = '日本語'.repeat(5000); // no newlines, 3 bytes a character
    const result = budgetOutput(text, 1000);
    expect(result.truncated).toBe(true);
    expect(result.text).not.toContain('\uFFFD');
    expect(result.headBytes % 3).toBe(0);
    expect(result.tailStart % 3).toBe(0);
  });

  it('reports absolute offsets when the text starts inside a file', () => {
    const notice = formatTruncationNotice({ totalBytes: 1000, headBytes: 100, tailStart: 900, startOffset: 5000 });
    expect(notice).toContain('showing bytes 5000-5100 and 5900-6000 of 6000');
  });
});
