import { z } from 'zod';
import {
  containerGroupIdsSchema,
  tagsSchema,
  tagsToWire,
  wireNumber,
  wireRequestId,
  type ContainerGroupStatus,
} from './shared.js';

export const describeContainerGroupStatusSchema = z.strictObject({
  /** At most 20 IDs (sent as a JSON array string). */
  containerGroupIds: containerGroupIdsSchema.optional(),
  /** Page size (ECI's default is 200). */
  limit: z.number().int('must be a whole number').positive('must be at least 1').optional(),
  nextToken: z.string().optional(),
  /** Only groups whose status changed in the last N seconds. */
  sinceSecond: z.number().int().positive('must be a positive whole number of seconds').optional(),
  tags: tagsSchema.optional(),
  vSwitchId: z.string().min(1).optional(),
  zoneId: z.string().min(1).optional(),
  resourceGroupId: z.string().min(1).optional(),
});

/** Input of `describeContainerGroupStatus`. */
export type DescribeContainerGroupStatusOptions = z.input<typeof describeContainerGroupStatusSchema>;

export function describeContainerGroupStatusToWire(
  input: z.output<typeof describeContainerGroupStatusSchema>,
): Record<string, unknown> {
  return {
    ContainerGroupIds: input.containerGroupIds ? JSON.stringify(input.containerGroupIds) : undefined,
    Limit: input.limit,
    NextToken: input.nextToken || undefined,
    SinceSecond: input.sinceSecond,
    Tag: tagsToWire(input.tags),
    VSwitchId: input.vSwitchId,
    ZoneId: input.zoneId,
    ResourceGroupId: input.resourceGroupId,
  };
}

const containerGroupStatusItemSchema = z
  .looseObject({
    ContainerGroupId: z.string(),
    Name: z.string().optional(),
    Namespace: z.string().optional(),
    Status: z.string(),
    PodStatus: z.unknown().optional(),
    Annotations: z.unknown().optional(),
    uuid: z.string().optional(),
  })
  .transform((item) => ({
    containerGroupId: item.ContainerGroupId,
    name: item.Name,
    namespace: item.Namespace,
    status: item.Status as ContainerGroupStatus | (string & {}),
    /** Kubernetes-like pod status, as ECI sent it. */
    podStatus: item.PodStatus,
    annotations: item.Annotations,
    uuid: item.uuid,
  }));

/** One entry of `describeContainerGroupStatus`. */
export type ContainerGroupStatusItem = z.output<typeof containerGroupStatusItemSchema>;

export const describeContainerGroupStatusResultSchema = z
  .looseObject({
    RequestId: wireRequestId,
    NextToken: z.string().optional(),
    TotalCount: wireNumber.optional(),
    Data: z.array(containerGroupStatusItemSchema).optional(),
  })
  .transform((body) => ({
    requestId: body.RequestId ?? '',
    nextToken: body.NextToken || undefined,
    totalCount: body.TotalCount,
    data: body.Data ?? [],
  }));

/** Result of `describeContainerGroupStatus`. */
export type DescribeContainerGroupStatusResult = z.output<typeof describeContainerGroupStatusResultSchema>;
