import { UsageError } from './cli-error.js';

/** `KEY=VALUE` → `[key, value]`; the value may contain `=`. */
export function parseKeyValue(text: string, flag: string): [string, string] {
  const index = text.indexOf('=');
  if (index <= 0) throw new UsageError(`${flag} expects KEY=VALUE, got "${text}"`);
  return [text.slice(0, index), text.slice(index + 1)];
}

/** Collects repeated `--flag KEY=VALUE` options into a record. */
export function collectKeyValues(texts: readonly string[] | undefined, flag: string): Record<string, string> {
  const record: Record<string, string> = {};
  for (const text of texts ?? []) {
    const [key, value] = parseKeyValue(text, flag);
    record[key] = value;
  }
  return record;
}

export interface PortSpec {
  port: number;
  protocol: 'TCP' | 'UDP';
}

/** `8080`, `8080/tcp` or `53/udp`. */
export function parsePort(text: string): PortSpec {
  const match = /^(\d{1,5})(?:\/(tcp|udp))?$/i.exec(text.trim());
  const port = match ? Number(match[1]) : Number.NaN;
  if (!match || port < 1 || port > 65_535) {
    throw new UsageError(`--port expects PORT or PORT/tcp|udp with PORT in 1-65535, got "${text}"`);
  }
  return { port, protocol: (match[2] ?? 'tcp').toUpperCase() as 'TCP' | 'UDP' };
}

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/**
 * A human duration: `500ms`, `30s`, `15m`, `2h`, `1d`, or a plain number of `plainUnit`
 * (seconds unless said otherwise). Returns milliseconds.
 */
export function parseDurationMs(text: string, flag: string, plainUnit: 'ms' | 's' = 's'): number {
  const match = /^(\d+(?:\.\d+)?)(ms|s|m|h|d)?$/.exec(text.trim());
  if (!match) throw new UsageError(`${flag} expects a duration like 90s, 15m, 2h or 1d, got "${text}"`);
  const value = Number(match[1]) * (UNIT_MS[match[2] ?? plainUnit] ?? 1);
  if (!(value > 0)) throw new UsageError(`${flag} must be greater than zero, got "${text}"`);
  return Math.round(value);
}

export function parsePositiveNumber(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value) || value <= 0) {
    throw new UsageError(`${flag} must be a positive number, got "${text}"`);
  }
  return value;
}

export function parsePositiveInteger(text: string, flag: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value <= 0) throw new UsageError(`${flag} must be a positive whole number, got "${text}"`);
  return value;
}

export function parseNonNegativeInteger(text: string, flag: string): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isInteger(value) || value < 0) {
    throw new UsageError(`${flag} must be a whole number of zero or more, got "${text}"`);
  }
  return value;
}

/** Commander collector for repeatable options. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}
