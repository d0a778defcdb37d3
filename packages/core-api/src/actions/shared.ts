import { z } from 'zod';

/** Every status ECI reports for a container group. */
export const CONTAINER_GROUP_STATUSES = [
  'Pending',
  'Running',
  'Succeeded',
  'Failed',
  'Scheduling',
  'ScheduleFailed',
  'Restarting',
  'Updating',
  'Terminating',
  'Expired',
] as const;

/** A container group status as documented; other strings are tolerated in responses. */
export type ContainerGroupStatus = (typeof CONTAINER_GROUP_STATUSES)[number];

/** Statuses a container group never leaves. */
export const TERMINAL_STATUSES: ReadonlyArray<ContainerGroupStatus> = ['Failed', 'ScheduleFailed', 'Succeeded', 'Expired'];

export const statusSchema = z.enum(CONTAINER_GROUP_STATUSES, {
  error: `must be one of ${CONTAINER_GROUP_STATUSES.join(', ')} (case-sensitive)`,
});

export const containerGroupIdSchema = z
  .string({ error: 'must be a container group ID such as "eci-uf6fonnghi50zhexample"' })
  .min(1, 'must not be empty; pass the ID returned by createContainerGroup');

export const MAX_TAGS = 20;

export const tagsSchema = z
  .record(
    z.string().min(1, 'tag keys must not be empty').max(128, 'tag keys are at most 128 characters'),
    z.string().max(128, 'tag values are at most 128 characters'),
  )
  .refine((tags) => Object.keys(tags).length <= MAX_TAGS, `must hold at most ${MAX_TAGS} tags`);

export const containerGroupIdsSchema = z
  .array(containerGroupIdSchema)
  .min(1, 'must hold at least one ID (omit the option to list every group)')
  .max(20, 'must hold at most 20 IDs per call; split the list into batches of 20');

// Client tokens are case-sensitive printable ASCII, at most 64 characters (ECS/POP idempotency rules).
export const clientTokenSchema = z
  .string()
  .regex(/^[\x21-\x7e]{1,64}$/, 'must be 1–64 printable ASCII characters without spaces');

/** `{ team: 'ai' }` → `[{ Key: 'team', Value: 'ai' }]`, ECI's `Tag.N.Key` / `Tag.N.Value`. */
export function tagsToWire(tags: Record<string, string> | undefined): Array<{ Key: string; Value: string }> | undefined {
  if (!tags) return undefined;
  const entries = Object.entries(tags);
  return entries.length ? entries.map(([Key, Value]) => ({ Key, Value })) : undefined;
}

/** Omits empty arrays: an empty `Command` list would override the image's entrypoint. */
export function nonEmpty<T>(items: readonly T[] | undefined): readonly T[] | undefined {
  return items && items.length > 0 ? items : undefined;
}

/** Response numbers: ECI sends numbers, but tolerate numeric strings. */
export const wireNumber = z.union([z.number(), z.string()]).transform((value, context) => {
  const number = Number(value);
  if (Number.isNaN(number)) {
    context.addIssue({ code: 'custom', message: `expected a number, got "${value}"` });
    return z.NEVER;
  }
  return number;
});

/** Response booleans: tolerate `"true"` / `"false"`. */
export const wireBoolean = z.union([z.boolean(), z.string()]).transform((value) => value === true || value === 'true');

export const wireRequestId = z.string().optional();
