import { z } from 'zod';
import { clientTokenSchema, nonEmpty, tagsSchema, tagsToWire, wireRequestId } from './shared.js';

// ECI: 2–128 characters, lowercase letters, digits and hyphens, not starting or ending with a hyphen.
const CONTAINER_GROUP_NAME = /^[a-z0-9][a-z0-9-]{0,126}[a-z0-9]$/;

export const containerGroupNameSchema = z
  .string({ error: 'must be a string' })
  .regex(
    CONTAINER_GROUP_NAME,
    'must be 2–128 characters of lowercase letters, digits and hyphens, not starting or ending with a hyphen (for example "sandbox-1")',
  );

const positiveNumber = (unit: string) =>
  z
    .number({ error: `must be a number (${unit})` })
    .positive(`must be greater than 0 (${unit})`)
    .finite();

/** One container of a group. */
export const containerSpecSchema = z.strictObject({
  /** Container name, unique in the group. */
  name: z.string().min(1, 'must not be empty').max(128, 'must be at most 128 characters'),
  /** Image reference, e.g. `registry.cn-shanghai.aliyuncs.com/library/python:3.12`. */
  image: z.string().min(1, 'must not be empty (an image reference such as "alpine:3.20")'),
  /** vCPUs for this container, e.g. 0.5. */
  cpu: positiveNumber('vCPU, for example 0.5').optional(),
  /** Memory in GiB, e.g. 1. */
  memory: positiveNumber('GiB, for example 1').optional(),
  /** Overrides the image entrypoint. Empty lists are never sent (they would clear the entrypoint). */
  command: z.array(z.string()).optional(),
  /** Arguments to the entrypoint or command. */
  args: z.array(z.string()).optional(),
  /** Environment variables. */
  env: z.record(z.string().min(1, 'environment variable names must not be empty'), z.string()).optional(),
  ports: z
    .array(
      z.strictObject({
        port: z.number().int().min(1).max(65535, 'must be a port number between 1 and 65535'),
        protocol: z.enum(['TCP', 'UDP'], { error: 'must be "TCP" or "UDP"' }).optional(),
      }),
    )
    .optional(),
  workingDir: z.string().optional(),
  imagePullPolicy: z.enum(['Always', 'IfNotPresent', 'Never'], { error: 'must be Always, IfNotPresent or Never' }).optional(),
  /** Keep stdin open (needed for interactive exec sessions against the main process). */
  stdin: z.boolean().optional(),
  stdinOnce: z.boolean().optional(),
  tty: z.boolean().optional(),
  gpu: z.number().int().nonnegative().optional(),
  volumeMounts: z
    .array(
      z.strictObject({
        name: z.string().min(1),
        mountPath: z.string().min(1),
        readOnly: z.boolean().optional(),
        subPath: z.string().optional(),
      }),
    )
    .optional(),
});

export const createContainerGroupSchema = z.strictObject({
  /** 2–128 characters: lowercase letters, digits, hyphens; no hyphen at either end. */
  containerGroupName: containerGroupNameSchema,
  /** 1–20 containers. */
  containers: z
    .array(containerSpecSchema, { error: 'must be a list of containers' })
    .min(1, 'must hold at least one container')
    .max(20, 'must hold at most 20 containers'),
  /** vCPUs for the whole group (or use instanceType). */
  cpu: positiveNumber('vCPU, for example 2').optional(),
  /** Memory in GiB for the whole group. */
  memory: positiveNumber('GiB, for example 4').optional(),
  /** ECS instance type(s), e.g. `ecs.c6.large`; several comma-separated. */
  instanceType: z.string().min(1).optional(),
  /** vSwitch ID(s); several are sent comma-separated (at most 10). Omitted: ECI's default vSwitch. */
  vSwitchId: z
    .union([z.string().min(1), z.array(z.string().min(1)).min(1).max(10, 'must hold at most 10 vSwitch IDs')])
    .optional(),
  /** Omitted: ECI's default security group. */
  securityGroupId: z.string().min(1).optional(),
  zoneId: z.string().min(1).optional(),
  restartPolicy: z.enum(['Always', 'Never', 'OnFailure'], { error: 'must be Always, Never or OnFailure' }).optional(),
  /** At most 20 tags. */
  tags: tagsSchema.optional(),
  autoCreateEip: z.boolean().optional(),
  /** EIP bandwidth in Mbit/s (ECI's default is 5). */
  eipBandwidth: z.number().int().positive('must be a positive whole number of Mbit/s').optional(),
  eipInstanceId: z.string().min(1).optional(),
  /** Idempotency token, at most 64 ASCII characters; generated when omitted, and reused by retries. */
  clientToken: clientTokenSchema.optional(),
  /** Hard lifetime of the group in seconds. */
  activeDeadlineSeconds: z.number().int().positive('must be a positive whole number of seconds').optional(),
  terminationGracePeriodSeconds: z.number().int().nonnegative('must be 0 or more seconds').optional(),
  /** Only check the request; ECI's `DryRunOperation` answer is returned as `{ dryRun: true }`. */
  dryRun: z.boolean().optional(),
  spotStrategy: z.enum(['NoSpot', 'SpotAsPriceGo', 'SpotWithPriceLimit']).optional(),
  spotPriceLimit: z.number().positive().optional(),
  /** Extra temporary storage in GiB. */
  ephemeralStorage: z.number().int().positive().optional(),
  hostName: z.string().min(1).optional(),
  resourceGroupId: z.string().min(1).optional(),
  imageRegistryCredentials: z
    .array(z.strictObject({ server: z.string().min(1), userName: z.string().min(1), password: z.string().min(1) }))
    .optional(),
  /**
   * Parameters this method does not model, in ECI's wire names (nested objects and arrays are
   * flattened, e.g. `{ Volume: [{ Name: 'data', Type: 'EmptyDirVolume' }] }`).
   */
  extraParams: z.record(z.string(), z.unknown()).optional(),
});

/** Input of `createContainerGroup`. */
export type CreateContainerGroupOptions = z.input<typeof createContainerGroupSchema>;
/** One container of {@link CreateContainerGroupOptions}. */
export type ContainerSpec = z.input<typeof containerSpecSchema>;

type ParsedCreate = z.output<typeof createContainerGroupSchema>;

/** Maps validated options to ECI's wire parameters (before flattening). */
export function createContainerGroupToWire(input: ParsedCreate, clientToken: string): Record<string, unknown> {
  return {
    ContainerGroupName: input.containerGroupName,
    Container: input.containers.map((container) => ({
      Name: container.name,
      Image: container.image,
      Cpu: container.cpu,
      Memory: container.memory,
      Command: nonEmpty(container.command),
      Arg: nonEmpty(container.args),
      EnvironmentVar: nonEmpty(Object.entries(container.env ?? {}).map(([Key, Value]) => ({ Key, Value }))),
      Port: nonEmpty(container.ports?.map((port) => ({ Port: port.port, Protocol: port.protocol }))),
      WorkingDir: container.workingDir,
      ImagePullPolicy: container.imagePullPolicy,
      Stdin: container.stdin,
      StdinOnce: container.stdinOnce,
      Tty: container.tty,
      Gpu: container.gpu,
      VolumeMount: nonEmpty(
        container.volumeMounts?.map((mount) => ({
          Name: mount.name,
          MountPath: mount.mountPath,
          ReadOnly: mount.readOnly,
          SubPath: mount.subPath,
        })),
      ),
    })),
    Cpu: input.cpu,
    Memory: input.memory,
    InstanceType: input.instanceType,
    VSwitchId: Array.isArray(input.vSwitchId) ? input.vSwitchId.join(',') : input.vSwitchId,
    SecurityGroupId: input.securityGroupId,
    ZoneId: input.zoneId,
    RestartPolicy: input.restartPolicy,
    Tag: tagsToWire(input.tags),
    AutoCreateEip: input.autoCreateEip,
    EipBandwidth: input.eipBandwidth,
    EipInstanceId: input.eipInstanceId,
    ClientToken: clientToken,
    ActiveDeadlineSeconds: input.activeDeadlineSeconds,
    TerminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
    DryRun: input.dryRun,
    SpotStrategy: input.spotStrategy,
    SpotPriceLimit: input.spotPriceLimit,
    EphemeralStorage: input.ephemeralStorage,
    HostName: input.hostName,
    ResourceGroupId: input.resourceGroupId,
    ImageRegistryCredential: nonEmpty(
      input.imageRegistryCredentials?.map((credential) => ({
        Server: credential.server,
        UserName: credential.userName,
        Password: credential.password,
      })),
    ),
    ...input.extraParams,
  };
}

export const createContainerGroupResultSchema = z
  .looseObject({ RequestId: wireRequestId, ContainerGroupId: z.string() })
  .transform((body) => ({ requestId: body.RequestId ?? '', containerGroupId: body.ContainerGroupId }));

/** Result of `createContainerGroup`; `dryRun` is set (and the ID empty) when a dry run passed. */
export type CreateContainerGroupResult = z.output<typeof createContainerGroupResultSchema> & { dryRun?: boolean };
