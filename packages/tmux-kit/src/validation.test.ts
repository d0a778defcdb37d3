import { describe, expect, it } from 'vitest';
import { TmuxValidationError } from './errors.js';
import { generateSessionId, validateSessionId } from './validation.js';

describe('session ids', () => {
  it('accepts letters, digits, _ and - up to 64 characters', () => {
    expect(validateSessionId('build_1-x')).toBe('build_1-x');
    expect(validateSessionId('a'.repeat(64))).toHaveLength(64);
    expect(validateSessionId(generateSessionId())).toMatch(/^job-/);
  });

  it('rejects metacharacters, dots, colons, empty and long ids', () => {
    for (const bad of ['a;b', 'a b', '$x', 'a.b', 'a:b', '', 'a'.repeat(65), 'é']) {
      expect(() => validateSessionId(bad)).toThrow(TmuxValidationError);
    }
    expect(() => validateSessionId(42)).toThrow(/sessionId/);
  });
});
