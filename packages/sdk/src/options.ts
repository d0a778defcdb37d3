import type { WebSocketConstructor } from '@eci-sandbox/exec-stream';
import { z } from 'zod';

/** Access key credentials, long-lived or STS. */
export interface EciCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS security token, for temporary credentials. */
  securityToken?: string;
}

/**
 * Where credentials come from when they can change (STS, RAM roles): a function returning them,
 * or any object with `getCredential()` — an `@alicloud/credentials` `Credential` instance works
 * as is. Called before each API call; cache inside if fetching is expensive.
 */
export type EciCredentialsProvider =
  | (() => Promise<EciCredentials> | EciCredentials)
  | { getCredential(): Promise<{ accessKeyId?: string; accessKeySecret?: string; securityToken?: string }> };

/** Where log lines go. Every line is already free of secrets. */
export interface EciSandboxLogger {
  debug?(message: string, fields?: Record<string, unknown>): void;
  info?(message: string, fields?: Record<string, unknown>): void;
  warn?(message: string, fields?: Record<string, unknown>): void;
  error?(message: string, fields?: Record<string, unknown>): void;
}

/** ECI's limits on ExecContainerCommand's `Command`, used to decide between inline and stdin. */
export interface ExecCommandLimits {
  /** Most elements in the argv. Default 20 (ECI's documented limit). */
  maxArgs?: number;
  /** Most characters in one element. Default 256 (documented). */
  maxArgChars?: number;
  /** Most bytes of the argv as UTF-8 JSON. Default 2048 (what the public Python client reports). */
  maxJsonBytes?: number;
}

/** Options of `new EciSandbox(options)`. Every one is optional. */
export interface EciSandboxOptions {
  /**
   * Access key id. Default: `ECI_SANDBOX_ACCESS_KEY_ID`, then `ALIBABA_CLOUD_ACCESS_KEY_ID`, then
   * the same names in a `.env` file, then the Alibaba Cloud default credential chain.
   */
  accessKeyId?: string;
  /**
   * Access key secret. Default: `ECI_SANDBOX_ACCESS_KEY_SECRET`, then
   * `ALIBABA_CLOUD_ACCESS_KEY_SECRET`, then `.env`, then the default credential chain.
   * Never logged.
   */
  accessKeySecret?: string;
  /**
   * STS security token for temporary credentials. Default: `ECI_SANDBOX_SECURITY_TOKEN`, then
   * `ALIBABA_CLOUD_SECURITY_TOKEN`, then `.env`. Never logged.
   */
  securityToken?: string;
  /**
   * A credentials provider, for credentials that rotate (STS, RAM roles). Takes precedence over
   * the three fields above. Default: none; when no keys are found anywhere, the Alibaba Cloud
   * default credential chain from `@alicloud/credentials` is used (credentials file
   * `~/.alibabacloud/credentials`, ECS RAM role, OIDC/RRSA, …).
   */
  credentials?: EciCredentialsProvider;
  /**
   * Try the Alibaba Cloud default credential chain when no keys are configured. Default `true`.
   * Set `false` to fail fast with a message instead.
   */
  useDefaultCredentialChain?: boolean;
  /** Region, e.g. `cn-hangzhou`. Default: `ECI_SANDBOX_REGION_ID`, then `ALIBABA_CLOUD_REGION_ID`, then `cn-shanghai`. */
  regionId?: string;
  /**
   * API endpoint: a host name (`eci.cn-hangzhou.aliyuncs.com`, HTTPS) or a full URL
   * (`http://127.0.0.1:8080` for the emulator). Default: `ECI_SANDBOX_ENDPOINT`, then
   * `eci.<regionId>.aliyuncs.com`.
   */
  endpoint?: string;
  /** Timeout of one API request in ms (each retry gets its own). Default: `ECI_SANDBOX_TIMEOUT_MS`, then 60000. */
  timeoutMs?: number;
  /** Retries of a failed API request (throttling, 5xx, connection resets). Default 2. */
  maxRetries?: number;
  /** A `.env` file to read instead of searching upward from `cwd`. Parsed, never loaded into `process.env`. */
  envFile?: string;
  /**
   * HTTP(S) proxy URL for both the API and the exec WebSocket, e.g. `http://proxy:3128`.
   * Default: `ECI_SANDBOX_PROXY`, then `HTTPS_PROXY`, then `https_proxy`; none when unset.
   */
  proxy?: string;
  /** Where to send log lines (already redacted). Default: no logging. */
  logger?: EciSandboxLogger;
  /** Request signature: `v3` (ACS3-HMAC-SHA256, what the official SDK sends) or `v1` (HMAC-SHA1 RPC). Default `v3`. */
  signatureVersion?: 'v3' | 'v1';
  /**
   * Client-side rate limits per API action, in calls per minute (e.g. `{ ExecContainerCommand: 500 }`),
   * or `false` to turn them off. Default: ECI's documented quotas.
   */
  rateLimits?: Record<string, number | { limit: number; windowMs?: number } | false> | false;
  /** ECI's argv limits for exec commands; longer scripts go over stdin. Default: ECI's documented limits. */
  execLimits?: ExecCommandLimits;
  /**
   * WebSocket subprotocol for exec streams: `none` (what is known to work on ECI; exit codes come
   * from an in-band marker) or `v4` (`v4.channel.k8s.io`, exit codes in a status frame).
   * Default: `ECI_SANDBOX_EXEC_PROTOCOL`, then `none`.
   */
  execProtocol?: 'none' | 'v4';
  /** Default timeout of a command run by `bash`/`execCommand` in ms. Default 600000 (10 min). */
  commandTimeoutMs?: number;
  /** Directory where the `.env` search starts. Default `process.cwd()`. */
  cwd?: string;
  /** Environment variables to read configuration from. Default `process.env` (never modified). */
  env?: Record<string, string | undefined>;
  /** `fetch` to use for API requests (tests, custom agents). Default: undici's fetch (with the proxy, if any). */
  fetch?: typeof globalThis.fetch;
  /**
   * WebSocket constructor for exec streams (commands, files, sessions, terminals), with the
   * shape of the `ws` package's client: `new WebSocket(url, protocols, options)`. For tests,
   * tracing or custom transports. With a `proxy`, the proxy's agent is still passed in
   * `options.agent`. Default: `ws`'s `WebSocket`. No environment variable.
   */
  WebSocket?: WebSocketConstructor;
}

const credentialsProviderSchema = z.custom<EciCredentialsProvider>(
  (value) =>
    typeof value === 'function' ||
    (typeof value === 'object' && value !== null && typeof (value as { getCredential?: unknown }).getCredential === 'function'),
  { message: 'must be a function returning credentials or an object with getCredential()' },
);

const nonEmpty = (what: string) => z.string().min(1, `${what} must not be empty`);

/** zod schema of `EciSandboxOptions` (functions are only checked to be functions). */
export const eciSandboxOptionsSchema = z
  .object({
    accessKeyId: nonEmpty('accessKeyId').optional(),
    accessKeySecret: nonEmpty('accessKeySecret').optional(),
    securityToken: z.string().optional(),
    credentials: credentialsProviderSchema.optional(),
    useDefaultCredentialChain: z.boolean().optional(),
    regionId: z
      .string()
      .regex(/^[a-z0-9-]+$/, 'regionId must look like cn-hangzhou (lowercase letters, digits, hyphens)')
      .optional(),
    endpoint: nonEmpty('endpoint').optional(),
    timeoutMs: z.number().int().positive('timeoutMs must be a positive number of milliseconds').optional(),
    maxRetries: z.number().int().min(0, 'maxRetries must be 0 or more').max(10, 'maxRetries must be at most 10').optional(),
    envFile: nonEmpty('envFile').optional(),
    proxy: z.url('proxy must be a URL such as http://proxy:3128').optional(),
    logger: z
      .custom<EciSandboxLogger>((value) => typeof value === 'object' && value !== null, 'logger must be an object')
      .optional(),
    signatureVersion: z.enum(['v3', 'v1']).optional(),
    rateLimits: z
      .union([
        z.record(
          z.string(),
          z.union([
            z.number().positive(),
            z.object({ limit: z.number().positive(), windowMs: z.number().int().positive().optional() }),
            z.literal(false),
          ]),
        ),
        z.literal(false),
      ])
      .optional(),
    execLimits: z
      .object({
        maxArgs: z.number().int().min(3).optional(),
        maxArgChars: z.number().int().min(64).optional(),
        maxJsonBytes: z.number().int().min(256).optional(),
      })
      .optional(),
    execProtocol: z.enum(['none', 'v4']).optional(),
    commandTimeoutMs: z.number().int().positive('commandTimeoutMs must be a positive number of milliseconds').optional(),
    cwd: z.string().optional(),
    env: z.record(z.string(), z.string().optional()).optional(),
    fetch: z.custom<typeof globalThis.fetch>((value) => typeof value === 'function', 'fetch must be a function').optional(),
    WebSocket: z
      .custom<WebSocketConstructor>(
        (value) => typeof value === 'function',
        "WebSocket must be a constructor such as the ws package's WebSocket",
      )
      .optional(),
  })
  .strict();
