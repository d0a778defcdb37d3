/**
 * Flattens nested parameters into ECI's wire form: object fields joined with `.`, array items
 * numbered from 1 (`Container.1.Command.1`, `Tag.1.Key`), `null`/`undefined` skipped, every
 * leaf converted with `String()` (booleans become `true`/`false`). Mirrors `OpenApiUtil.query`.
 */
export function flattenParams(object: Record<string, unknown>): Record<string, string> {
  const output: Record<string, string> = {};
  for (const [key, value] of Object.entries(object)) flattenInto(output, key, value);
  return output;
}

function flattenInto(output: Record<string, string>, prefix: string, value: unknown): void {
  if (value === null || value === undefined) return;
  if (Array.isArray(value)) {
    value.forEach((item, index) => {
      flattenInto(output, `${prefix}.${index + 1}`, item);
    });
    return;
  }
  if (value instanceof Date) {
    output[prefix] = value.toISOString();
    return;
  }
  if (typeof value === 'object') {
    for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
      flattenInto(output, `${prefix}.${key}`, child);
    }
    return;
  }
  output[prefix] = String(value);
}
