import { randomUUID } from 'node:crypto';
import { EciClient, EciValidationError, flattenParams, redactSecrets } from '@eci-sandbox/core-api';
import type { ExecLauncher, RunOptions, StreamOptions } from '@eci-sandbox/exec-stream';
import {
  readFile as readFileOverExec,
  readFileStream as readFileStreamOverExec,
  runArgv,
  runScript,
  writeFile as writeFileOverExec,
} from '@eci-sandbox/exec-stream';
import { TmuxKit } from '@eci-sandbox/tmux-kit';
import type { ShellRunner } from '@eci-sandbox/tmux-kit';
import type { z } from 'zod';
import { createDefaultChainProvider } from './internal/default-credentials.js';
import { createProxyAgent, createProxyFetch } from './internal/proxy.js';
import { randomHex } from './internal/random-id.js';
import type { ResolvedConfig } from './internal/resolve-config.js';
import { MISSING_CREDENTIALS_MESSAGE, resolveConfig } from './internal/resolve-config.js';
import { toSandboxInfo } from './internal/sandbox-info.js';
import { toTmuxPollResult } from './internal/tmux-results.js';
import { commandResultOf, failureOf, validationError } from './internal/to-result.js';
import type {
  BashOptions,
  CreateOptions,
  ExecCommandOptions,
  ListOptions,
  FileOptions,
  LogsOptions,
  SessionOptions,
  TerminalOptions,
  TmuxPollOptions,
  TmuxStartOptions,
  TmuxWaitOptions,
} from './method-options.js';
import type { EciCredentials, EciSandboxOptions } from './options.js';
import { eciSandboxOptionsSchema } from './options.js';
import type {
  CommandResult,
  OperationResult,
  LogsResult,
  ReadFileResult,
  SandboxInfo,
  SandboxInfoResult,
  SandboxListResult,
  SandboxResult,
  TerminalResult,
  TmuxListResult,
  TmuxPollResult,
  TmuxStartResult,
  WriteFileResult,
} from './results.js';
import { Sandbox } from './sandbox.js';
import { SandboxSession } from './sandbox-session.js';
import { SandboxTerminal } from './sandbox-terminal.js';
import {
  argvSchema,
  bashOptionsSchema,
  commandSchema,
  createOptionsSchema,
  deleteOptionsSchema,
  execCommandOptionsSchema,
  fileContentSchema,
  fileOptionsSchema,
  listOptionsSchema,
  logsOptionsSchema,
  pathSchema,
  sandboxIdSchema,
  terminalOptionsSchema,
  tmuxPollOptionsSchema,
  tmuxSessionIdSchema,
  tmuxStartOptionsSchema,
  tmuxWaitOptionsSchema,
} from './schemas.js';

// The documented interfaces and the schemas that check them must not drift apart.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const createOptionsMatch: Same<CreateOptions, z.input<typeof createOptionsSchema>> = true;
const listOptionsMatch: Same<ListOptions, z.input<typeof listOptionsSchema>> = true;
void createOptionsMatch;
void listOptionsMatch;

const DEFAULT_CONTAINER_NAME = 'sandbox';
const DEFAULT_CPU = 1;
const DEFAULT_MEMORY_GIB = 2;
const DEFAULT_COMMAND_TIMEOUT_MS = 600_000;
const DEFAULT_WAIT_TIMEOUT_MS = 300_000;
/** An interactive shell: bash when the image has it, else sh. */
const DEFAULT_TERMINAL_ARGV = ['/bin/sh', '-c', 'if command -v bash >/dev/null 2>&1; then exec bash -i; else exec sh -i; fi'];

/** What a resolved client holds; built on the first call, never at construction. */
interface ClientContext {
  api: EciClient;
  config: ResolvedConfig;
  stream: StreamOptions;
  secrets: string[];
}

/** One exec target: the launcher and the request id of its last ExecContainerCommand. */
interface ExecTarget {
  launcher: ExecLauncher;
  lastRequestId: () => string;
}

const emptyCommand = (): Omit<CommandResult, keyof OperationResult> => ({
  output: '',
  stdout: '',
  stderr: '',
  exitCode: null,
  truncated: false,
  durationMs: 0,
});

const emptyPoll = (sessionId: string): Omit<TmuxPollResult, keyof OperationResult> => ({
  sessionId,
  status: 'ERROR',
  exitCode: null,
  output: '',
  outputTruncated: false,
  nextOffset: 0,
});

/**
 * The client: creates, finds and deletes sandboxes, and runs commands, file transfers and tmux
 * jobs in them by id. Construction never throws and makes no request; configuration and
 * credentials are resolved on the first call. No method throws for API, transport or validation
 * failures: each returns a result with `success`, `requestId`, `errorMessage` and `error`.
 *
 * @example
 * const client = new EciSandbox();
 * const { sandbox } = await client.create({ image: 'python:3.12-slim', waitUntilRunning: true });
 * const result = await sandbox!.bash('python3 --version');
 */
export class EciSandbox {
  readonly #options: EciSandboxOptions;
  readonly #optionsError: EciValidationError | undefined;
  #context: Promise<ClientContext> | undefined;
  readonly #containerNames = new Map<string, string>();
  readonly #tmuxKits = new Map<string, TmuxKit>();

  constructor(options: EciSandboxOptions = {}) {
    const parsed = eciSandboxOptionsSchema.safeParse(options);
    this.#options = parsed.success ? (parsed.data as EciSandboxOptions) : {};
    this.#optionsError = parsed.success ? undefined : validationError(parsed.error, 'options');
  }

  // ---- plumbing -------------------------------------------------------------------------

  #log(level: 'debug' | 'info' | 'warn' | 'error', message: string, fields?: Record<string, unknown>): void {
    const logger = this.#options.logger;
    const write = logger?.[level];
    if (write === undefined) return;
    const secrets = [this.#options.accessKeySecret, this.#options.securityToken];
    write.call(logger, redactSecrets(message, secrets), fields);
  }

  #resolveContext(): Promise<ClientContext> {
    this.#context ??= this.#buildContext();
    // A failed resolution (no credentials yet) is retried on the next call.
    this.#context.catch(() => {
      this.#context = undefined;
    });
    return this.#context;
  }

  async #buildContext(): Promise<ClientContext> {
    if (this.#optionsError !== undefined) throw this.#optionsError;
    const config = resolveConfig(this.#options, createDefaultChainProvider);
    if (config.credentialSource === 'none') throw new EciValidationError('credentials', MISSING_CREDENTIALS_MESSAGE);
    const provider = config.provider;
    let credentials: EciCredentials | (() => Promise<EciCredentials>);
    if (config.staticCredentials !== undefined) {
      credentials = config.staticCredentials;
    } else if (provider !== undefined) {
      credentials = async () => {
        try {
          const value = typeof provider === 'function' ? await provider() : await provider.getCredential();
          if (!value.accessKeyId || !value.accessKeySecret) throw new Error('the credentials provider returned no access key');
          return {
            accessKeyId: value.accessKeyId,
            accessKeySecret: value.accessKeySecret,
            ...(value.securityToken ? { securityToken: value.securityToken } : {}),
          };
        } catch (error) {
          const reason = error instanceof Error ? error.message : String(error);
          throw new EciValidationError(
            'credentials',
            config.credentialSource === 'default-chain'
              ? `${MISSING_CREDENTIALS_MESSAGE} (default chain: ${reason})`
              : `credentials provider failed: ${reason}`,
            { cause: error },
          );
        }
      };
      // Fail on the first call with a clear message instead of on the first request.
      await credentials();
    } else {
      throw new EciValidationError('credentials', MISSING_CREDENTIALS_MESSAGE);
    }
    const fetchImplementation = this.#options.fetch ?? (config.proxy ? await createProxyFetch(config.proxy) : undefined);
    const stream: StreamOptions = { protocol: config.execProtocol };
    if (this.#options.WebSocket !== undefined) stream.WebSocket = this.#options.WebSocket;
    if (config.proxy) stream.clientOptions = { agent: await createProxyAgent(config.proxy) };
    const api = new EciClient({
      ...(typeof credentials === 'function' ? { credentials } : credentials),
      regionId: config.regionId,
      endpoint: config.endpoint,
      timeoutMs: config.timeoutMs,
      ...(this.#options.maxRetries === undefined ? {} : { maxRetries: this.#options.maxRetries }),
      ...(this.#options.signatureVersion === undefined ? {} : { signatureVersion: this.#options.signatureVersion }),
      ...(this.#options.rateLimits === undefined ? {} : { rateLimits: this.#options.rateLimits }),
      ...(fetchImplementation === undefined ? {} : { fetch: fetchImplementation }),
      ...(this.#options.logger === undefined ? {} : { logger: this.#options.logger }),
    });
    this.#log('debug', 'eci-sandbox client ready', {
      regionId: config.regionId,
      endpoint: config.endpoint,
      credentialSource: config.credentialSource,
    });
    const secrets = [config.staticCredentials?.accessKeySecret, config.staticCredentials?.securityToken].filter(
      (value): value is string => typeof value === 'string' && value !== '',
    );
    return { api, config, stream, secrets };
  }

  /** Runs `body`, turning anything thrown into the failure result `extra` completes. */
  async #guard<T extends OperationResult>(
    operation: string,
    extra: Omit<T, keyof OperationResult>,
    body: () => Promise<T>,
  ): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const failure = failureOf(error);
      this.#log('warn', `${operation} failed: ${failure.errorMessage}`);
      return { ...extra, ...failure } as T;
    }
  }

  #parse<Schema extends z.ZodType>(schema: Schema, value: unknown, field: string): z.output<Schema> {
    const parsed = schema.safeParse(value);
    if (!parsed.success) throw validationError(parsed.error, field);
    return parsed.data;
  }

  async #call(action: string, params: Record<string, unknown>, signal?: AbortSignal): Promise<Record<string, unknown>> {
    const context = await this.#resolveContext();
    this.#log('debug', `calling ${action}`, { containerGroupId: params.ContainerGroupId });
    const body = await context.api.request(
      action,
      flattenParams({ RegionId: context.config.regionId, ...params }),
      signal ? { signal } : {},
    );
    return body as Record<string, unknown>;
  }

  #commandTimeoutMs(timeoutMs: number | undefined): number {
    return timeoutMs ?? this.#options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS;
  }

  /** The name of the container commands run in: cached, else one DescribeContainerGroups. */
  async #containerName(sandboxId: string, signal?: AbortSignal): Promise<string> {
    const cached = this.#containerNames.get(sandboxId);
    if (cached !== undefined) return cached;
    const info = await this.#describe(sandboxId, signal);
    const name = info.info.containerNames[0];
    if (name === undefined) throw new Error(`sandbox ${sandboxId} has no containers`);
    return name;
  }

  async #describe(sandboxId: string, signal?: AbortSignal): Promise<{ info: SandboxInfo; requestId: string }> {
    const body = await this.#call('DescribeContainerGroups', { ContainerGroupIds: JSON.stringify([sandboxId]) }, signal);
    const groups = Array.isArray(body.ContainerGroups) ? body.ContainerGroups : [];
    const requestId = typeof body.RequestId === 'string' ? body.RequestId : '';
    if (groups.length === 0) {
      const error = new Error(
        `sandbox ${sandboxId} not found (it may have been deleted, or belong to another region or account)`,
      );
      throw Object.assign(error, { requestId });
    }
    const info = toSandboxInfo(groups[0]);
    this.#remember(info);
    return { info, requestId };
  }

  #remember(info: SandboxInfo): void {
    const name = info.containerNames[0];
    if (name !== undefined) this.#containerNames.set(info.sandboxId, name);
  }

  /** @internal Records a container name learned elsewhere (create). */
  rememberContainerName(sandboxId: string, containerName: string): void {
    this.#containerNames.set(sandboxId, containerName);
  }

  async #execTarget(sandboxId: string, signal?: AbortSignal): Promise<ExecTarget & { stream: StreamOptions }> {
    const context = await this.#resolveContext();
    // The caller's signal covers the container-name lookup too (one describe, the first time).
    const containerName = await this.#containerName(sandboxId, signal);
    let requestId = '';
    const launcher: ExecLauncher = async (argv, launch) => {
      const body = await this.#call(
        'ExecContainerCommand',
        {
          ContainerGroupId: sandboxId,
          ContainerName: containerName,
          Command: JSON.stringify(argv),
          Stdin: launch.stdin,
          TTY: launch.tty,
          Sync: false,
        },
        launch.signal,
      );
      requestId = typeof body.RequestId === 'string' ? body.RequestId : '';
      const url = body.WebSocketUri;
      if (typeof url !== 'string' || url === '') throw new Error('ExecContainerCommand returned no WebSocketUri');
      return url;
    };
    return { launcher, lastRequestId: () => requestId, stream: context.stream };
  }

  #limits(): RunOptions['limits'] {
    return this.#options.execLimits;
  }

  // ---- lifecycle ------------------------------------------------------------------------

  /**
   * Creates a sandbox (CreateContainerGroup). A `clientToken` is generated when absent, so the
   * retries inside make at most one sandbox. With `waitUntilRunning`, polls
   * DescribeContainerGroupStatus until Running (and with `describeWhenRunning`, describes the
   * sandbox once and returns that as `info`); if the wait fails, the sandbox is
   * deleted (unless `deleteOnWaitFailure: false`, then its id is in `sandboxId`) and the message
   * says so.
   */
  async create(options: CreateOptions): Promise<SandboxResult> {
    return this.#guard<SandboxResult>('create', {}, async () => {
      const input = this.#parse(createOptionsSchema, options, 'create');
      const containerName = input.containerName ?? DEFAULT_CONTAINER_NAME;
      const cpu = input.cpu ?? DEFAULT_CPU;
      const memory = input.memory ?? DEFAULT_MEMORY_GIB;
      const container: Record<string, unknown> = { Name: containerName, Image: input.image, Cpu: cpu, Memory: memory };
      // An empty Command would replace the image's entrypoint: send only what was given.
      if (input.command?.length) container.Command = input.command;
      if (input.args?.length) container.Arg = input.args;
      if (input.env) container.EnvironmentVar = Object.entries(input.env).map(([Key, Value]) => ({ Key, Value }));
      if (input.ports?.length)
        container.Port = input.ports.map((port) => ({ Port: port.port, Protocol: port.protocol ?? 'TCP' }));
      const params: Record<string, unknown> = {
        ContainerGroupName: input.name ?? `sandbox-${randomHex(5)}`,
        Container: [container],
        Cpu: cpu,
        Memory: memory,
        ClientToken: input.clientToken ?? randomUUID(),
      };
      if (input.vSwitchId) params.VSwitchId = input.vSwitchId;
      if (input.securityGroupId) params.SecurityGroupId = input.securityGroupId;
      if (input.zoneId) params.ZoneId = input.zoneId;
      if (input.instanceType) params.InstanceType = input.instanceType;
      if (input.restartPolicy) params.RestartPolicy = input.restartPolicy;
      if (input.tags) params.Tag = Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value }));
      if (input.autoCreateEip) params.AutoCreateEip = true;
      if (input.eipBandwidth !== undefined) params.EipBandwidth = input.eipBandwidth;
      if (input.eipInstanceId) params.EipInstanceId = input.eipInstanceId;
      if (input.ttlMs !== undefined) params.ActiveDeadlineSeconds = Math.ceil(input.ttlMs / 1000);

      const body = await this.#call('CreateContainerGroup', params);
      const sandboxId = body.ContainerGroupId;
      const requestId = typeof body.RequestId === 'string' ? body.RequestId : '';
      if (typeof sandboxId !== 'string' || sandboxId === '') {
        return { success: false, requestId, errorMessage: 'CreateContainerGroup returned no ContainerGroupId' };
      }
      this.#containerNames.set(sandboxId, containerName);
      const sandbox = new Sandbox(this, sandboxId);
      this.#log('info', `created sandbox ${sandboxId}`);
      if (input.waitUntilRunning !== true) return { success: true, requestId, errorMessage: '', sandbox, sandboxId };

      try {
        await this.#waitRunning(sandboxId, input.waitTimeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        if (input.deleteOnWaitFailure === false) {
          return {
            ...failureOf(error),
            errorMessage: `sandbox ${sandboxId} was created but did not reach Running (${reason}); it was kept: delete it when done`,
            requestId,
            sandbox,
            sandboxId,
          };
        }
        const deleted = await this.delete(sandboxId, { force: true });
        const fate = deleted.success
          ? 'it was deleted'
          : `deleting it failed too (${deleted.errorMessage}): delete ${sandboxId} yourself`;
        return {
          ...failureOf(error),
          errorMessage: `sandbox ${sandboxId} was created but did not reach Running (${reason}); ${fate}`,
          requestId,
          ...(deleted.success ? {} : { sandboxId }),
        };
      }
      if (input.describeWhenRunning !== true) return { success: true, requestId, errorMessage: '', sandbox, sandboxId };
      // One DescribeContainerGroups for the full description (status polls carry only the status).
      // The sandbox is Running either way: a failed describe leaves `info` out, not the call failed.
      try {
        const described = await this.#describe(sandboxId);
        return { success: true, requestId, errorMessage: '', sandbox, sandboxId, info: described.info };
      } catch (error) {
        this.#log('warn', `sandbox ${sandboxId} is Running but describing it failed: ${failureOf(error).errorMessage}`);
        return { success: true, requestId, errorMessage: '', sandbox, sandboxId };
      }
    });
  }

  async #waitRunning(sandboxId: string, timeoutMs: number): Promise<void> {
    const context = await this.#resolveContext();
    const reached = await context.api.waitForStatus(sandboxId, { target: ['Running'], timeoutMs });
    if (!reached.reachedTarget) throw new Error(`it ended in status ${reached.status} instead`);
  }

  /** Describes a sandbox and returns it as a `Sandbox` (one DescribeContainerGroups). */
  async get(sandboxId: string): Promise<SandboxResult> {
    return this.#guard<SandboxResult>('get', {}, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const { info, requestId } = await this.#describe(id);
      return { success: true, requestId, errorMessage: '', sandbox: new Sandbox(this, id), info, sandboxId: id };
    });
  }

  /** Describes a sandbox (one DescribeContainerGroups). */
  async info(sandboxId: string): Promise<SandboxInfoResult> {
    return this.#guard<SandboxInfoResult>('info', {}, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const { info, requestId } = await this.#describe(id);
      return { success: true, requestId, errorMessage: '', data: info };
    });
  }

  /**
   * A `Sandbox` handle for an id, without any API call. Its first command looks up the
   * container name once (one DescribeContainerGroups), then the client remembers it.
   * Never throws: a malformed id is reported by the first method called on the sandbox.
   */
  getSandbox(sandboxId: string): Sandbox {
    return new Sandbox(this, sandboxId);
  }

  /** One page of sandboxes (DescribeContainerGroups, at most 20). */
  async list(filters: ListOptions = {}): Promise<SandboxListResult> {
    return this.#guard<SandboxListResult>('list', { sandboxIds: [], sandboxes: [], nextToken: '', totalCount: 0 }, async () => {
      const input = this.#parse(listOptionsSchema, filters, 'list');
      const params: Record<string, unknown> = { Limit: input.limit ?? 20 };
      if (input.nextToken) params.NextToken = input.nextToken;
      if (input.status) params.Status = input.status;
      if (input.name) params.ContainerGroupName = input.name;
      if (input.securityGroupId) params.SecurityGroupId = input.securityGroupId;
      if (input.vSwitchId) params.VSwitchId = input.vSwitchId;
      if (input.zoneId) params.ZoneId = input.zoneId;
      if (input.tags) params.Tag = Object.entries(input.tags).map(([Key, Value]) => ({ Key, Value }));
      const body = await this.#call('DescribeContainerGroups', params);
      const sandboxes = (Array.isArray(body.ContainerGroups) ? body.ContainerGroups : []).map((group) => toSandboxInfo(group));
      for (const info of sandboxes) this.#remember(info);
      return {
        success: true,
        requestId: typeof body.RequestId === 'string' ? body.RequestId : '',
        errorMessage: '',
        sandboxIds: sandboxes.map((info) => info.sandboxId),
        sandboxes,
        nextToken: typeof body.NextToken === 'string' ? body.NextToken : '',
        totalCount: Number(body.TotalCount ?? sandboxes.length),
      };
    });
  }

  /**
   * Every page of `list(filters)`, in order. A failed page is yielded (with `success: false`)
   * and ends the iteration; nothing is thrown.
   */
  async *listAll(filters: Omit<ListOptions, 'nextToken'> = {}): AsyncGenerator<SandboxListResult, void, undefined> {
    let nextToken: string | undefined;
    do {
      const page = await this.list({ ...filters, ...(nextToken ? { nextToken } : {}) });
      yield page;
      if (!page.success) return;
      nextToken = page.nextToken;
    } while (nextToken);
  }

  /** Deletes a sandbox. `force` skips graceful termination. */
  async delete(sandboxId: string, options: { force?: boolean } = {}): Promise<OperationResult> {
    return this.#guard<OperationResult>('delete', {}, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const input = this.#parse(deleteOptionsSchema, options, 'delete');
      // A ClientToken makes the delete safe to retry inside the API client.
      const body = await this.#call('DeleteContainerGroup', {
        ContainerGroupId: id,
        ClientToken: randomUUID(),
        ...(input.force ? { Force: true } : {}),
      });
      this.#containerNames.delete(id);
      this.#tmuxKits.delete(id);
      return { success: true, requestId: typeof body.RequestId === 'string' ? body.RequestId : '', errorMessage: '' };
    });
  }

  /** Restarts a sandbox (Pending or Running only). */
  async restart(sandboxId: string): Promise<OperationResult> {
    return this.#guard<OperationResult>('restart', {}, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const body = await this.#call('RestartContainerGroup', { ContainerGroupId: id, ClientToken: randomUUID() });
      return { success: true, requestId: typeof body.RequestId === 'string' ? body.RequestId : '', errorMessage: '' };
    });
  }

  /**
   * The container's log (DescribeContainerLog): what its main process wrote to stdout and
   * stderr, not the output of exec commands. One call, plus one DescribeContainerGroups when
   * the container name is not known yet.
   */
  async logs(sandboxId: string, options: LogsOptions = {}): Promise<LogsResult> {
    return this.#guard<LogsResult>('logs', { content: '', containerName: '' }, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const input = this.#parse(logsOptionsSchema, options, 'logs');
      const context = await this.#resolveContext();
      const containerName = await this.#containerName(id, input.signal);
      this.#log('debug', 'calling DescribeContainerLog', { containerGroupId: id });
      const log = await context.api.describeContainerLog(
        {
          containerGroupId: id,
          containerName,
          ...(input.tail === undefined ? {} : { tail: input.tail }),
          ...(input.limitBytes === undefined ? {} : { limitBytes: input.limitBytes }),
          ...(input.sinceSeconds === undefined ? {} : { sinceSeconds: input.sinceSeconds }),
          ...(input.timestamps === undefined ? {} : { timestamps: input.timestamps }),
        },
        input.signal ? { signal: input.signal } : {},
      );
      return {
        success: true,
        requestId: log.requestId,
        errorMessage: '',
        content: log.content,
        containerName: log.containerName ?? containerName,
      };
    });
  }

  // ---- commands -------------------------------------------------------------------------

  /**
   * Runs an argv in the sandbox (no shell parsing). With `sync: true` (default) waits and returns
   * output and exit code; with `sync: false` returns the stream's `websocketUrl` at once.
   */
  async execCommand(sandboxId: string, argv: string[], options: ExecCommandOptions = {}): Promise<CommandResult> {
    return this.#guard<CommandResult>('execCommand', emptyCommand(), async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const words = this.#parse(argvSchema, argv, 'argv');
      const input = this.#parse(execCommandOptionsSchema, options, 'execCommand');
      const target = await this.#execTarget(id, input.signal);
      if (input.sync === false) {
        let command = words;
        if (input.execDir !== undefined || input.env !== undefined) {
          const env = Object.entries(input.env ?? {}).map(([name, value]) => `${name}=${value}`);
          command = ['/bin/sh', '-c', 'cd "$0" && exec env "$@"', input.execDir ?? '.', ...env, ...words];
        }
        const url = await target.launcher(command, {
          stdin: false,
          tty: false,
          ...(input.signal ? { signal: input.signal } : {}),
        });
        this.#log('info', `started command in ${id} without waiting`, { websocketUrl: redactSecrets(url) });
        return { ...emptyCommand(), success: true, requestId: target.lastRequestId(), errorMessage: '', websocketUrl: url };
      }
      return this.#runCommand(target, this.#runOptions(target, input), (runOptions) =>
        runArgv(target.launcher, words, runOptions),
      );
    });
  }

  /**
   * Runs bash code in the sandbox with one ExecContainerCommand: inline in the argv when the
   * encoded script fits ECI's limits, over the WebSocket's stdin when it does not.
   */
  async bash(sandboxId: string, command: string, options: BashOptions = {}): Promise<CommandResult> {
    return this.#bash(sandboxId, command, options, 'auto');
  }

  /** Like `bash`, but always sends the script over stdin (any size, one exec). */
  async bashWs(sandboxId: string, command: string, options: BashOptions = {}): Promise<CommandResult> {
    return this.#bash(sandboxId, command, options, 'stdin');
  }

  async #bash(sandboxId: string, command: string, options: BashOptions, transport: 'auto' | 'stdin'): Promise<CommandResult> {
    return this.#guard<CommandResult>('bash', emptyCommand(), async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const script = this.#parse(commandSchema, command, 'command');
      const input = this.#parse(bashOptionsSchema, options, 'bash');
      const target = await this.#execTarget(id, input.signal);
      return this.#runCommand(target, { ...this.#runOptions(target, input), transport }, (runOptions) =>
        runScript(target.launcher, script, runOptions),
      );
    });
  }

  #runOptions(target: { stream: StreamOptions }, input: BashOptions): RunOptions {
    const limits = this.#limits();
    return {
      ...target.stream,
      timeoutMs: this.#commandTimeoutMs(input.timeoutMs),
      ...(input.execDir === undefined ? {} : { execDir: input.execDir }),
      ...(input.env === undefined ? {} : { env: input.env }),
      ...(input.onStdout === undefined ? {} : { onStdout: input.onStdout }),
      ...(input.onStderr === undefined ? {} : { onStderr: input.onStderr }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(limits === undefined ? {} : { limits }),
    };
  }

  async #runCommand(
    target: ExecTarget,
    options: RunOptions,
    run: (
      options: RunOptions,
    ) => Promise<{ exitCode: number | null; stdout: string; stderr: string; truncated: boolean; durationMs: number }>,
  ): Promise<CommandResult> {
    // Keep what arrives, so a timeout or a dropped stream still returns the output so far.
    const seen = { stdout: '', stderr: '' };
    const startedAt = Date.now();
    try {
      const result = await run({
        ...options,
        onStdout: (chunk) => {
          seen.stdout += chunk;
          options.onStdout?.(chunk);
        },
        onStderr: (chunk) => {
          seen.stderr += chunk;
          options.onStderr?.(chunk);
        },
      });
      return commandResultOf(result, target.lastRequestId());
    } catch (error) {
      const { stdout, stderr } = seen;
      return {
        ...emptyCommand(),
        ...failureOf(error),
        requestId: target.lastRequestId(),
        output: stdout + stderr,
        stdout,
        stderr,
        truncated: true,
        durationMs: Date.now() - startedAt,
      };
    }
  }

  // ---- files ----------------------------------------------------------------------------

  /** Writes a file in the sandbox (string or bytes): atomic, verified by size and sha256. */
  async writeFile(
    sandboxId: string,
    path: string,
    content: string | Uint8Array,
    options: FileOptions = {},
  ): Promise<WriteFileResult> {
    return this.#guard<WriteFileResult>('writeFile', { bytesWritten: 0 }, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const filePath = this.#parse(pathSchema, path, 'path');
      const data = this.#parse(fileContentSchema, content, 'content');
      const input = this.#parse(fileOptionsSchema, options, 'writeFile');
      const target = await this.#execTarget(id, input.signal);
      const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
      const written = await writeFileOverExec(target.launcher, filePath, bytes, {
        ...target.stream,
        ...(this.#limits() === undefined ? {} : { limits: this.#limits() }),
        timeoutMs: this.#commandTimeoutMs(input.timeoutMs),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      return { success: true, requestId: target.lastRequestId(), errorMessage: '', bytesWritten: written.bytes };
    });
  }

  /** Alias of `writeFile` (the seed's name). */
  writeFileWs(
    sandboxId: string,
    path: string,
    content: string | Uint8Array,
    options: FileOptions = {},
  ): Promise<WriteFileResult> {
    return this.writeFile(sandboxId, path, content, options);
  }

  /** Reads a file from the sandbox, verified by size and sha256. */
  async readFile(sandboxId: string, path: string, options: FileOptions = {}): Promise<ReadFileResult> {
    return this.#guard<ReadFileResult>('readFile', {}, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const filePath = this.#parse(pathSchema, path, 'path');
      const input = this.#parse(fileOptionsSchema, options, 'readFile');
      const target = await this.#execTarget(id, input.signal);
      const content = await readFileOverExec(target.launcher, filePath, {
        ...target.stream,
        ...(this.#limits() === undefined ? {} : { limits: this.#limits() }),
        timeoutMs: this.#commandTimeoutMs(input.timeoutMs),
        ...(input.signal ? { signal: input.signal } : {}),
      });
      const result: ReadFileResult = { success: true, requestId: target.lastRequestId(), errorMessage: '', content };
      // Decoded on first use only: turning a large binary file into a string costs more than
      // reading it (64 MiB: about ten times the transfer), and most callers want one or the other.
      let text: string | undefined;
      Object.defineProperty(result, 'text', {
        enumerable: true,
        get: () => (text ??= Buffer.from(content.buffer, content.byteOffset, content.byteLength).toString('utf8')),
      });
      return result;
    });
  }

  /**
   * Streams a file from the sandbox in pieces, in bounded memory whatever its size (one exec).
   * The size and sha256 are checked at the end. Unlike the other methods this one throws, from
   * the iteration: the pieces before a failure were already handed out, so there is no result
   * to return instead. Errors: `EciValidationError` (bad input, nothing sent), an `EciError` from
   * the API, or an `ExecStreamError` (`FileVerificationError` when the bytes differ).
   */
  async *readFileStream(sandboxId: string, path: string, options: FileOptions = {}): AsyncGenerator<Uint8Array, void, undefined> {
    const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
    const filePath = this.#parse(pathSchema, path, 'path');
    const input = this.#parse(fileOptionsSchema, options, 'readFileStream');
    const target = await this.#execTarget(id, input.signal);
    yield* readFileStreamOverExec(target.launcher, filePath, {
      ...target.stream,
      ...(this.#limits() === undefined ? {} : { limits: this.#limits() }),
      timeoutMs: this.#commandTimeoutMs(input.timeoutMs),
      ...(input.signal ? { signal: input.signal } : {}),
    });
  }

  // ---- tmux -----------------------------------------------------------------------------

  async #tmux(sandboxId: string): Promise<{ kit: TmuxKit; target: ExecTarget }> {
    const target = await this.#execTarget(sandboxId);
    let kit = this.#tmuxKits.get(sandboxId);
    if (kit === undefined) {
      const runner: ShellRunner = async (script, runOptions = {}) => {
        const result = await runScript(target.launcher, script, {
          ...target.stream,
          ...(this.#limits() === undefined ? {} : { limits: this.#limits() }),
          timeoutMs: runOptions.timeoutMs ?? this.#commandTimeoutMs(undefined),
          ...(runOptions.signal ? { signal: runOptions.signal } : {}),
          ...(runOptions.onStdout ? { onStdout: runOptions.onStdout } : {}),
        });
        return { exitCode: result.exitCode, stdout: result.stdout, stderr: result.stderr };
      };
      kit = new TmuxKit(runner);
      this.#tmuxKits.set(sandboxId, kit);
    }
    return { kit, target };
  }

  /** Starts `command` in a new tmux session in the background (one exec). */
  async tmuxStart(sandboxId: string, command: string, options: TmuxStartOptions = {}): Promise<TmuxStartResult> {
    return this.#guard<TmuxStartResult>('tmuxStart', { sessionId: '' }, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const script = this.#parse(commandSchema, command, 'command');
      const input = this.#parse(tmuxStartOptionsSchema, options, 'tmuxStart');
      const { kit, target } = await this.#tmux(id);
      const started = await kit.start(script, {
        ...(input.execDir === undefined ? {} : { cwd: input.execDir }),
        ...(input.env === undefined ? {} : { env: input.env }),
        ...(input.sessionId === undefined ? {} : { sessionId: input.sessionId }),
        ...(input.historyLimit === undefined ? {} : { historyLimit: input.historyLimit }),
      });
      return { success: true, requestId: target.lastRequestId(), errorMessage: '', sessionId: started };
    });
  }

  /** Status and output of a tmux job (one exec). */
  async tmuxPoll(sandboxId: string, sessionId: string, options: TmuxPollOptions = {}): Promise<TmuxPollResult> {
    return this.#guard<TmuxPollResult>('tmuxPoll', emptyPoll(String(sessionId)), async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const session = this.#parse(tmuxSessionIdSchema, sessionId, 'sessionId');
      const input = this.#parse(tmuxPollOptionsSchema, options, 'tmuxPoll');
      const { kit, target } = await this.#tmux(id);
      // tailLines without an offset reads the end of the log (the last maxBytes), not its start.
      const tail = input.tailLines !== undefined && input.offset === undefined;
      const polled = await kit.poll(session, {
        ...(input.offset === undefined ? {} : { offset: input.offset }),
        ...(input.maxBytes === undefined ? {} : { maxBytes: input.maxBytes }),
        ...(tail ? { tail: true } : {}),
      });
      return toTmuxPollResult(session, polled, target.lastRequestId(), input.tailLines);
    });
  }

  /** Waits for a tmux job to finish, streaming its output over one exec. */
  async tmuxWait(sandboxId: string, sessionId: string, options: TmuxWaitOptions = {}): Promise<TmuxPollResult> {
    return this.#guard<TmuxPollResult>('tmuxWait', emptyPoll(String(sessionId)), async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const session = this.#parse(tmuxSessionIdSchema, sessionId, 'sessionId');
      const input = this.#parse(tmuxWaitOptionsSchema, options, 'tmuxWait');
      const { kit, target } = await this.#tmux(id);
      const waited = await kit.wait(session, {
        timeoutMs: input.timeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
        ...(input.cleanup === undefined ? {} : { cleanup: input.cleanup }),
        ...(input.onOutput === undefined ? {} : { onOutput: input.onOutput }),
        ...(input.signal === undefined ? {} : { signal: input.signal }),
      });
      return toTmuxPollResult(session, waited, target.lastRequestId());
    });
  }

  /** Kills a tmux job and removes its session. */
  async tmuxKill(sandboxId: string, sessionId: string): Promise<TmuxPollResult> {
    return this.#guard<TmuxPollResult>('tmuxKill', emptyPoll(String(sessionId)), async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const session = this.#parse(tmuxSessionIdSchema, sessionId, 'sessionId');
      const { kit, target } = await this.#tmux(id);
      const killed = await kit.kill(session);
      return toTmuxPollResult(session, { ...killed, output: '', nextOffset: 0, truncated: false }, target.lastRequestId());
    });
  }

  /** Lists the tmux jobs in a sandbox. */
  async tmuxList(sandboxId: string): Promise<TmuxListResult> {
    return this.#guard<TmuxListResult>('tmuxList', { sessions: [] }, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const { kit, target } = await this.#tmux(id);
      const sessions = await kit.list();
      return {
        success: true,
        requestId: target.lastRequestId(),
        errorMessage: '',
        sessions: sessions.map((session) => ({
          sessionId: session.sessionId,
          created: session.created === null ? '' : session.created.toISOString(),
          attached: session.attached,
          status: session.status,
          exitCode: session.exitCode,
        })),
      };
    });
  }

  // ---- terminals ------------------------------------------------------------------------

  /**
   * Starts a program (default: an interactive shell) under a pseudo-terminal of `cols` × `rows`:
   * one ExecContainerCommand with `TTY=true` and stdin, through the client's credentials
   * (default chain included) and proxy. Resolves once the stream is open, so the returned
   * terminal is ready for `write`, `resize`, `onData`/iteration and `wait()`.
   */
  async openTerminal(sandboxId: string, options: TerminalOptions): Promise<TerminalResult> {
    return this.#guard<TerminalResult>('openTerminal', {}, async () => {
      const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
      const input = this.#parse(terminalOptionsSchema, options, 'openTerminal');
      const context = await this.#resolveContext();
      const containerName = await this.#containerName(id, input.signal);
      this.#log('debug', 'calling ExecContainerCommand (terminal)', { containerGroupId: id });
      const started = await context.api.execContainerCommand(
        { containerGroupId: id, containerName, command: input.argv ?? DEFAULT_TERMINAL_ARGV, tty: true, stdin: true },
        input.signal ? { signal: input.signal } : {},
      );
      const requestId = started.requestId;
      if (started.webSocketUri === undefined) {
        return { success: false, requestId, errorMessage: 'ExecContainerCommand returned no WebSocketUri' };
      }
      const terminal = new SandboxTerminal({
        url: started.webSocketUri,
        requestId,
        stream: context.stream,
        ...(input.signal ? { signal: input.signal } : {}),
        ...(input.onData ? { onData: input.onData } : {}),
      });
      try {
        await terminal.ready();
      } catch (error) {
        return { ...failureOf(error), requestId };
      }
      const sized = await terminal.resize(input.cols, input.rows);
      if (!sized.success) {
        terminal.kill();
        return sized;
      }
      this.#log('info', `opened a terminal in ${id}`);
      return { success: true, requestId, errorMessage: '', terminal };
    });
  }

  // ---- sessions -------------------------------------------------------------------------

  /**
   * A persistent shell in the sandbox: commands share one ExecContainerCommand (plus one per
   * reconnect), and `cd`/exports persist. Connects on the first `run`.
   */
  openSession(sandboxId: string, options: SessionOptions = {}): SandboxSession {
    return new SandboxSession(
      async () => {
        const id = this.#parse(sandboxIdSchema, sandboxId, 'sandboxId');
        const target = await this.#execTarget(id);
        return { ...target, limits: this.#limits() };
      },
      options,
      (timeoutMs) => this.#commandTimeoutMs(timeoutMs),
    );
  }
}
