import { createHash, randomBytes } from 'node:crypto';
import { ApiError, containerGroupNotFound, invalidParameter, missingParameter } from './api-error.js';
import {
  formatTime,
  type ContainerDefinition,
  type ContainerGroup,
  type ContainerGroupDefinition,
  type ContainerGroupStore,
  type ContainerState,
  type RestartPolicy,
} from './container-group.js';
import type { ExecTokenStore } from './exec-tokens.js';
import {
  indexedGroups,
  indexedValues,
  jsonStringArray,
  optionalBoolean,
  optionalInteger,
  optionalNumber,
  required,
  tags,
} from './params.js';

export interface ExecLimits {
  /** Most elements in ExecContainerCommand's Command array. ECI documents 20. */
  maxCommandElements: number;
  /** Longest element of the Command array, in characters. ECI documents 256. */
  maxCommandElementLength: number;
  /** How long a `Sync=true` exec may run before it is killed, in ms. */
  syncTimeoutMs: number;
}

export interface ActionContext {
  store: ContainerGroupStore;
  execTokens: ExecTokenStore;
  execLimits: ExecLimits;
  /** `ws://host:port` and `http://host:port` of this emulator, as the client reached it. */
  wsBase: string;
  httpBase: string;
  defaultZone: (regionId: string) => string;
  idempotency: Map<string, { fingerprint: string; id: string }>;
}

export type ActionHandler = (params: Record<string, string>, context: ActionContext) => Promise<Record<string, unknown>>;

const NAME_RULE = /^[a-z0-9][a-z0-9-]{0,126}[a-z0-9]$/;
const CONTAINER_NAME_RULE = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;
const RESTART_POLICIES: readonly RestartPolicy[] = ['Always', 'OnFailure', 'Never'];
const TERMINAL = new Set(['Succeeded', 'Failed', 'Expired']);

/** Request parameters that are about signing and transport, not about the action. */
const COMMON_PARAMS = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'SignatureType',
  'Timestamp',
  'SecurityToken',
  'Signature',
  'ClientToken',
]);

function newContainerGroupId(): string {
  // ECI ids look like `eci-` + 20 lowercase letters and digits.
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = randomBytes(20);
  return `eci-${[...bytes].map((byte) => alphabet[byte % alphabet.length]).join('')}`;
}

function findGroup(context: ActionContext, params: Record<string, string>): ContainerGroup {
  const id = required(params, 'ContainerGroupId');
  const group = context.store.groups.get(id);
  if (!group || group.definition.regionId !== required(params, 'RegionId')) throw containerGroupNotFound(id);
  return group;
}

function parseContainer(entry: Record<string, string>, position: number): ContainerDefinition {
  const prefix = `Container.${position}`;
  const name = entry.Name;
  if (!name)
    throw new ApiError(
      'MissingParameter',
      400,
      `The input parameter "${prefix}.Name" that is mandatory for processing this request is not supplied.`,
    );
  if (!CONTAINER_NAME_RULE.test(name)) {
    throw invalidParameter(
      `${prefix}.Name "${name}" is invalid: use 1–64 lowercase letters, digits and hyphens, not starting or ending with a hyphen.`,
    );
  }
  const image = entry.Image;
  if (!image)
    throw new ApiError(
      'MissingParameter',
      400,
      `The input parameter "${prefix}.Image" that is mandatory for processing this request is not supplied.`,
    );
  const environmentVars = indexedGroups(entry, 'EnvironmentVar').map((item, index) => {
    if (!item.Key) throw invalidParameter(`${prefix}.EnvironmentVar.${index + 1}.Key must not be empty.`);
    return { key: item.Key, value: item.Value ?? '' };
  });
  const ports = indexedGroups(entry, 'Port').map((item, index) => {
    const port = Number(item.Port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw invalidParameter(`${prefix}.Port.${index + 1}.Port must be an integer from 1 to 65535.`);
    }
    const protocol = (item.Protocol ?? 'TCP').toUpperCase();
    if (protocol !== 'TCP' && protocol !== 'UDP')
      throw invalidParameter(`${prefix}.Port.${index + 1}.Protocol must be TCP or UDP.`);
    return { port, protocol };
  });
  const args = indexedValues(entry, 'Arg');
  return {
    name,
    image,
    cpu: optionalNumber(entry, 'Cpu') ?? 0,
    memory: optionalNumber(entry, 'Memory') ?? 0,
    commands: indexedValues(entry, 'Command'),
    args,
    environmentVars,
    ports,
    workingDir: entry.WorkingDir || undefined,
    imagePullPolicy: entry.ImagePullPolicy || 'IfNotPresent',
    stdin: optionalBoolean(entry, 'Stdin', false),
    tty: optionalBoolean(entry, 'Tty', false),
  };
}

function fingerprint(params: Record<string, string>): string {
  const relevant = Object.entries(params)
    .filter(([name]) => !COMMON_PARAMS.has(name))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex');
}

const createContainerGroup: ActionHandler = async (params, context) => {
  const regionId = required(params, 'RegionId');
  const name = required(params, 'ContainerGroupName');
  if (!NAME_RULE.test(name)) {
    throw invalidParameter(
      `ContainerGroupName "${name}" is invalid: use 2–128 lowercase letters, digits and hyphens, not starting or ending with a hyphen.`,
    );
  }
  const containerEntries = indexedGroups(params, 'Container');
  if (containerEntries.length === 0) throw missingParameter('Container');
  if (containerEntries.length > 20) throw invalidParameter('A container group has at most 20 containers.');
  const containers = containerEntries.map((entry, index) => parseContainer(entry, index + 1));
  const names = new Set(containers.map((container) => container.name));
  if (names.size !== containers.length) throw invalidParameter('Container names must be unique within the container group.');
  const restartPolicy = (params.RestartPolicy || 'Always') as RestartPolicy;
  if (!RESTART_POLICIES.includes(restartPolicy))
    throw invalidParameter(`RestartPolicy must be Always, OnFailure or Never, got "${params.RestartPolicy}".`);
  const groupTags = tags(params);
  if (groupTags.length > 20) throw invalidParameter('A container group has at most 20 tags.');
  const activeDeadlineSeconds = optionalInteger(params, 'ActiveDeadlineSeconds', { min: 1, max: 2 ** 31 - 1 });
  const clientToken = params.ClientToken;
  if (clientToken !== undefined && (clientToken.length > 64 || !/^[\x20-\x7e]*$/.test(clientToken))) {
    throw invalidParameter('ClientToken must be at most 64 ASCII characters.');
  }
  const cpu = optionalNumber(params, 'Cpu') ?? (containers.reduce((sum, item) => sum + item.cpu, 0) || 2);
  const memory = optionalNumber(params, 'Memory') ?? (containers.reduce((sum, item) => sum + item.memory, 0) || 4);
  if (optionalBoolean(params, 'DryRun', false)) {
    throw new ApiError('DryRunOperation', 400, 'Request validation has been passed with DryRun flag set.');
  }
  if (clientToken) {
    const key = `CreateContainerGroup\n${clientToken}`;
    const print = fingerprint(params);
    const previous = context.idempotency.get(key);
    if (previous) {
      if (previous.fingerprint !== print) {
        throw new ApiError(
          'IdempotentParameterMismatch',
          400,
          'The specified parameters are different from before: the same ClientToken was used with other parameters.',
        );
      }
      return { ContainerGroupId: previous.id };
    }
    const id = newContainerGroupId();
    context.idempotency.set(key, { fingerprint: print, id });
    context.store.create(id, buildDefinition());
    return { ContainerGroupId: id };
  }
  const id = newContainerGroupId();
  context.store.create(id, buildDefinition());
  return { ContainerGroupId: id };

  function buildDefinition(): ContainerGroupDefinition {
    return {
      name,
      regionId,
      zoneId: params.ZoneId || context.defaultZone(regionId),
      vSwitchId: (params.VSwitchId || 'vsw-emulator').split(',')[0] as string,
      securityGroupId: params.SecurityGroupId || 'sg-emulator',
      cpu,
      memory,
      restartPolicy,
      tags: groupTags,
      containers,
      activeDeadlineSeconds,
      instanceType: params.InstanceType || undefined,
      resourceGroupId: params.ResourceGroupId || undefined,
    };
  }
};

function stateBody(state: ContainerState | undefined): Record<string, unknown> | undefined {
  if (!state) return undefined;
  return {
    State: state.state,
    DetailStatus: state.reason ?? '',
    Reason: state.reason ?? '',
    StartTime: state.startTime,
    FinishTime: state.finishTime,
    ExitCode: state.exitCode,
    Signal: state.signal,
    Message: '',
  };
}

function containerBody(group: ContainerGroup, container: ContainerDefinition, main: boolean): Record<string, unknown> {
  return {
    Name: container.name,
    Image: container.image,
    ImagePullPolicy: container.imagePullPolicy,
    Cpu: container.cpu,
    Memory: container.memory,
    Gpu: 0,
    Commands: container.commands,
    Args: container.args,
    EnvironmentVars: container.environmentVars.map(({ key, value }) => ({ Key: key, Value: value })),
    Ports: container.ports.map(({ port, protocol }) => ({ Port: port, Protocol: protocol })),
    WorkingDir: container.workingDir ?? '',
    VolumeMounts: [],
    Stdin: container.stdin,
    Tty: container.tty,
    // The emulator runs the first container only; the others are reported as waiting.
    RestartCount: main ? group.restartCount : 0,
    CurrentState: main ? stateBody(group.currentState) : stateBody({ state: 'Waiting', reason: 'NotRunByEmulator' }),
    PreviousState: main ? (stateBody(group.previousState) ?? {}) : {},
    Ready: main ? group.ready : false,
  };
}

function groupBody(group: ContainerGroup): Record<string, unknown> {
  const definition = group.definition;
  return {
    ContainerGroupId: group.id,
    ContainerGroupName: definition.name,
    Status: group.status,
    RegionId: definition.regionId,
    ZoneId: definition.zoneId,
    VSwitchId: definition.vSwitchId,
    VpcId: 'vpc-emulator',
    SecurityGroupId: definition.securityGroupId,
    InstanceType: definition.instanceType ?? '',
    ResourceGroupId: definition.resourceGroupId ?? '',
    Cpu: definition.cpu,
    Memory: definition.memory,
    RestartPolicy: definition.restartPolicy,
    // Sandboxes share the host's network under both runtimes.
    IntranetIp: '127.0.0.1',
    InternetIp: '',
    Ipv6Address: '',
    EniInstanceId: '',
    CreationTime: formatTime(group.creationTime),
    SucceededTime: group.succeededTime ? formatTime(group.succeededTime) : '',
    FailedTime: group.failedTime ? formatTime(group.failedTime) : '',
    ExpiredTime: group.expiredTime ? formatTime(group.expiredTime) : '',
    Tags: definition.tags.map(({ key, value }) => ({ Key: key, Value: value })),
    Events: group.events.map((event) => ({
      Count: event.count,
      FirstTimestamp: event.firstTimestamp,
      LastTimestamp: event.lastTimestamp,
      Message: event.message,
      Name: event.name,
      Reason: event.reason,
      Type: event.type,
    })),
    Containers: definition.containers.map((container, index) => containerBody(group, container, index === 0)),
    InitContainers: [],
    Volumes: [],
    SpotStrategy: 'NoSpot',
  };
}

function encodeNextToken(offset: number): string {
  return Buffer.from(JSON.stringify({ offset })).toString('base64url');
}

function decodeNextToken(token: string | undefined): number {
  if (!token) return 0;
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { offset?: unknown };
    if (typeof value.offset === 'number' && Number.isInteger(value.offset) && value.offset >= 0) return value.offset;
  } catch {
    // fall through
  }
  throw invalidParameter(
    'The NextToken is invalid: pass the NextToken of the previous response unchanged.',
    'InvalidParameter.NextToken',
  );
}

/** Groups of a region matching the shared filters, newest first. */
function selectGroups(params: Record<string, string>, context: ActionContext, maxIds: number): ContainerGroup[] {
  const regionId = required(params, 'RegionId');
  let ids: Set<string> | undefined;
  if (params.ContainerGroupIds) {
    const list = jsonStringArray(params.ContainerGroupIds, 'ContainerGroupIds');
    if (list.length > maxIds) {
      throw invalidParameter(`ContainerGroupIds holds ${list.length} ids; at most ${maxIds} are allowed.`);
    }
    ids = new Set(list);
  }
  const tagFilter = tags(params);
  return [...context.store.groups.values()]
    .filter((group) => group.definition.regionId === regionId)
    .filter((group) => !ids || ids.has(group.id))
    .filter((group) => !params.ContainerGroupName || group.definition.name === params.ContainerGroupName)
    .filter((group) => !params.Status || group.status === params.Status)
    .filter((group) => !params.ZoneId || group.definition.zoneId === params.ZoneId)
    .filter((group) => !params.VSwitchId || group.definition.vSwitchId === params.VSwitchId)
    .filter((group) => !params.SecurityGroupId || group.definition.securityGroupId === params.SecurityGroupId)
    .filter((group) => !params.ResourceGroupId || group.definition.resourceGroupId === params.ResourceGroupId)
    .filter((group) =>
      tagFilter.every((filter) =>
        group.definition.tags.some((tag) => tag.key === filter.key && (filter.value === '' || tag.value === filter.value)),
      ),
    )
    .sort((a, b) => b.sequence - a.sequence);
}

function page<T>(items: T[], params: Record<string, string>, defaultLimit: number, maxLimit: number) {
  const limit = optionalInteger(params, 'Limit', { min: 1, max: maxLimit }) ?? defaultLimit;
  const offset = decodeNextToken(params.NextToken);
  const slice = items.slice(offset, offset + limit);
  const nextToken = offset + limit < items.length ? encodeNextToken(offset + limit) : '';
  return { slice, nextToken, totalCount: items.length };
}

const describeContainerGroups: ActionHandler = async (params, context) => {
  const groups = selectGroups(params, context, 20);
  const { slice, nextToken, totalCount } = page(groups, params, 20, 20);
  return { ContainerGroups: slice.map(groupBody), NextToken: nextToken, TotalCount: totalCount };
};

const PHASES: Record<string, string> = {
  Scheduling: 'Pending',
  Pending: 'Pending',
  Running: 'Running',
  Restarting: 'Running',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  Expired: 'Failed',
};

function kubernetesState(state: ContainerState): Record<string, unknown> {
  if (state.state === 'Running') return { Running: { startedAt: state.startTime } };
  if (state.state === 'Terminated') {
    return {
      Terminated: {
        ExitCode: state.exitCode ?? 0,
        Reason: state.reason ?? '',
        StartedAt: state.startTime,
        FinishedAt: state.finishTime,
        Signal: state.signal ?? 0,
        Message: '',
      },
    };
  }
  return { Waiting: { Reason: state.reason ?? '', Message: '' } };
}

const describeContainerGroupStatus: ActionHandler = async (params, context) => {
  const sinceSeconds = optionalInteger(params, 'SinceSecond', { min: 1, max: 2 ** 31 - 1 });
  let groups = selectGroups(params, context, 20);
  if (sinceSeconds !== undefined) {
    const since = Date.now() - sinceSeconds * 1000;
    groups = groups.filter((group) => group.statusChangedAt >= since);
  }
  const { slice, nextToken, totalCount } = page(groups, params, 200, 200);
  return {
    Data: slice.map((group) => ({
      ContainerGroupId: group.id,
      Name: group.definition.name,
      Namespace: 'default',
      Status: group.status,
      uuid: group.id,
      Annotations: '{}',
      PodStatus: {
        Phase: PHASES[group.status] ?? 'Unknown',
        StartTime: formatTime(group.creationTime),
        HostIp: '127.0.0.1',
        PodIp: '127.0.0.1',
        PodIps: [{ Ip: '127.0.0.1' }],
        QosClass: 'Guaranteed',
        Conditions: [
          {
            type: 'PodScheduled',
            status: group.status === 'Scheduling' ? 'False' : 'True',
            lastTransitionTime: formatTime(group.creationTime),
          },
          { type: 'Ready', status: group.ready ? 'True' : 'False', lastTransitionTime: formatTime(group.statusChangedAt) },
        ],
        ContainerStatuses: group.definition.containers.map((container, index) => ({
          Name: container.name,
          Image: container.image,
          ImageID: container.image,
          Ready: index === 0 ? group.ready : false,
          Started: index === 0 && group.currentState.state === 'Running',
          RestartCount: index === 0 ? group.restartCount : 0,
          State: kubernetesState(index === 0 ? group.currentState : { state: 'Waiting', reason: 'NotRunByEmulator' }),
          LastState: index === 0 && group.previousState ? kubernetesState(group.previousState) : {},
        })),
      },
    })),
    NextToken: nextToken,
    TotalCount: totalCount,
  };
};

const deleteContainerGroup: ActionHandler = async (params, context) => {
  const group = findGroup(context, params);
  optionalBoolean(params, 'Force', false);
  await context.store.delete(group);
  return {};
};

const restartContainerGroup: ActionHandler = async (params, context) => {
  const group = findGroup(context, params);
  if (group.status !== 'Pending' && group.status !== 'Running') {
    throw new ApiError(
      'IncorrectStatus',
      400,
      `The container group is ${group.status}; only Pending or Running groups can be restarted.`,
    );
  }
  context.store.restart(group);
  return {};
};

function requireContainer(group: ContainerGroup, params: Record<string, string>): ContainerDefinition {
  const containerName = required(params, 'ContainerName');
  const container = group.definition.containers.find((item) => item.name === containerName);
  if (!container) {
    throw invalidParameter(
      `The container group ${group.id} has no container named "${containerName}".`,
      'InvalidParameter.ContainerName',
    );
  }
  return container;
}

const execContainerCommand: ActionHandler = async (params, context) => {
  const group = findGroup(context, params);
  const container = requireContainer(group, params);
  const argv = jsonStringArray(required(params, 'Command'), 'Command');
  const limits = context.execLimits;
  if (argv.length === 0) throw invalidParameter('Command must hold at least one element.');
  if (argv.length > limits.maxCommandElements) {
    throw invalidParameter(
      `Command has ${argv.length} elements; at most ${limits.maxCommandElements} are allowed.`,
      'InvalidParameter.ValueExceeded',
    );
  }
  const long = argv.findIndex((item) => item.length > limits.maxCommandElementLength);
  if (long !== -1) {
    throw invalidParameter(
      `Command element ${long + 1} has ${argv[long]?.length} characters; at most ${limits.maxCommandElementLength} are allowed.`,
      'InvalidParameter.ValueExceeded',
    );
  }
  const tty = optionalBoolean(params, 'TTY', false);
  const stdin = optionalBoolean(params, 'Stdin', true);
  const sync = optionalBoolean(params, 'Sync', false);
  if (sync && tty) throw invalidParameter('TTY must be false when Sync is true.');
  if (group.status !== 'Running' || !group.sandbox) {
    throw new ApiError('IncorrectStatus', 400, `The container group is ${group.status}; commands run only in Running groups.`);
  }
  if (container !== group.mainContainer) {
    throw new ApiError(
      'IncorrectStatus',
      400,
      `The container ${container.name} is not running (the emulator runs the first container only).`,
    );
  }
  if (sync) {
    return { SyncResponse: await runSync(group, argv, limits.syncTimeoutMs) };
  }
  const token = context.execTokens.issue({ groupId: group.id, containerName: container.name, argv, tty, stdin });
  return {
    WebSocketUri: `${context.wsBase}/exec/?s=${token}`,
    // The console terminal is not emulated; the page says so.
    HttpUrl: `${context.httpBase}/terminal?param=${randomBytes(12).toString('base64url')}`,
  };
};

async function runSync(group: ContainerGroup, argv: string[], timeoutMs: number): Promise<string> {
  const sandbox = group.sandbox;
  if (!sandbox) throw new ApiError('IncorrectStatus', 400, 'The container group is not running.');
  const handle = sandbox.exec({ argv, tty: false });
  handle.stdin.end();
  const chunks: Buffer[] = [];
  let size = 0;
  const collect = (chunk: Buffer) => {
    if (size < 1024 * 1024) chunks.push(chunk);
    size += chunk.length;
  };
  handle.stdout.on('data', collect);
  handle.stderr?.on('data', collect);
  const timer = setTimeout(() => handle.kill('SIGKILL'), timeoutMs);
  try {
    await handle.exited;
    await Promise.all(
      [handle.stdout, handle.stderr].map(
        (stream) => stream && !stream.readableEnded && new Promise((resolve) => stream.once('end', resolve)),
      ),
    );
  } finally {
    clearTimeout(timer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

const describeContainerLog: ActionHandler = async (params, context) => {
  const group = findGroup(context, params);
  const container = requireContainer(group, params);
  const tail = optionalInteger(params, 'Tail', { min: 0, max: 2000 }) ?? 500;
  const limitBytes = optionalInteger(params, 'LimitBytes', { min: 1, max: 1048576 }) ?? 1048576;
  const lastTime = optionalBoolean(params, 'LastTime', false);
  let log: Buffer = Buffer.alloc(0);
  if (container === group.mainContainer) {
    log = lastTime ? group.previousLog : ((await group.sandbox?.readLog()) ?? Buffer.alloc(0));
  }
  let text = log.toString('utf8');
  const lines = text.split('\n');
  const endsWithNewline = text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  text = lines.slice(Math.max(0, lines.length - tail)).join('\n') + (endsWithNewline && tail > 0 && lines.length > 0 ? '\n' : '');
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length > limitBytes) text = bytes.subarray(bytes.length - limitBytes).toString('utf8');
  return { ContainerName: container.name, Content: text };
};

/** Every action the emulator serves. */
export const ACTIONS: Readonly<Record<string, ActionHandler>> = {
  CreateContainerGroup: createContainerGroup,
  DescribeContainerGroups: describeContainerGroups,
  DescribeContainerGroupStatus: describeContainerGroupStatus,
  DeleteContainerGroup: deleteContainerGroup,
  RestartContainerGroup: restartContainerGroup,
  ExecContainerCommand: execContainerCommand,
  DescribeContainerLog: describeContainerLog,
};

export { TERMINAL as TERMINAL_STATUSES };
