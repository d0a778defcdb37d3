import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import {
  createContainerGroupResultSchema,
  createContainerGroupSchema,
  createContainerGroupToWire,
  type CreateContainerGroupOptions,
  type CreateContainerGroupResult,
} from './actions/create-container-group.js';
import {
  deleteContainerGroupSchema,
  deleteContainerGroupToWire,
  requestIdResultSchema,
  type DeleteContainerGroupOptions,
  type RequestIdResult,
} from './actions/delete-container-group.js';
import {
  describeContainerGroupStatusResultSchema,
  describeContainerGroupStatusSchema,
  describeContainerGroupStatusToWire,
  type ContainerGroupStatusItem,
  type DescribeContainerGroupStatusOptions,
  type DescribeContainerGroupStatusResult,
} from './actions/describe-container-group-status.js';
import {
  describeContainerGroupsResultSchema,
  describeContainerGroupsSchema,
  describeContainerGroupsToWire,
  type ContainerGroup,
  type ContainerGroupFilters,
  type DescribeContainerGroupsOptions,
  type DescribeContainerGroupsResult,
} from './actions/describe-container-groups.js';
import {
  describeContainerLogResultSchema,
  describeContainerLogSchema,
  describeContainerLogToWire,
  type DescribeContainerLogOptions,
  type DescribeContainerLogResult,
} from './actions/describe-container-log.js';
import {
  execContainerCommandResultSchema,
  execContainerCommandSchema,
  execContainerCommandToWire,
  type ExecContainerCommandOptions,
  type ExecContainerCommandResult,
} from './actions/exec-container-command.js';
import {
  restartContainerGroupSchema,
  restartContainerGroupToWire,
  type RestartContainerGroupOptions,
} from './actions/restart-container-group.js';
import { containerGroupIdSchema, statusSchema, TERMINAL_STATUSES, type ContainerGroupStatus } from './actions/shared.js';
import { DEFAULT_REGION_ID, DEFAULT_TIMEOUT_MS, loadConfig, type LoadConfigOptions } from './config.js';
import { CredentialsCache, type CredentialsProvider, type EciCredentials } from './credentials.js';
import {
  createApiError,
  EciAbortError,
  EciConnectionError,
  EciError,
  EciNotFoundError,
  EciTimeoutError,
  EciValidationError,
} from './errors.js';
import { flattenParams } from './flatten-params.js';
import { sleep } from './internal/sleep.js';
import { parseResponse, validateInput } from './internal/validate.js';
import { percentEncode } from './percent-encode.js';
import { RateLimitDeadlineError, RateLimiter, type RateLimitsOption } from './rate-limiter.js';
import { redactSecrets } from './redact.js';
import {
  backoffDelayMs,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  parseRetryAfter,
  retryPolicyFor,
  shouldRetry,
  type RetryPolicy,
} from './retry.js';
import { EMPTY_PAYLOAD_SHA256, signAcs3 } from './sign-acs3.js';
import { signRpcV1 } from './sign-rpc.js';
import { VERSION } from './version.js';

/** The ECI OpenAPI version this client speaks. */
export const ECI_API_VERSION = '2018-08-08';

/** Receives log lines; each line is already redacted. Every method is optional. */
export interface EciLogger {
  debug?: (message: string) => void;
  info?: (message: string) => void;
  warn?: (message: string) => void;
  error?: (message: string) => void;
}

/** Options of {@link EciClient}. `EciClient.fromEnv()` fills the credential and region options from the environment. */
export interface EciClientOptions {
  /** AccessKey ID. `loadConfig`: `ECI_SANDBOX_ACCESS_KEY_ID`, `ALIBABA_CLOUD_ACCESS_KEY_ID`. */
  accessKeyId?: string;
  /** AccessKey secret; never logged. `loadConfig`: `ECI_SANDBOX_ACCESS_KEY_SECRET`, `ALIBABA_CLOUD_ACCESS_KEY_SECRET`. */
  accessKeySecret?: string;
  /** STS security token, with STS AccessKeys. `loadConfig`: `ECI_SANDBOX_SECURITY_TOKEN`, `ALIBABA_CLOUD_SECURITY_TOKEN`. */
  securityToken?: string;
  /**
   * Instead of the three options above: a function returning credentials, called again shortly
   * before their `expiration` (results are cached until then).
   */
  credentials?: CredentialsProvider;
  /** Region, e.g. `cn-hangzhou`. Default `cn-shanghai`. `loadConfig`: `ECI_SANDBOX_REGION_ID`, `ALIBABA_CLOUD_REGION_ID`. */
  regionId?: string;
  /**
   * A host (`eci.cn-shanghai.aliyuncs.com`, HTTPS) or a full URL (`http://127.0.0.1:8745`).
   * Default `eci.<regionId>.aliyuncs.com`. `loadConfig`: `ECI_SANDBOX_ENDPOINT`.
   */
  endpoint?: string;
  /** `v3` (ACS3-HMAC-SHA256, what the official SDK sends) or `v1` (HMAC-SHA1 RPC). Default `v3`. */
  signatureVersion?: 'v3' | 'v1';
  /**
   * Budget of one call in milliseconds: rate-limit wait, every attempt and every backoff.
   * Default 60000. `loadConfig`: `ECI_SANDBOX_TIMEOUT_MS`.
   */
  timeoutMs?: number;
  /** Retries after the first attempt, for failures the action's retry policy allows. Default 2. */
  maxRetries?: number;
  /** Backoff ceiling of the first retry; doubles each retry, with full jitter. Default 500. */
  retryBaseDelayMs?: number;
  /** Largest backoff between attempts. Default 8000. */
  retryMaxDelayMs?: number;
  /** `fetch` implementation (proxies, tests). Default `globalThis.fetch`. */
  fetch?: typeof globalThis.fetch;
  /** Appended to the User-Agent header. */
  userAgent?: string;
  /** Receives redacted debug/info/warn/error lines. Default: silent. */
  logger?: EciLogger;
  /**
   * Client-side quotas per action (calls per 60 s, or `{ limit, windowMs }`), merged over ECI's
   * documented quotas (`DEFAULT_RATE_LIMITS`); `false` for one action or for all switches it off.
   */
  rateLimits?: RateLimitsOption;
}

/** Options of one call. */
export interface CallOptions {
  /** Cancels the call, including rate-limit waits and backoffs; rejects with `EciAbortError`. */
  signal?: AbortSignal;
  /** Overrides the client's `timeoutMs` for this call. */
  timeoutMs?: number;
  /** Overrides the client's `maxRetries` for this call. */
  maxRetries?: number;
}

/** Options of {@link EciClient.waitForStatus}. */
export interface WaitForStatusOptions {
  /** Statuses to wait for, e.g. `['Running']`. */
  target: ReadonlyArray<ContainerGroupStatus>;
  /** Overall deadline. Default 300000 (5 minutes). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** First delay between polls; grows 1.5× per poll up to `maxIntervalMs`. Default 1000. */
  intervalMs?: number;
  /** Largest delay between polls. Default 5000. */
  maxIntervalMs?: number;
  /**
   * How long a group that has never been seen may stay absent from the status list (ECI can lag
   * right after creation). A group that was seen and then disappears fails at once. Default 5000.
   */
  notFoundGraceMs?: number;
}

/** What {@link EciClient.waitForStatus} resolves with. */
export type WaitForStatusResult = ContainerGroupStatusItem & {
  /** True when `status` is one of the targets; false when the group ended in another terminal status. */
  reachedTarget: boolean;
};

const MAX_REMEMBERED_SECRETS = 16;
const REGION_ID = /^[a-z]{2,}(-[a-z0-9]+)+$/;
const HOST = /^[A-Za-z0-9]([A-Za-z0-9.-]*[A-Za-z0-9])?(:\d{1,5})?$/;

const functionSchema = z.custom<(...args: never[]) => unknown>((value) => typeof value === 'function', 'must be a function');
const positiveMs = z.number().positive('must be a positive number of milliseconds').finite();
const retriesSchema = z.number().int('must be a whole number').min(0, 'must be 0 or more');

const clientOptionsSchema = z.strictObject({
  accessKeyId: z.string().optional(),
  accessKeySecret: z.string().optional(),
  securityToken: z.string().optional(),
  credentials: functionSchema.optional(),
  regionId: z
    .string()
    .regex(REGION_ID, 'must be an Alibaba Cloud region ID such as "cn-shanghai" or "ap-southeast-1"')
    .optional(),
  endpoint: z.string().min(1).optional(),
  signatureVersion: z.enum(['v3', 'v1'], { error: 'must be "v3" or "v1"' }).optional(),
  timeoutMs: positiveMs.optional(),
  maxRetries: retriesSchema.optional(),
  retryBaseDelayMs: z.number().nonnegative().optional(),
  retryMaxDelayMs: z.number().nonnegative().optional(),
  fetch: functionSchema.optional(),
  userAgent: z.string().optional(),
  logger: z
    .custom<EciLogger>(
      (value) => value !== null && typeof value === 'object',
      'must be an object with debug/info/warn/error functions',
    )
    .optional(),
  rateLimits: z
    .union([
      z.literal(false),
      z.record(
        z.string(),
        z.union([
          z.literal(false),
          z.number().int().positive('must be a positive number of calls per 60 s'),
          z.strictObject({ limit: z.number().int().positive(), windowMs: positiveMs.optional() }),
        ]),
      ),
    ])
    .optional(),
});

const callOptionsSchema = z.strictObject({
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal').optional(),
  timeoutMs: positiveMs.optional(),
  maxRetries: retriesSchema.optional(),
});

const waitForStatusSchema = z.strictObject({
  target: z.array(statusSchema).min(1, 'must name at least one status, e.g. ["Running"]'),
  timeoutMs: positiveMs.default(300_000),
  signal: z.custom<AbortSignal>((value) => value instanceof AbortSignal, 'must be an AbortSignal').optional(),
  intervalMs: positiveMs.default(1000),
  maxIntervalMs: positiveMs.default(5000),
  notFoundGraceMs: z.number().nonnegative().default(5000),
});

function resolveEndpoint(endpoint: string | undefined, regionId: string): URL {
  const value = endpoint ?? `eci.${regionId}.aliyuncs.com`;
  if (value.includes('://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch (error) {
      throw new EciValidationError(
        'endpoint',
        `endpoint "${value}" is not a valid URL; use a host such as eci.cn-shanghai.aliyuncs.com or a URL such as http://127.0.0.1:8745.`,
        { cause: error },
      );
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') {
      throw new EciValidationError('endpoint', `endpoint must use http or https, got ${url.protocol}`);
    }
    return url;
  }
  if (!HOST.test(value)) {
    throw new EciValidationError(
      'endpoint',
      `endpoint "${value}" is not a host name; use a host such as eci.cn-shanghai.aliyuncs.com or a URL such as http://127.0.0.1:8745.`,
    );
  }
  return new URL(`https://${value}/`);
}

function timestamp(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function encodeQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

// Failures that prove the request never left this machine.
const BEFORE_SEND_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_CONNECT_TIMEOUT',
]);

function errorCodes(error: unknown): string[] {
  const codes: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current && depth < 5; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') codes.push(code);
    const nested = (current as { errors?: unknown }).errors;
    if (Array.isArray(nested)) codes.push(...nested.flatMap((item) => errorCodes(item)));
    current = (current as { cause?: unknown }).cause;
  }
  return codes;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function stringField(record: Record<string, unknown>, key: string): string | undefined {
  const value = record[key];
  return typeof value === 'string' && value ? value : undefined;
}

/**
 * Signed client for the Alibaba Cloud ECI OpenAPI (2018-08-08).
 *
 * Every call runs one fixed pipeline: validate → rate-limit → retry { sign → send } → parse.
 *
 * Retries (up to `maxRetries`, exponential backoff from 500 ms with full jitter, `Retry-After`
 * honoured): Describe* actions are read-only and retried on every retryable failure;
 * CreateContainerGroup, DeleteContainerGroup and RestartContainerGroup always carry a ClientToken
 * (generated once per call when not given, reused by every attempt), so ECI deduplicates them and
 * they are retried the same way; ExecContainerCommand starts a process and has no idempotency token,
 * so it is retried only when the request provably did not run: throttling answers and connections
 * that failed before the request was sent.
 */
export class EciClient {
  /** The resolved region. */
  readonly regionId: string;
  /** The resolved endpoint URL. */
  readonly endpoint: string;
  readonly signatureVersion: 'v3' | 'v1';
  private readonly url: URL;
  private readonly timeoutMs: number;
  private readonly maxRetries: number;
  private readonly retryBaseDelayMs: number;
  private readonly retryMaxDelayMs: number;
  private readonly fetchImplementation: typeof globalThis.fetch;
  private readonly userAgent: string;
  private readonly logger: EciLogger | undefined;
  private readonly rateLimiter: RateLimiter | undefined;
  private readonly credentials: CredentialsCache;
  // Literal secrets seen so far, masked in every log line and error message.
  private readonly secrets = new Set<string>();

  constructor(options: EciClientOptions = {}) {
    const parsed = validateInput(clientOptionsSchema, options, 'new EciClient()');
    if (parsed.credentials) {
      if (parsed.accessKeyId || parsed.accessKeySecret || parsed.securityToken) {
        throw new EciValidationError(
          'credentials',
          'new EciClient(): pass either credentials or accessKeyId/accessKeySecret/securityToken, not both.',
        );
      }
      this.credentials = new CredentialsCache(parsed.credentials as CredentialsProvider);
    } else {
      if (!parsed.accessKeyId) {
        throw new EciValidationError(
          'accessKeyId',
          'new EciClient(): accessKeyId is required; pass accessKeyId and accessKeySecret (or credentials), or set ECI_SANDBOX_ACCESS_KEY_ID / ALIBABA_CLOUD_ACCESS_KEY_ID and use EciClient.fromEnv().',
        );
      }
      if (!parsed.accessKeySecret) {
        throw new EciValidationError(
          'accessKeySecret',
          'new EciClient(): accessKeySecret is required; pass it with accessKeyId, or set ECI_SANDBOX_ACCESS_KEY_SECRET / ALIBABA_CLOUD_ACCESS_KEY_SECRET and use EciClient.fromEnv().',
        );
      }
      const fixed: EciCredentials = { accessKeyId: parsed.accessKeyId, accessKeySecret: parsed.accessKeySecret };
      if (parsed.securityToken) fixed.securityToken = parsed.securityToken;
      this.credentials = new CredentialsCache(() => fixed);
      this.rememberSecrets(fixed);
    }
    this.regionId = parsed.regionId ?? DEFAULT_REGION_ID;
    this.url = resolveEndpoint(parsed.endpoint, this.regionId);
    this.endpoint = this.url.href;
    this.signatureVersion = parsed.signatureVersion ?? 'v3';
    this.timeoutMs = parsed.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.maxRetries = parsed.maxRetries ?? DEFAULT_MAX_RETRIES;
    this.retryBaseDelayMs = parsed.retryBaseDelayMs ?? DEFAULT_RETRY_BASE_DELAY_MS;
    this.retryMaxDelayMs = parsed.retryMaxDelayMs ?? DEFAULT_RETRY_MAX_DELAY_MS;
    this.fetchImplementation = (parsed.fetch as typeof globalThis.fetch | undefined) ?? globalThis.fetch;
    this.userAgent = `eci-sandbox-core-api/${VERSION} (node ${process.version}; ${process.platform})${parsed.userAgent ? ` ${parsed.userAgent}` : ''}`;
    this.logger = parsed.logger;
    this.rateLimiter =
      parsed.rateLimits === false
        ? undefined
        : new RateLimiter({ limits: parsed.rateLimits ?? {}, now: () => performance.now() });
  }

  /** A client configured by {@link loadConfig} (environment over `.env`), with `overrides` on top. */
  static fromEnv(overrides: EciClientOptions = {}, configOptions: LoadConfigOptions = {}): EciClient {
    const { envFile: _envFile, ...config } = loadConfig(configOptions);
    return new EciClient({ ...config, ...overrides });
  }

  /**
   * Calls any ECI action. `params` are in wire form (`{ ContainerGroupId: 'eci-…' }`); nested
   * objects and arrays are flattened (`Tag: [{ Key, Value }]` → `Tag.1.Key`). `RegionId` is added
   * when absent. Resolves with the parsed JSON body.
   *
   * Retry policy: actions named Describe*, List*, Get* or Query*, and calls that carry a
   * `ClientToken`, are retried on every retryable failure; anything else only when the request
   * provably did not run (throttling, connection refused).
   */
  async request(
    action: string,
    params: Record<string, unknown> = {},
    callOptions: CallOptions = {},
  ): Promise<Record<string, unknown>> {
    if (typeof action !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(action)) {
      throw new EciValidationError(
        'action',
        `request(): action must be an ECI action name such as "DescribeContainerGroups", got ${JSON.stringify(action)}.`,
      );
    }
    if (!isRecord(params)) throw new EciValidationError('params', 'request(): params must be an object of ECI parameters.');
    const options = validateInput(callOptionsSchema, callOptions, `${action}`, 'callOptions');
    const wire = flattenParams(params);
    return this.send(action, wire, options, retryPolicyFor(action, wire));
  }

  /** Creates a container group. A `clientToken` is generated when none is given, so retries cannot create duplicates. */
  async createContainerGroup(
    options: CreateContainerGroupOptions,
    callOptions: CallOptions = {},
  ): Promise<CreateContainerGroupResult> {
    const action = 'CreateContainerGroup';
    const input = validateInput(createContainerGroupSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const wire = flattenParams(createContainerGroupToWire(input, input.clientToken ?? randomUUID()));
    try {
      const body = await this.send(action, wire, call, 'retryable-errors');
      return parseResponse(createContainerGroupResultSchema, body, action);
    } catch (error) {
      // ECI reports a passing dry run as the error code DryRunOperation.
      if (input.dryRun && error instanceof EciError && (error as { code?: string }).code === 'DryRunOperation') {
        return { requestId: (error as { requestId?: string }).requestId ?? '', containerGroupId: '', dryRun: true };
      }
      throw error;
    }
  }

  /** Lists container groups, one page (at most 20 per page). See {@link iterateContainerGroups} for all pages. */
  async describeContainerGroups(
    options: DescribeContainerGroupsOptions = {},
    callOptions: CallOptions = {},
  ): Promise<DescribeContainerGroupsResult> {
    const action = 'DescribeContainerGroups';
    const input = validateInput(describeContainerGroupsSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const body = await this.send(action, flattenParams(describeContainerGroupsToWire(input)), call, 'retryable-errors');
    return parseResponse(describeContainerGroupsResultSchema, body, action);
  }

  /** Every container group matching `filters`, following `NextToken` page after page. */
  async *iterateContainerGroups(
    filters: ContainerGroupFilters = {},
    callOptions: CallOptions = {},
  ): AsyncGenerator<ContainerGroup, void, undefined> {
    if (isRecord(filters) && 'nextToken' in filters) {
      throw new EciValidationError('nextToken', 'iterateContainerGroups(): nextToken is managed by the iterator; remove it.');
    }
    const seen = new Set<string>();
    let nextToken: string | undefined;
    do {
      const page = await this.describeContainerGroups({ ...filters, ...(nextToken ? { nextToken } : {}) }, callOptions);
      yield* page.containerGroups;
      nextToken = page.nextToken;
      if (nextToken && seen.has(nextToken)) {
        throw new EciError(
          `DescribeContainerGroups returned the page token "${nextToken}" twice; stopping to avoid an endless loop.`,
        );
      }
      if (nextToken) seen.add(nextToken);
    } while (nextToken);
  }

  /** Status of container groups (cheap; ECI allows 10000 calls per minute). */
  async describeContainerGroupStatus(
    options: DescribeContainerGroupStatusOptions = {},
    callOptions: CallOptions = {},
  ): Promise<DescribeContainerGroupStatusResult> {
    const action = 'DescribeContainerGroupStatus';
    const input = validateInput(describeContainerGroupStatusSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const body = await this.send(action, flattenParams(describeContainerGroupStatusToWire(input)), call, 'retryable-errors');
    return parseResponse(describeContainerGroupStatusResultSchema, body, action);
  }

  /** Deletes a container group (`force` skips graceful termination). Carries a ClientToken, so retries are safe. */
  async deleteContainerGroup(options: DeleteContainerGroupOptions, callOptions: CallOptions = {}): Promise<RequestIdResult> {
    const action = 'DeleteContainerGroup';
    const input = validateInput(deleteContainerGroupSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const body = await this.send(
      action,
      flattenParams(deleteContainerGroupToWire(input, input.clientToken ?? randomUUID())),
      call,
      'retryable-errors',
    );
    return parseResponse(requestIdResultSchema, body, action);
  }

  /** Restarts a Pending or Running container group. Carries a ClientToken, so retries are safe. */
  async restartContainerGroup(options: RestartContainerGroupOptions, callOptions: CallOptions = {}): Promise<RequestIdResult> {
    const action = 'RestartContainerGroup';
    const input = validateInput(restartContainerGroupSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const body = await this.send(
      action,
      flattenParams(restartContainerGroupToWire(input, input.clientToken ?? randomUUID())),
      call,
      'retryable-errors',
    );
    return parseResponse(requestIdResultSchema, body, action);
  }

  /**
   * Starts a command in a container and returns its exec stream URL (or, with `sync`, its output).
   * `Stdin` is always sent (default false; ECI's own default is true). Retried only on throttling
   * and on connections that failed before sending: the command may already have run otherwise.
   */
  async execContainerCommand(
    options: ExecContainerCommandOptions,
    callOptions: CallOptions = {},
  ): Promise<ExecContainerCommandResult> {
    const action = 'ExecContainerCommand';
    const input = validateInput(execContainerCommandSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const body = await this.send(action, flattenParams(execContainerCommandToWire(input)), call, 'rejected-only');
    return parseResponse(execContainerCommandResultSchema, body, action);
  }

  /** Reads a container's log (at most 2000 lines, 1 MiB). */
  async describeContainerLog(
    options: DescribeContainerLogOptions,
    callOptions: CallOptions = {},
  ): Promise<DescribeContainerLogResult> {
    const action = 'DescribeContainerLog';
    const input = validateInput(describeContainerLogSchema, options, action);
    const call = validateInput(callOptionsSchema, callOptions, action, 'callOptions');
    const body = await this.send(action, flattenParams(describeContainerLogToWire(input)), call, 'retryable-errors');
    return parseResponse(describeContainerLogResultSchema, body, action);
  }

  /**
   * Polls DescribeContainerGroupStatus (backing off from `intervalMs` to `maxIntervalMs`) until the
   * group reaches a `target` status or a terminal one (Failed, ScheduleFailed, Succeeded, Expired).
   * Rejects with `EciTimeoutError` at the deadline, `EciAbortError` on abort, and
   * `EciNotFoundError` when the group disappears.
   */
  async waitForStatus(containerGroupId: string, options: WaitForStatusOptions): Promise<WaitForStatusResult> {
    const id = validateInput(containerGroupIdSchema, containerGroupId, 'waitForStatus()', 'containerGroupId');
    const input = validateInput(waitForStatusSchema, options, 'waitForStatus()', 'options');
    const started = performance.now();
    const deadline = started + input.timeoutMs;
    let interval = input.intervalMs;
    let seen = false;
    let lastStatus: string | undefined;
    const timeout = (cause?: unknown) =>
      new EciTimeoutError(
        `Container group ${id} ${lastStatus ? `was still ${lastStatus}` : 'had no status yet'} after ${input.timeoutMs} ms waiting for ${input.target.join(' or ')}; raise timeoutMs or check the group's events with describeContainerGroups({ withEvent: true }).`,
        { cause },
      );
    for (;;) {
      const remaining = deadline - performance.now();
      if (remaining <= 0) throw timeout();
      let page: DescribeContainerGroupStatusResult;
      try {
        page = await this.describeContainerGroupStatus(
          { containerGroupIds: [id] },
          { timeoutMs: remaining, ...(input.signal ? { signal: input.signal } : {}) },
        );
      } catch (error) {
        if (error instanceof EciTimeoutError) throw timeout(error);
        throw error;
      }
      const item = page.data.find((entry) => entry.containerGroupId === id);
      if (item) {
        seen = true;
        lastStatus = item.status;
        const reachedTarget = (input.target as readonly string[]).includes(item.status);
        if (reachedTarget || (TERMINAL_STATUSES as readonly string[]).includes(item.status)) {
          return { ...item, reachedTarget };
        }
      } else if (seen || performance.now() - started >= input.notFoundGraceMs) {
        throw new EciNotFoundError(
          id,
          `Container group ${id} ${seen ? `disappeared while ${lastStatus ?? 'being watched'}` : 'does not exist'} (deleted, expired, or in another region than ${this.regionId}).`,
        );
      }
      const delay = Math.min(interval, deadline - performance.now());
      if (delay <= 0) throw timeout();
      try {
        await sleep(delay, input.signal);
      } catch (error) {
        throw new EciAbortError(`waitForStatus(${id}) was aborted.`, { cause: error });
      }
      interval = Math.min(interval * 1.5, input.maxIntervalMs);
    }
  }

  // ---- pipeline ----------------------------------------------------------------------------

  private async send(
    action: string,
    wireParams: Record<string, string>,
    callOptions: z.output<typeof callOptionsSchema>,
    policy: RetryPolicy,
  ): Promise<Record<string, unknown>> {
    const timeoutMs = callOptions.timeoutMs ?? this.timeoutMs;
    const maxRetries = callOptions.maxRetries ?? this.maxRetries;
    const signal = callOptions.signal;
    const deadline = performance.now() + timeoutMs;
    const params = { ...wireParams, RegionId: wireParams.RegionId ?? this.regionId };

    for (let attempt = 0; ; attempt += 1) {
      if (signal?.aborted) throw new EciAbortError(`${action} was aborted.`, { cause: signal.reason });
      let error: EciError;
      try {
        await this.acquireSlot(action, signal, deadline, timeoutMs);
        return await this.attempt(action, params, attempt, signal, deadline, timeoutMs);
      } catch (caught) {
        if (!(caught instanceof EciError)) throw caught;
        error = caught;
      }
      if (attempt >= maxRetries || !shouldRetry(error, policy)) {
        this.log('debug', `${action} failed: ${error.message}`);
        throw error;
      }
      const hint = (error as { retryAfterMs?: number }).retryAfterMs;
      const delay = hint ?? backoffDelayMs(attempt, { baseDelayMs: this.retryBaseDelayMs, maxDelayMs: this.retryMaxDelayMs });
      if (performance.now() + delay >= deadline) {
        // No time left for another attempt: the real failure says more than a timeout would.
        this.log('debug', `${action} failed and its ${timeoutMs} ms budget leaves no time to retry: ${error.message}`);
        throw error;
      }
      this.log('warn', `${action} failed (${error.message}); retry ${attempt + 1} of ${maxRetries} in ${Math.round(delay)} ms.`);
      try {
        await sleep(delay, signal);
      } catch (abortReason) {
        throw new EciAbortError(`${action} was aborted while waiting to retry.`, { cause: abortReason });
      }
    }
  }

  private async acquireSlot(action: string, signal: AbortSignal | undefined, deadline: number, timeoutMs: number): Promise<void> {
    if (!this.rateLimiter) return;
    try {
      const waitedMs = await this.rateLimiter.acquire(action, { deadline, ...(signal ? { signal } : {}) });
      if (waitedMs > 0) this.log('debug', `${action} waited ${Math.round(waitedMs)} ms for its client-side rate limit.`);
    } catch (error) {
      if (error instanceof RateLimitDeadlineError) {
        throw new EciTimeoutError(
          `${action} would wait ${Math.ceil(error.waitMs)} ms for its client-side rate limit, beyond the call's ${timeoutMs} ms timeout; lower the call rate, raise timeoutMs, or adjust rateLimits.`,
          { cause: error },
        );
      }
      throw new EciAbortError(`${action} was aborted while waiting for its rate limit.`, { cause: error });
    }
  }

  private async attempt(
    action: string,
    params: Record<string, string>,
    attempt: number,
    signal: AbortSignal | undefined,
    deadline: number,
    timeoutMs: number,
  ): Promise<Record<string, unknown>> {
    const credentials = await this.credentials.get();
    this.rememberSecrets(credentials);
    const { url, headers } = this.sign(action, params, credentials);
    const secrets = [...this.secrets];

    const controller = new AbortController();
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort();
      },
      Math.max(0, deadline - performance.now()),
    );
    const onAbort = () => controller.abort();
    signal?.addEventListener('abort', onAbort, { once: true });

    const started = performance.now();
    this.log(
      'debug',
      `${action} attempt ${attempt + 1}: POST ${this.url.origin}${this.url.pathname} (signature ${this.signatureVersion}).`,
    );
    let status: number;
    let retryAfter: string | null;
    let text: string;
    try {
      const response = await this.fetchImplementation(url, { method: 'POST', headers, signal: controller.signal });
      status = response.status;
      retryAfter = response.headers.get('retry-after');
      text = await response.text();
    } catch (error) {
      if (signal?.aborted) throw new EciAbortError(`${action} was aborted.`, { cause: signal.reason, secrets });
      if (timedOut) {
        throw new EciTimeoutError(
          `${action} got no answer within its ${timeoutMs} ms timeout; raise timeoutMs or check the network path to ${this.url.host}.`,
          { cause: error, secrets },
        );
      }
      const codes = errorCodes(error);
      const reason = codes[0] ?? (error instanceof Error ? error.message : String(error));
      throw new EciConnectionError(
        `${action} could not reach ${this.url.host} (${reason}); check the endpoint, DNS and network.`,
        { cause: error, secrets, beforeRequestSent: codes.some((code) => BEFORE_SEND_CODES.has(code)) },
      );
    } finally {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    }

    let body: unknown;
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      body = undefined;
    }
    const record = isRecord(body) ? body : {};
    const requestId = stringField(record, 'RequestId');
    this.log(
      'debug',
      `${action} → HTTP ${status} in ${Math.round(performance.now() - started)} ms${requestId ? ` (RequestId ${requestId})` : ''}.`,
    );

    if (status >= 400) {
      const retryAfterMs = parseRetryAfter(retryAfter);
      const message = stringField(record, 'Message') ?? (body === undefined ? text.slice(0, 300) : undefined);
      throw createApiError(
        {
          code: stringField(record, 'Code') ?? `HTTP${status}`,
          httpStatus: status,
          action,
          data: record,
          ...(message ? { message } : {}),
          ...(requestId ? { requestId } : {}),
          ...(stringField(record, 'HostId') ? { hostId: stringField(record, 'HostId') } : {}),
          ...(stringField(record, 'Recommend') ? { recommend: stringField(record, 'Recommend') } : {}),
          ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
        },
        { secrets },
      );
    }
    if (body === undefined || !isRecord(body)) {
      throw new EciError(`${action} returned HTTP ${status} with a body that is not a JSON object: ${text.slice(0, 200)}`, {
        secrets,
      });
    }
    return body;
  }

  /** Builds the URL and headers of one attempt, with a fresh nonce, timestamp and signature. */
  private sign(
    action: string,
    params: Record<string, string>,
    credentials: EciCredentials,
  ): { url: string; headers: Record<string, string> } {
    const base = `${this.url.origin}${this.url.pathname}`;
    const common = { 'user-agent': this.userAgent, accept: 'application/json' };
    if (this.signatureVersion === 'v1') {
      const signed: Record<string, string> = {
        ...params,
        Action: action,
        Version: ECI_API_VERSION,
        Format: 'JSON',
        AccessKeyId: credentials.accessKeyId,
        SignatureMethod: 'HMAC-SHA1',
        SignatureVersion: '1.0',
        SignatureNonce: randomUUID(),
        Timestamp: timestamp(),
      };
      if (credentials.securityToken) signed.SecurityToken = credentials.securityToken;
      const signature = signRpcV1({ method: 'POST', params: signed, accessKeySecret: credentials.accessKeySecret });
      return { url: `${base}?${encodeQuery({ ...signed, Signature: signature })}`, headers: common };
    }
    const headers: Record<string, string> = {
      host: this.url.host,
      'x-acs-action': action,
      'x-acs-version': ECI_API_VERSION,
      'x-acs-date': timestamp(),
      'x-acs-signature-nonce': randomUUID(),
      'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256,
    };
    if (credentials.securityToken) {
      headers['x-acs-security-token'] = credentials.securityToken;
      headers['x-acs-accesskey-id'] = credentials.accessKeyId;
    }
    const { authorization } = signAcs3({
      method: 'POST',
      pathname: this.url.pathname,
      query: params,
      headers,
      payloadHash: EMPTY_PAYLOAD_SHA256,
      accessKeyId: credentials.accessKeyId,
      accessKeySecret: credentials.accessKeySecret,
    });
    // fetch derives Host from the URL (the same value that was signed) and ignores a host header.
    const { host: _host, ...sent } = headers;
    return { url: `${base}?${encodeQuery(params)}`, headers: { ...sent, authorization, ...common } };
  }

  private rememberSecrets(credentials: EciCredentials): void {
    for (const secret of [credentials.accessKeySecret, credentials.securityToken]) {
      if (!secret) continue;
      this.secrets.delete(secret);
      this.secrets.add(secret);
    }
    // Rotating providers would grow the set forever; the oldest entries are long expired.
    while (this.secrets.size > MAX_REMEMBERED_SECRETS) {
      const oldest = this.secrets.values().next().value;
      if (oldest === undefined) break;
      this.secrets.delete(oldest);
    }
  }

  private log(level: keyof EciLogger, message: string): void {
    const write = this.logger?.[level];
    if (write) write.call(this.logger, redactSecrets(message, [...this.secrets]));
  }
}
