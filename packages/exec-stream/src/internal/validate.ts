import type { z } from 'zod';
import { ExecValidationError } from '../errors.js';

/** Parses user options with a zod schema; the first problem becomes an `ExecValidationError` naming the field. */
export function parseOptions<T extends z.ZodType>(schema: T, value: unknown, prefix = ''): z.output<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = prefix + (issue?.path.map(String).join('.') || 'options');
  throw new ExecValidationError(field, issue?.message ?? 'invalid value');
}
