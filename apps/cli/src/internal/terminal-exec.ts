import { EciClient, loadConfig } from '@eci-sandbox/core-api';
import { openExec, type ExecProtocol } from '@eci-sandbox/exec-stream';
import type { EciSandbox } from '@eci-sandbox/sdk';
import { CliError } from './cli-error.js';
import { unwrap } from './client.js';

/** A remote program under a terminal. */
export interface RemoteTerminal {
  write(bytes: Uint8Array): Promise<void>;
  resize(cols: number, rows: number): Promise<void>;
  kill(): void;
  wait(): Promise<{ exitCode: number | null }>;
}

/**
 * Starts `argv` in the sandbox under a pseudo-terminal of `size`, streaming its output bytes.
 *
 * The SDK has no public TTY exec yet, so this makes the one ExecContainerCommand itself
 * (`TTY=true`, `Stdin=true`) with core-api's client, configured from the same environment and
 * `.env` as the SDK (access keys, STS token, region, endpoint; the default credential chain of
 * `~/.alibabacloud` is not consulted here). The container name comes from the SDK.
 */
export async function openTerminal(
  client: EciSandbox,
  sandboxId: string,
  argv: string[],
  size: { cols: number; rows: number },
  handlers: { onOutput: (bytes: Uint8Array) => void },
): Promise<RemoteTerminal> {
  const info = unwrap(await client.info(sandboxId));
  const containerName = info.data?.containerNames[0];
  if (!containerName) throw new CliError(`sandbox ${sandboxId} has no container to open a terminal in`, { requestId: info.requestId });
  const config = loadConfig({ env: process.env, cwd: process.cwd() });
  if (!config.accessKeyId || !config.accessKeySecret) {
    throw new CliError('shell needs ECI_SANDBOX_ACCESS_KEY_ID and ECI_SANDBOX_ACCESS_KEY_SECRET (or ALIBABA_CLOUD_*) in the environment or a .env file');
  }
  const api = new EciClient({
    accessKeyId: config.accessKeyId,
    accessKeySecret: config.accessKeySecret,
    ...(config.securityToken ? { securityToken: config.securityToken } : {}),
    regionId: config.regionId,
    ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    timeoutMs: config.timeoutMs,
  });
  const started = await api.execContainerCommand({ containerGroupId: sandboxId, containerName, command: argv, tty: true, stdin: true });
  if (!started.webSocketUri) throw new CliError('ExecContainerCommand returned no stream URL', { requestId: started.requestId });
  const protocol = (process.env.ECI_SANDBOX_EXEC_PROTOCOL === 'v4' ? 'v4' : 'none') satisfies ExecProtocol;
  const stream = openExec(started.webSocketUri, { protocol, onStdoutBytes: handlers.onOutput, onStderrBytes: handlers.onOutput });
  await stream.ready();
  await stream.resize(size.cols, size.rows);
  return {
    write: (bytes) => stream.write(bytes),
    resize: (cols, rows) => stream.resize(cols, rows),
    kill: () => stream.kill(),
    wait: async () => {
      const result = await stream.wait();
      return { exitCode: result.exitCode };
    },
  };
}
