import { randomBytes } from 'node:crypto';

/** A random lowercase hex string of `bytes * 2` characters. */
export function randomHex(bytes = 8): string {
  return randomBytes(bytes).toString('hex');
}
