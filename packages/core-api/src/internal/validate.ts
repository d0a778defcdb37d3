import type { z } from 'zod';
import { EciError, EciValidationError } from '../errors.js';

function valueAt(input: unknown, path: ReadonlyArray<PropertyKey>): unknown {
  let current = input;
  for (const key of path) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<PropertyKey, unknown>)[key];
  }
  return current;
}

function fieldName(prefix: string, path: ReadonlyArray<PropertyKey>): string {
  const parts = [prefix, ...path.map(String)].filter(Boolean);
  return parts.join('.') || '(input)';
}

/**
 * Parses caller input with `schema`, or throws an {@link EciValidationError} naming the first bad
 * field and saying what is expected. `prefix` names the argument (e.g. `options`) when useful.
 */
export function validateInput<Schema extends z.ZodType>(
  schema: Schema,
  input: unknown,
  context: string,
  prefix = '',
): z.output<Schema> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  if (!issue) throw new EciValidationError(prefix || '(input)', `${context}: invalid input.`);
  if (issue.code === 'unrecognized_keys') {
    const field = fieldName(prefix, [...issue.path, issue.keys[0] ?? '']);
    throw new EciValidationError(
      field,
      `${context}: unknown option ${issue.keys.map((key) => `"${key}"`).join(', ')}${issue.path.length ? ` in ${fieldName(prefix, issue.path)}` : ''}; check the spelling (options are camelCase).`,
      { cause: result.error },
    );
  }
  const field = fieldName(prefix, issue.path);
  const missing = issue.code === 'invalid_type' && valueAt(input, issue.path) === undefined;
  const detail = missing ? `is required (${issue.message.replace(/^Invalid input: /, '')})` : issue.message;
  throw new EciValidationError(field, `${context}: ${field} ${detail}.`.replace(/\.\.$/, '.'), {
    cause: result.error,
  });
}

/** Parses a response body with `schema`, or throws an {@link EciError} saying what ECI sent that we did not expect. */
export function parseResponse<Schema extends z.ZodType>(schema: Schema, body: unknown, action: string): z.output<Schema> {
  const result = schema.safeParse(body);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const where = issue?.path.length ? issue.path.map(String).join('.') : 'body';
  throw new EciError(
    `${action} returned a response this client does not understand (${where}: ${issue?.message ?? 'invalid'}). The ECI API may have changed; please report it.`,
    { cause: result.error },
  );
}
