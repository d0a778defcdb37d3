import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rm, unlink, writeFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { z } from 'zod';
import { CallLog, sanitizeParams } from './call-log.js';
import { FaultInjector, faultOptionsSchema, type FaultOptions } from './faults.js';
import { ACTIONS, type ActionContext } from './internal/actions.js';
import { ApiError, errorBody } from './internal/api-error.js';
import { Authenticator, NonceCache, type EmulatorCredentials, type RpcRequest } from './internal/authenticate.js';
import { ContainerGroupStore } from './internal/container-group.js';
import { ExecServer } from './internal/exec-server.js';
import { ExecTokenStore } from './internal/exec-tokens.js';
import { isAlive } from './internal/process-tree.js';
import { QuotaLimiter, quotaOptionsSchema, type QuotaOptions } from './quotas.js';
import { createProcessRuntime } from './runtime/process.js';
import { selectRuntime, type RuntimeKind } from './runtime/select-runtime.js';
import type { RuncRuntimeOptions } from './runtime/runc.js';
import type { SandboxRuntime } from './runtime/types.js';

/** The API version the emulator speaks. */
export const ECI_API_VERSION = '2018-08-08';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

const isRuntime = (value: unknown): value is SandboxRuntime =>
  typeof value === 'object' && value !== null && typeof (value as SandboxRuntime).start === 'function';

const optionsSchema = z.object({
  host: z.string().min(1).default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(0),
  runtime: z
    .union([z.enum(['auto', 'runc', 'process']), z.custom<SandboxRuntime>(isRuntime, 'a SandboxRuntime object')])
    .default('auto'),
  runc: z.record(z.string(), z.unknown()).optional(),
  credentials: z
    .object({
      accessKeyId: z.string().min(1).optional(),
      accessKeySecret: z.string().min(1).optional(),
      securityToken: z.string().min(1).optional(),
    })
    .optional(),
  stateDir: z.string().min(1).optional(),
  regionId: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .default('cn-hangzhou'),
  schedulingMs: z.number().int().min(0).default(50),
  pendingMs: z.number().int().min(0).default(100),
  quotas: quotaOptionsSchema.optional(),
  faults: faultOptionsSchema.optional(),
  exec: z
    .object({
      maxCommandElements: z.number().int().positive().default(20),
      maxCommandElementLength: z.number().int().positive().default(256),
      syncTimeoutMs: z.number().int().positive().default(60_000),
      urlTtlMs: z.number().int().positive().default(30_000),
    })
    .default({ maxCommandElements: 20, maxCommandElementLength: 256, syncTimeoutMs: 60_000, urlTtlMs: 30_000 }),
  log: z.custom<(line: string) => void>((value) => typeof value === 'function', 'a function').optional(),
});

/** Options of {@link startEmulator}. */
export interface EmulatorOptions {
  /** Address to listen on. Default `127.0.0.1`. */
  host?: string;
  /** Port to listen on; 0 picks a free one. Default 0. */
  port?: number;
  /**
   * How sandboxes run. `auto` (default) picks `runc` when running as root with runc installed and
   * overlay mounts working, else `process`. `process` isolates nothing. A `SandboxRuntime` object
   * is used as given.
   */
  runtime?: RuntimeKind | SandboxRuntime;
  /** Options of the runc runtime (`runcPath`, `rootfs` by image name, `stopGraceMs`), when it is used. */
  runc?: RuncRuntimeOptions;
  /**
   * The access key requests must be signed with. Missing parts are generated. With
   * `securityToken`, the key is an STS key and every request must carry that token.
   */
  credentials?: { accessKeyId?: string; accessKeySecret?: string; securityToken?: string };
  /** Where sandboxes live. Default: a new temporary directory, removed by `close()`. Leftovers of a crashed run here are reaped at start. */
  stateDir?: string;
  /** The region reported to clients as this emulator's (`emulator.regionId`). Requests for any region are served; groups belong to the region they were created in. Default `cn-hangzhou`. */
  regionId?: string;
  /** How long a new group stays Scheduling, in ms. Default 50. */
  schedulingMs?: number;
  /** How long a group stays Pending (at least; the runtime may take longer), in ms. Default 100. */
  pendingMs?: number;
  /** ECI's flow control: on by default at the documented per-minute rates; `false` turns it off. */
  quotas?: QuotaOptions;
  /** Seeded fault injection; off by default. */
  faults?: FaultOptions;
  /** Exec limits: `maxCommandElements` (20), `maxCommandElementLength` (256), `syncTimeoutMs` (60000), `urlTtlMs` (30000, how long a WebSocketUri may wait to be opened). */
  exec?: { maxCommandElements?: number; maxCommandElementLength?: number; syncTimeoutMs?: number; urlTtlMs?: number };
  /** Receives one line per notable event (never secrets). Default: silent. */
  log?: (line: string) => void;
}

/** A running emulator. */
export interface Emulator {
  /** `http://127.0.0.1:PORT` — the RPC endpoint. */
  readonly endpoint: string;
  /** `127.0.0.1:PORT` — what the official SDK's `endpoint` option takes (with `protocol: 'http'`). */
  readonly host: string;
  /** `ws://127.0.0.1:PORT/exec/` — where exec streams are served. */
  readonly execEndpoint: string;
  /** The region to name in requests (any is served). */
  readonly regionId: string;
  readonly credentials: Readonly<EmulatorCredentials>;
  /** The runtime in use and why it was picked. */
  readonly runtime: { readonly name: 'runc' | 'process'; readonly isolated: boolean; readonly reason: string };
  readonly stateDir: string;
  /** Every API call served, for tests and benchmarks that count calls. */
  readonly calls: CallLog;
  /** Forgets the recorded calls (same as `calls.reset()`). */
  resetCalls(): void;
  /** Replaces the fault settings at run time (the sequence restarts from the seed). */
  setFaults(faults: FaultOptions): void;
  /** Ids of the container groups that exist now. */
  containerGroupIds(): string[];
  /** Stops serving and removes every sandbox, process and mount. Idempotent. */
  close(): Promise<void>;
}

function generateCredentials(): { accessKeyId: string; accessKeySecret: string } {
  return {
    accessKeyId: `LTAIemu${randomBytes(9).toString('hex')}`,
    accessKeySecret: randomBytes(20).toString('base64url'),
  };
}

function readBody(request: IncomingMessage): Promise<Buffer | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        request.resume();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_BODY_BYTES ? undefined : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

/** Claims `stateDir` with a pid file; refuses when a live emulator holds it. */
async function claimStateDir(stateDir: string): Promise<string> {
  const pidFile = join(stateDir, 'emulator.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && isAlive(pid)) {
      throw new Error(`stateDir ${stateDir} is in use by another emulator (pid ${pid}); pick another stateDir`);
    }
  }
  await writeFile(pidFile, `${process.pid}\n`);
  return pidFile;
}

/** Starts a local ECI: the RPC API on `/` and exec streams on `/exec/`, on one HTTP server. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new TypeError(`Invalid emulator option ${issue?.path.join('.') || '(options)'}: ${issue?.message}`);
  }
  const config = parsed.data;
  const log = config.log ?? (() => undefined);
  const generated = generateCredentials();
  const credentials: EmulatorCredentials = {
    accessKeyId: config.credentials?.accessKeyId ?? generated.accessKeyId,
    accessKeySecret: config.credentials?.accessKeySecret ?? generated.accessKeySecret,
    ...(config.credentials?.securityToken ? { securityToken: config.credentials.securityToken } : {}),
  };

  const ownsStateDir = config.stateDir === undefined;
  const stateDir = config.stateDir ?? (await mkdtemp(join(tmpdir(), 'eci-emu-')));
  await mkdir(join(stateDir, 'sandboxes'), { recursive: true });
  const pidFile = await claimStateDir(stateDir);

  const { runtime, reason } = await selectRuntime(config.runtime as RuntimeKind | SandboxRuntime, config.runc ?? {});
  log(`runtime: ${runtime.name} (${reason})`);
  // Reap what a crashed run left: the chosen runtime's leftovers, and process sandboxes in any case.
  await runtime.reapLeftovers(stateDir);
  if (runtime.name !== 'process') await createProcessRuntime().reapLeftovers(stateDir);

  const calls = new CallLog();
  const faults = new FaultInjector(config.faults ?? {});
  const quotas = new QuotaLimiter(config.quotas);
  const authenticator = new Authenticator(credentials, new NonceCache());
  const store = new ContainerGroupStore({
    runtime,
    stateDir,
    schedulingMs: config.schedulingMs,
    pendingMs: config.pendingMs,
    faults,
  });
  store.on('error-log', (error: unknown) => log(`internal error: ${(error as Error)?.message ?? String(error)}`));
  const execTokens = new ExecTokenStore(config.exec.urlTtlMs);
  const execServer = new ExecServer({ store, tokens: execTokens, faults, calls });
  const idempotency = new Map<string, { fingerprint: string; id: string }>();

  const server = createServer();
  let listeningHost = '';

  const urlHost = (request: IncomingMessage): string => {
    const wildcard = config.host === '0.0.0.0' || config.host === '::';
    const hostHeader = request.headers.host;
    if (wildcard && hostHeader && /^[A-Za-z0-9.\-[\]:]+$/.test(hostHeader)) return hostHeader;
    return listeningHost;
  };

  const respond = (response: ServerResponse, status: number, body: unknown, requestId: string): void => {
    const text = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': 'application/json;charset=utf-8',
      'content-length': Buffer.byteLength(text),
      'x-acs-request-id': requestId,
    });
    response.end(text);
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const time = Date.now();
    const requestId = randomUUID().toUpperCase();
    const url = new URL(request.url ?? '/', 'http://emulator');
    const hostId = request.headers.host ?? listeningHost;
    if (url.pathname === '/terminal') {
      response.writeHead(200, { 'content-type': 'text/plain;charset=utf-8' });
      response.end('The ECI emulator does not serve the console terminal; connect to the WebSocketUri instead.\n');
      return;
    }
    const body = await readBody(request);
    const query = Object.fromEntries(url.searchParams);
    let params: Record<string, string> = { ...query };
    const contentType = String(request.headers['content-type'] ?? '');
    if (body && contentType.includes('application/x-www-form-urlencoded')) {
      params = { ...params, ...Object.fromEntries(new URLSearchParams(body.toString('utf8'))) };
    }
    const action = String(request.headers['x-acs-action'] ?? params.Action ?? '');
    const record = (code: string, httpStatus: number) =>
      calls.record({ time, action, params: sanitizeParams(params), code, httpStatus, requestId });
    const fail = (error: ApiError) => {
      record(error.code, error.httpStatus);
      respond(response, error.httpStatus, errorBody(error, requestId, hostId), requestId);
    };

    const fault = faults.forCall(action || undefined);
    if (fault.kind === 'connection-reset') {
      record('ConnectionReset', 0);
      request.socket.destroy();
      return;
    }
    if (fault.kind === 'server-error') {
      fail(
        new ApiError(
          fault.code,
          fault.httpStatus,
          fault.code === 'InternalError'
            ? 'The request processing has failed due to some unknown error, exception or failure.'
            : 'The request has failed due to a temporary failure of the server.',
        ),
      );
      return;
    }
    if (fault.kind === 'throttle') {
      fail(new ApiError('Throttling.User', 400, 'Request was denied due to user flow control.'));
      return;
    }

    try {
      if (url.pathname !== '/')
        throw new ApiError(
          'InvalidApi.NotFound',
          404,
          `Specified api is not found, please check your url and method: ${url.pathname}.`,
        );
      if (request.method !== 'GET' && request.method !== 'POST') {
        throw new ApiError(
          'InvalidApi.NotFound',
          404,
          `Specified api is not found, please check your url and method: ${request.method}.`,
        );
      }
      if (!body) throw new ApiError('InvalidParameter', 400, `The request body is larger than ${MAX_BODY_BYTES} bytes.`);
      const rpcRequest: RpcRequest = {
        method: request.method,
        pathname: url.pathname,
        params,
        query,
        headers: request.headers,
        body,
      };
      const authenticated = authenticator.authenticate(rpcRequest);
      const handler = ACTIONS[authenticated.action];
      if (!handler || (authenticated.version !== undefined && authenticated.version !== ECI_API_VERSION)) {
        throw new ApiError(
          'InvalidApi.NotFound',
          404,
          `Specified api is not found, please check your url and method: ${authenticated.action} (version ${authenticated.version ?? 'none'}).`,
        );
      }
      if (!quotas.take(authenticated.action)) {
        const { limit, windowMs } = quotas.describe(authenticated.action);
        throw new ApiError(
          'Throttling.User',
          400,
          `Request was denied due to user flow control: ${authenticated.action} allows ${limit} calls per ${windowMs / 1000} s.`,
        );
      }
      const host = urlHost(request);
      const context: ActionContext = {
        store,
        execTokens,
        execLimits: config.exec,
        wsBase: `ws://${host}`,
        httpBase: `http://${host}`,
        defaultZone: (regionId) => `${regionId}-a`,
        idempotency,
      };
      const result = await handler(params, context);
      record('OK', 200);
      respond(response, 200, { RequestId: requestId, ...result }, requestId);
    } catch (error) {
      if (error instanceof ApiError) {
        fail(error);
      } else {
        log(`internal error in ${action || 'request'}: ${(error as Error)?.message ?? String(error)}`);
        fail(
          new ApiError(
            'InternalError',
            500,
            'The request processing has failed due to some unknown error, exception or failure.',
          ),
        );
      }
    }
  };

  server.on('request', (request, response) => {
    handle(request, response).catch((error: unknown) => {
      log(`internal error: ${(error as Error)?.message ?? String(error)}`);
      if (!response.headersSent) response.writeHead(500);
      response.end();
    });
  });
  server.on('upgrade', (request, socket, head) => {
    const pathname = new URL(request.url ?? '/', 'http://emulator').pathname;
    socket.on('error', () => undefined);
    if (pathname === '/exec/' || pathname === '/exec') execServer.handleUpgrade(request, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
  });
  server.on('clientError', (_error, socket) => socket.destroy());

  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } catch (error) {
    // Nothing was started yet: give the state directory back and say what to change.
    if (ownsStateDir) await rm(stateDir, { recursive: true, force: true });
    else await unlink(pidFile).catch(() => undefined);
    throw new Error(`the emulator cannot listen on ${config.host}:${config.port}: ${(error as Error).message}`, { cause: error });
  }
  const address = server.address() as AddressInfo;
  const printableHost = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  listeningHost = `${printableHost}:${address.port}`;
  log(`listening on http://${listeningHost}`);

  let closing: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closing ??= (async () => {
      const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
      execServer.close();
      server.closeAllConnections();
      await store.close();
      await serverClosed;
      // Whatever a sandbox left (a directory whose removal failed) goes with the state directory.
      if (ownsStateDir) {
        await rm(stateDir, { recursive: true, force: true });
      } else {
        const left = await readdir(join(stateDir, 'sandboxes')).catch(() => []);
        if (left.length === 0) await rm(join(stateDir, 'sandboxes'), { recursive: true, force: true });
        await unlink(pidFile).catch(() => undefined);
      }
      log('closed');
    })();
    return closing;
  };

  return {
    endpoint: `http://${listeningHost}`,
    host: listeningHost,
    execEndpoint: `ws://${listeningHost}/exec/`,
    regionId: config.regionId,
    credentials: Object.freeze({ ...credentials }),
    runtime: Object.freeze({ name: runtime.name, isolated: runtime.isolated, reason }),
    stateDir,
    calls,
    resetCalls: () => calls.reset(),
    setFaults: (next) => faults.configure(next),
    containerGroupIds: () => [...store.groups.keys()],
    close,
  };
}
