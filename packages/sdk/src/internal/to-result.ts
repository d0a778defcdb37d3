import { EciApiError, EciValidationError } from '@eci-sandbox/core-api';
import type { CommandResult, OperationResult } from '../results.js';
import type { z } from 'zod';

/** The failure half of every result: message and typed error, never a secret. */
export function failureOf(error: unknown, context?: string): OperationResult {
  const typed = error instanceof Error ? error : new Error(String(error));
  const requestId = typed instanceof EciApiError ? (typed.requestId ?? '') : '';
  const message = context === undefined ? typed.message : `${context}: ${typed.message}`;
  return { success: false, requestId, errorMessage: message, error: typed };
}

/** Turns a zod failure into an `EciValidationError` naming the first bad field. */
export function validationError(error: z.ZodError, prefix: string): EciValidationError {
  const issue = error.issues[0];
  const path = issue === undefined ? '' : issue.path.map(String).join('.');
  const field = path === '' ? prefix : `${prefix}.${path}`;
  const detail = error.issues
    .map((each) => {
      const eachPath = each.path.map(String).join('.');
      return `${eachPath === '' ? prefix : `${prefix}.${eachPath}`}: ${each.message}`;
    })
    .join('; ');
  return new EciValidationError(field, `invalid ${detail}`);
}

/** A finished command as the SDK reports it: `output` is stdout then stderr, as the seed has it. */
export function commandResultOf(
  result: { stdout: string; stderr: string; exitCode: number | null; truncated: boolean; durationMs: number },
  requestId: string,
): CommandResult {
  return {
    success: true,
    requestId,
    errorMessage: '',
    output: result.stdout + result.stderr,
    stdout: result.stdout,
    stderr: result.stderr,
    exitCode: result.exitCode,
    truncated: result.truncated,
    durationMs: result.durationMs,
  };
}
