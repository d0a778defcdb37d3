import { invalidParameter, missingParameter } from './api-error.js';

/** Reading ECI's flattened parameters (`Container.1.Command.2`, `Tag.3.Key`). */

/** Groups `Prefix.N.rest` parameters by N (ascending): N → { rest: value }. */
export function indexedGroups(params: Record<string, string>, prefix: string): Array<Record<string, string>> {
  const byIndex = new Map<number, Record<string, string>>();
  const head = `${prefix}.`;
  for (const [name, value] of Object.entries(params)) {
    if (!name.startsWith(head)) continue;
    const rest = name.slice(head.length);
    const dot = rest.indexOf('.');
    const indexText = dot === -1 ? rest : rest.slice(0, dot);
    if (!/^\d+$/.test(indexText)) continue;
    const index = Number(indexText);
    const entry = byIndex.get(index) ?? {};
    entry[dot === -1 ? '' : rest.slice(dot + 1)] = value;
    byIndex.set(index, entry);
  }
  return [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, entry]) => entry);
}

/** `Prefix.N` scalar lists (`Command.1`, `Command.2`), in index order. */
export function indexedValues(params: Record<string, string>, prefix: string): string[] {
  return indexedGroups(params, prefix)
    .map((entry) => entry[''])
    .filter((value): value is string => value !== undefined);
}

export function required(params: Record<string, string>, name: string): string {
  const value = params[name];
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export function optionalBoolean(params: Record<string, string>, name: string, fallback: boolean): boolean {
  const value = params[name];
  if (value === undefined || value === '') return fallback;
  if (value.toLowerCase() === 'true') return true;
  if (value.toLowerCase() === 'false') return false;
  throw invalidParameter(`The parameter ${name} must be true or false, got "${value}".`);
}

export function optionalInteger(
  params: Record<string, string>,
  name: string,
  range: { min: number; max: number },
): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!/^-?\d+$/.test(value) || number < range.min || number > range.max) {
    throw invalidParameter(`The parameter ${name} must be an integer from ${range.min} to ${range.max}, got "${value}".`);
  }
  return number;
}

export function optionalNumber(params: Record<string, string>, name: string): number | undefined {
  const value = params[name];
  if (value === undefined || value === '') return undefined;
  const number = Number(value);
  if (!Number.isFinite(number) || number <= 0) {
    throw invalidParameter(`The parameter ${name} must be a positive number, got "${value}".`);
  }
  return number;
}

/** A JSON array of strings (ContainerGroupIds, Command). */
export function jsonStringArray(value: string, name: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw invalidParameter(`The parameter ${name} must be a JSON array of strings, e.g. ["a","b"].`);
  }
  if (!Array.isArray(parsed) || !parsed.every((item) => typeof item === 'string')) {
    throw invalidParameter(`The parameter ${name} must be a JSON array of strings, e.g. ["a","b"].`);
  }
  return parsed;
}

/** Tag.N.Key / Tag.N.Value pairs. */
export function tags(params: Record<string, string>): Array<{ key: string; value: string }> {
  return indexedGroups(params, 'Tag').map((entry, position) => {
    const key = entry.Key;
    if (!key) throw invalidParameter(`Tag.${position + 1}.Key must not be empty.`);
    return { key, value: entry.Value ?? '' };
  });
}
