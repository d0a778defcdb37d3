import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { TmuxValidationError } from './errors.js';
import { shellQuote } from './shell-quote.js';

describe('shellQuote', () => {
  it('leaves plain words alone and quotes everything else', () => {
    expect(shellQuote('abc-1.2/x')).toBe('abc-1.2/x');
    expect(shellQuote('')).toBe("''");
    expect(shellQuote('a b')).toBe("'a b'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it('round-trips hostile values through a real bash', () => {
    const values = ["it's", '$(touch pwned)', '`id`', 'a\nb', '"; rm -rf / #', '*', '~', '\\', 'ünï 🚀', "'", "''"];
    for (const value of values) {
      const echoed = execFileSync('bash', ['-c', `printf '%s' ${shellQuote(value)}`], { encoding: 'utf8' });
      expect(echoed).toBe(value);
    }
  });

  it('rejects NUL bytes, naming the field', () => {
    expect(() => shellQuote('a\0b', 'cwd')).toThrow(TmuxValidationError);
    expect(() => shellQuote('a\0b', 'cwd')).toThrow(/^cwd:/);
  });
});
