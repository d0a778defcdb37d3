import { TmuxValidationError } from './errors.js';

const SAFE_WORD = /^[A-Za-z0-9_/.,:@%+-]+$/;

/**
 * Quotes one value as a single word for bash (and any POSIX shell): the result expands to exactly
 * `value`, whatever it contains. NUL bytes cannot be passed to a shell and are rejected.
 */
export function shellQuote(value: string, field = 'value'): string {
  if (value.includes('\0')) {
    throw new TmuxValidationError(field, 'must not contain NUL bytes');
  }
  if (value !== '' && SAFE_WORD.test(value)) return value;
  // Inside single quotes nothing is special except the quote itself, which is closed, escaped and reopened.
  return `'${value.replace(/'/g, `'\\''`)}'`;
}
