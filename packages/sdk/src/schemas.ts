import { z } from 'zod';

/** A container group id as ECI issues them (`eci-…`), or anything id-like for other backends. */
export const sandboxIdSchema = z
  .string({ error: 'sandboxId must be a string such as eci-2ze0123456789abcdef' })
  .min(1, 'sandboxId must not be empty')
  .max(128, 'sandboxId must be at most 128 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'sandboxId may contain only letters, digits, ".", "_" and "-"');

const groupNameSchema = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,126}[a-z0-9]$/,
    'must be 2-128 characters of lowercase letters, digits and hyphens, not starting or ending with a hyphen',
  );

const envSchema = z.record(
  z
    .string()
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'environment variable names must be letters, digits and _, not starting with a digit'),
  z.string(),
);

const tagsSchema = z
  .record(z.string().min(1, 'tag keys must not be empty').max(128), z.string().max(128))
  .refine((tags) => Object.keys(tags).length <= 20, 'at most 20 tags');

const durationMs = (name: string) =>
  z.number().int(`${name} must be a whole number of milliseconds`).positive(`${name} must be positive`);

const absolutePath = z
  .string()
  .min(1, 'path must not be empty')
  .refine((value) => !value.includes('\0'), 'path must not contain NUL');

/** Options of `create`. */
export const createOptionsSchema = z
  .object({
    image: z.string({ error: 'image is required, e.g. "python:3.12-slim"' }).min(1, 'image is required'),
    name: groupNameSchema.optional(),
    containerName: groupNameSchema.optional(),
    cpu: z.number().positive('cpu must be a positive number of vCPUs').optional(),
    memory: z.number().positive('memory must be a positive number of GiB').optional(),
    command: z.array(z.string()).optional(),
    args: z.array(z.string()).max(10, 'ECI accepts at most 10 args').optional(),
    env: envSchema.optional(),
    ports: z
      .array(
        z.object({
          port: z.number().int().min(1).max(65535, 'port must be 1-65535'),
          protocol: z.enum(['TCP', 'UDP']).optional(),
        }),
      )
      .optional(),
    vSwitchId: z.string().min(1).optional(),
    securityGroupId: z.string().min(1).optional(),
    zoneId: z.string().min(1).optional(),
    instanceType: z.string().min(1).optional(),
    restartPolicy: z.enum(['Always', 'Never', 'OnFailure']).optional(),
    tags: tagsSchema.optional(),
    autoCreateEip: z.boolean().optional(),
    eipBandwidth: z.number().int().positive('eipBandwidth must be a positive number of Mbit/s').optional(),
    eipInstanceId: z.string().min(1).optional(),
    clientToken: z
      .string()
      .min(1)
      .max(64, 'clientToken must be at most 64 characters')
      .regex(/^[\x21-\x7e]+$/, 'clientToken must be printable ASCII without spaces')
      .optional(),
    ttlMs: durationMs('ttlMs').min(1000, 'ttlMs must be at least 1000 (ECI counts whole seconds)').optional(),
    waitUntilRunning: z.boolean().optional(),
    describeWhenRunning: z.boolean().optional(),
    waitTimeoutMs: durationMs('waitTimeoutMs').optional(),
    deleteOnWaitFailure: z.boolean().optional(),
  })
  .strict();

/** Filters of `list` and `listAll`. */
export const listOptionsSchema = z
  .object({
    limit: z.number().int().min(1, 'limit must be 1-20').max(20, 'limit must be 1-20 (ECI returns at most 20 a page)').optional(),
    nextToken: z.string().optional(),
    status: z.string().min(1).optional(),
    name: z.string().min(1).optional(),
    securityGroupId: z.string().min(1).optional(),
    vSwitchId: z.string().min(1).optional(),
    zoneId: z.string().min(1).optional(),
    tags: tagsSchema.optional(),
  })
  .strict();

const callbackSchema = z.custom<(chunk: string) => void>((value) => typeof value === 'function', 'must be a function');
const signalSchema = z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal');

/** Options of `execCommand`. */
export const execCommandOptionsSchema = z
  .object({
    timeoutMs: durationMs('timeoutMs').optional(),
    sync: z.boolean().optional(),
    execDir: absolutePath.optional(),
    env: envSchema.optional(),
    onStdout: callbackSchema.optional(),
    onStderr: callbackSchema.optional(),
    signal: signalSchema.optional(),
  })
  .strict();

export const argvSchema = z
  .array(z.string(), { error: 'argv must be an array of strings, e.g. ["ls", "-la"]' })
  .min(1, 'argv must have at least one element');

/** Options of `bash` and `bashWs`. */
export const bashOptionsSchema = z
  .object({
    timeoutMs: durationMs('timeoutMs').optional(),
    execDir: absolutePath.optional(),
    env: envSchema.optional(),
    onStdout: callbackSchema.optional(),
    onStderr: callbackSchema.optional(),
    signal: signalSchema.optional(),
  })
  .strict();

export const commandSchema = z.string({ error: 'command must be a string of shell code' });

export const pathSchema = absolutePath;

export const fileContentSchema = z.union([z.string(), z.instanceof(Uint8Array)], {
  error: 'content must be a string or a Uint8Array/Buffer',
});

/** Options of `readFile` / `writeFile`. */
export const fileOptionsSchema = z
  .object({
    timeoutMs: durationMs('timeoutMs').optional(),
    signal: signalSchema.optional(),
  })
  .strict();

export const tmuxSessionIdSchema = z
  .string({ error: 'sessionId must be a string' })
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'sessionId must be 1-64 letters, digits, "_" or "-"');

/** Options of `tmuxStart`. */
export const tmuxStartOptionsSchema = z
  .object({
    execDir: absolutePath.optional(),
    sessionId: tmuxSessionIdSchema.optional(),
    historyLimit: z.number().int().positive().optional(),
    env: envSchema.optional(),
  })
  .strict();

/** Options of `tmuxPoll`. */
export const tmuxPollOptionsSchema = z
  .object({
    tailLines: z.number().int().positive().optional(),
    offset: z.number().int().min(0, 'offset must be 0 or more').optional(),
    maxBytes: z.number().int().positive().optional(),
  })
  .strict();

/** Options of `tmuxWait`. */
export const tmuxWaitOptionsSchema = z
  .object({
    timeoutMs: durationMs('timeoutMs').optional(),
    cleanup: z.boolean().optional(),
    onOutput: callbackSchema.optional(),
    signal: signalSchema.optional(),
  })
  .strict();

export const deleteOptionsSchema = z.object({ force: z.boolean().optional() }).strict();

const terminalSize = (name: string) =>
  z
    .number({ error: `${name} is required: the terminal's size in character cells, e.g. ${name === 'cols' ? 80 : 24}` })
    .int(`${name} must be a whole number`)
    .min(1, `${name} must be 1-65535`)
    .max(65535, `${name} must be 1-65535`);

/** Options of `openTerminal`. */
export const terminalOptionsSchema = z
  .object({
    argv: argvSchema.optional(),
    cols: terminalSize('cols'),
    rows: terminalSize('rows'),
    signal: signalSchema.optional(),
    onData: z.custom<(bytes: Uint8Array) => void>((value) => typeof value === 'function', 'must be a function').optional(),
  })
  .strict();

/** Options of `logs`. */
export const logsOptionsSchema = z
  .object({
    tail: z
      .number()
      .int('tail must be a whole number of lines')
      .min(1, 'tail must be 1-2000')
      .max(2000, 'tail must be 1-2000 (ECI returns at most 2000 lines)')
      .optional(),
    limitBytes: z
      .number()
      .int('limitBytes must be a whole number')
      .min(1, 'limitBytes must be 1-1048576')
      .max(1_048_576, "limitBytes must be at most 1048576 (1 MiB, ECI's limit)")
      .optional(),
    sinceSeconds: z
      .number()
      .int('sinceSeconds must be a whole number of seconds')
      .positive('sinceSeconds must be positive')
      .optional(),
    timestamps: z.boolean().optional(),
    signal: signalSchema.optional(),
  })
  .strict();
