import { randomBytes } from 'node:crypto';
import { TmuxValidationError } from './errors.js';

/** Session ids: letters, digits, `_` and `-`, 1 to 64 characters. */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** Environment variable names a job may set. */
export const ENV_NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws {@link TmuxValidationError} unless `sessionId` is a valid session id; returns it. */
export function validateSessionId(sessionId: unknown, field = 'sessionId'): string {
  if (typeof sessionId !== 'string' || !SESSION_ID_PATTERN.test(sessionId)) {
    const shown = typeof sessionId === 'string' ? JSON.stringify(sessionId.slice(0, 80)) : typeof sessionId;
    throw new TmuxValidationError(field, `${shown} is not a valid session id: use 1 to 64 letters, digits, "_" or "-"`);
  }
  return sessionId;
}

/** A fresh session id such as `job-m3x9k2-1f2e3d4c`. */
export function generateSessionId(): string {
  return `job-${Date.now().toString(36)}-${randomBytes(4).toString('hex')}`;
}
