import { z } from 'zod';
import {
  containerGroupIdsSchema,
  statusSchema,
  tagsSchema,
  tagsToWire,
  wireBoolean,
  wireNumber,
  wireRequestId,
  type ContainerGroupStatus,
} from './shared.js';

export const describeContainerGroupsSchema = z.strictObject({
  /** At most 20 IDs (sent as a JSON array string). */
  containerGroupIds: containerGroupIdsSchema.optional(),
  /** Filter by exact group name. */
  containerGroupName: z.string().min(1).optional(),
  /** Alias of `containerGroupName`. */
  name: z.string().min(1).optional(),
  /** Page size, 1–20 (ECI's maximum and default is 20). */
  limit: z
    .number({ error: 'must be a number between 1 and 20' })
    .int('must be a whole number between 1 and 20')
    .min(1, 'must be between 1 and 20')
    .max(20, 'must be at most 20 (ECI returns at most 20 groups per page; use iterateContainerGroups for more)')
    .optional(),
  /** The `nextToken` of the previous page. */
  nextToken: z.string().optional(),
  status: statusSchema.optional(),
  tags: tagsSchema.optional(),
  vSwitchId: z.string().min(1).optional(),
  securityGroupId: z.string().min(1).optional(),
  zoneId: z.string().min(1).optional(),
  resourceGroupId: z.string().min(1).optional(),
  /** Include each group's events. */
  withEvent: z.boolean().optional(),
});

/** Input of `describeContainerGroups`. */
export type DescribeContainerGroupsOptions = z.input<typeof describeContainerGroupsSchema>;
/** Filters of `iterateContainerGroups` (every option except the page token). */
export type ContainerGroupFilters = Omit<DescribeContainerGroupsOptions, 'nextToken'>;

export function describeContainerGroupsToWire(input: z.output<typeof describeContainerGroupsSchema>): Record<string, unknown> {
  return {
    ContainerGroupIds: input.containerGroupIds ? JSON.stringify(input.containerGroupIds) : undefined,
    ContainerGroupName: input.containerGroupName ?? input.name,
    Limit: input.limit,
    NextToken: input.nextToken || undefined,
    Status: input.status,
    Tag: tagsToWire(input.tags),
    VSwitchId: input.vSwitchId,
    SecurityGroupId: input.securityGroupId,
    ZoneId: input.zoneId,
    ResourceGroupId: input.resourceGroupId,
    WithEvent: input.withEvent,
  };
}

const optionalString = z.string().optional();
const optionalNumber = wireNumber.optional();

const wireContainerState = z
  .looseObject({
    State: optionalString,
    DetailStatus: optionalString,
    Reason: optionalString,
    Message: optionalString,
    ExitCode: optionalNumber,
    Signal: optionalNumber,
    StartTime: optionalString,
    FinishTime: optionalString,
  })
  .transform((state) => ({
    state: state.State,
    detailStatus: state.DetailStatus,
    reason: state.Reason,
    message: state.Message,
    exitCode: state.ExitCode,
    signal: state.Signal,
    startTime: state.StartTime,
    finishTime: state.FinishTime,
  }));

const keyValueList = z
  .array(z.looseObject({ Key: z.string(), Value: z.string().optional() }))
  .optional()
  .transform((items) => Object.fromEntries((items ?? []).map((item) => [item.Key, item.Value ?? ''])));

const wireContainer = z
  .looseObject({
    Name: z.string(),
    Image: optionalString,
    Cpu: optionalNumber,
    Memory: optionalNumber,
    Commands: z.array(z.string()).optional(),
    Args: z.array(z.string()).optional(),
    WorkingDir: optionalString,
    Ready: wireBoolean.optional(),
    RestartCount: optionalNumber,
    Stdin: wireBoolean.optional(),
    Tty: wireBoolean.optional(),
    CurrentState: wireContainerState.optional(),
    PreviousState: wireContainerState.optional(),
    EnvironmentVars: keyValueList,
    Ports: z.array(z.looseObject({ Port: optionalNumber, Protocol: optionalString })).optional(),
  })
  .transform((container) => ({
    name: container.Name,
    image: container.Image,
    cpu: container.Cpu,
    memory: container.Memory,
    commands: container.Commands ?? [],
    args: container.Args ?? [],
    workingDir: container.WorkingDir,
    ready: container.Ready,
    restartCount: container.RestartCount,
    stdin: container.Stdin,
    tty: container.Tty,
    currentState: container.CurrentState,
    previousState: container.PreviousState,
    env: container.EnvironmentVars,
    ports: (container.Ports ?? []).map((port) => ({ port: port.Port, protocol: port.Protocol })),
  }));

const wireEvent = z
  .looseObject({
    Count: optionalNumber,
    Type: optionalString,
    Name: optionalString,
    Reason: optionalString,
    Message: optionalString,
    FirstTimestamp: optionalString,
    LastTimestamp: optionalString,
  })
  .transform((event) => ({
    count: event.Count,
    type: event.Type,
    name: event.Name,
    reason: event.Reason,
    message: event.Message,
    firstTimestamp: event.FirstTimestamp,
    lastTimestamp: event.LastTimestamp,
  }));

export const containerGroupSchema = z
  .looseObject({
    ContainerGroupId: z.string(),
    ContainerGroupName: optionalString,
    Status: z.string(),
    RegionId: optionalString,
    ZoneId: optionalString,
    Cpu: optionalNumber,
    Memory: optionalNumber,
    InstanceType: optionalString,
    CreationTime: optionalString,
    SucceededTime: optionalString,
    FailedTime: optionalString,
    ExpiredTime: optionalString,
    IntranetIp: optionalString,
    InternetIp: optionalString,
    Ipv6Address: optionalString,
    VpcId: optionalString,
    VSwitchId: optionalString,
    SecurityGroupId: optionalString,
    EniInstanceId: optionalString,
    RestartPolicy: optionalString,
    SpotStrategy: optionalString,
    ResourceGroupId: optionalString,
    Tags: keyValueList,
    Containers: z.array(wireContainer).optional(),
    InitContainers: z.array(wireContainer).optional(),
    Events: z.array(wireEvent).optional(),
  })
  .transform((group) => ({
    containerGroupId: group.ContainerGroupId,
    containerGroupName: group.ContainerGroupName,
    status: group.Status as ContainerGroupStatus | (string & {}),
    regionId: group.RegionId,
    zoneId: group.ZoneId,
    cpu: group.Cpu,
    memory: group.Memory,
    instanceType: group.InstanceType,
    creationTime: group.CreationTime,
    succeededTime: group.SucceededTime,
    failedTime: group.FailedTime,
    expiredTime: group.ExpiredTime,
    intranetIp: group.IntranetIp,
    internetIp: group.InternetIp,
    ipv6Address: group.Ipv6Address,
    vpcId: group.VpcId,
    vSwitchId: group.VSwitchId,
    securityGroupId: group.SecurityGroupId,
    eniInstanceId: group.EniInstanceId,
    restartPolicy: group.RestartPolicy,
    spotStrategy: group.SpotStrategy,
    resourceGroupId: group.ResourceGroupId,
    tags: group.Tags,
    containers: group.Containers ?? [],
    initContainers: group.InitContainers ?? [],
    events: group.Events ?? [],
    /** The group exactly as ECI sent it, including fields this client does not model. */
    raw: group as Record<string, unknown>,
  }));

/** A container group as returned by `describeContainerGroups`. */
export type ContainerGroup = z.output<typeof containerGroupSchema>;
/** One container of a {@link ContainerGroup}. */
export type ContainerInfo = ContainerGroup['containers'][number];
/** One event of a {@link ContainerGroup}. */
export type ContainerGroupEvent = ContainerGroup['events'][number];

export const describeContainerGroupsResultSchema = z
  .looseObject({
    RequestId: wireRequestId,
    NextToken: optionalString,
    TotalCount: optionalNumber,
    ContainerGroups: z.array(containerGroupSchema).optional(),
  })
  .transform((body) => ({
    requestId: body.RequestId ?? '',
    /** Pass to the next call; absent or empty when this was the last page. */
    nextToken: body.NextToken || undefined,
    totalCount: body.TotalCount,
    containerGroups: body.ContainerGroups ?? [],
  }));

/** Result of `describeContainerGroups` (one page). */
export type DescribeContainerGroupsResult = z.output<typeof describeContainerGroupsResultSchema>;
