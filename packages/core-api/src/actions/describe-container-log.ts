import { z } from 'zod';
import { containerGroupIdSchema, wireRequestId } from './shared.js';

export const describeContainerLogSchema = z.strictObject({
  containerGroupId: containerGroupIdSchema,
  containerName: z.string().min(1, 'must name a container of the group'),
  /** Last N lines, 1–2000 (ECI's default is 500). */
  tail: z
    .number()
    .int('must be a whole number')
    .min(1, 'must be between 1 and 2000')
    .max(2000, 'must be at most 2000 lines')
    .optional(),
  /** At most this many bytes, 1–1048576. */
  limitBytes: z.number().int().min(1).max(1_048_576, 'must be at most 1048576 (1 MiB)').optional(),
  sinceSeconds: z.number().int().positive('must be a positive whole number of seconds').optional(),
  /** Only logs after this time (RFC 3339 string or Date). */
  startTime: z.union([z.string().min(1), z.date()]).optional(),
  /** Prefix each line with its timestamp. */
  timestamps: z.boolean().optional(),
  /** Logs of the previous (restarted) container instead. */
  lastTime: z.boolean().optional(),
});

/** Input of `describeContainerLog`. */
export type DescribeContainerLogOptions = z.input<typeof describeContainerLogSchema>;

export function describeContainerLogToWire(input: z.output<typeof describeContainerLogSchema>): Record<string, unknown> {
  return {
    ContainerGroupId: input.containerGroupId,
    ContainerName: input.containerName,
    Tail: input.tail,
    LimitBytes: input.limitBytes,
    SinceSeconds: input.sinceSeconds,
    StartTime: input.startTime instanceof Date ? input.startTime.toISOString().replace(/\.\d{3}Z$/, 'Z') : input.startTime,
    Timestamps: input.timestamps,
    LastTime: input.lastTime,
  };
}

export const describeContainerLogResultSchema = z
  .looseObject({ RequestId: wireRequestId, ContainerName: z.string().optional(), Content: z.string().optional() })
  .transform((body) => ({ requestId: body.RequestId ?? '', containerName: body.ContainerName, content: body.Content ?? '' }));

/** Result of `describeContainerLog`. */
export type DescribeContainerLogResult = z.output<typeof describeContainerLogResultSchema>;
