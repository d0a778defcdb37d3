import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import type { Writable } from 'node:stream';
import { z } from 'zod';
import { TmuxAbortError, TmuxTimeoutError, TmuxTransportError, TmuxValidationError } from './errors.js';
import type { ShellRunner, ShellRunResult } from './shell-runner.js';

/** Options of {@link createLocalRunner}. */
export interface LocalRunnerOptions {
  /** The bash to run scripts with. Default: `bash` (on PATH). */
  shell?: string;
  /** Working directory of every script. Default: this process's working directory. */
  cwd?: string;
  /** Environment of every script: these variables on top of `process.env` (undefined removes one). Default: `process.env`. */
  env?: Record<string, string | undefined>;
  /** After timeoutMs or an abort, how long to wait after SIGTERM before SIGKILL, in ms. Default: 2000. */
  killGraceMs?: number;
}

const optionsSchema = z.object({
  shell: z.string().min(1).optional(),
  cwd: z.string().min(1).optional(),
  env: z.record(z.string(), z.string().optional()).optional(),
  killGraceMs: z.number().int().min(0).optional(),
});

/**
 * A {@link ShellRunner} over `child_process`: each call runs the script with bash in a new process
 * group, streams stdout to `onStdout`, and on timeoutMs or abort kills the whole group (SIGTERM,
 * then SIGKILL) and throws {@link TmuxTimeoutError} or {@link TmuxAbortError}.
 *
 * The script reaches bash through file descriptor 3, not argv (no length limit) and not stdin
 * (commands in the script would read the script): stdin is /dev/null. bash reads it whole, then
 * runs it.
 */
export function createLocalRunner(options: LocalRunnerOptions = {}): ShellRunner {
  const parsed = optionsSchema.safeParse(options);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new TmuxValidationError(`options.${issue.path.join('.')}`, issue.message);
  }
  const shell = parsed.data.shell ?? 'bash';
  const killGraceMs = parsed.data.killGraceMs ?? 2000;
  const baseEnv = (): NodeJS.ProcessEnv => {
    const env: NodeJS.ProcessEnv = { ...process.env };
    for (const [name, value] of Object.entries(parsed.data.env ?? {})) {
      if (value === undefined) delete env[name];
      else env[name] = value;
    }
    return env;
  };

  return (script, callOptions = {}) =>
    new Promise<ShellRunResult>((resolve, reject) => {
      const { timeoutMs, signal, onStdout } = callOptions;
      if (signal?.aborted) {
        reject(new TmuxAbortError('shell call was aborted before it started'));
        return;
      }
      // fd 3 is a socket pair (node's 'pipe'), which /dev/fd/3 cannot open: read it whole, then eval.
      const child = spawn(shell, ['-c', 'eci_script=$(cat <&3) || exit 126; exec 3<&-; eval "$eci_script"'], {
        cwd: parsed.data.cwd,
        env: baseEnv(),
        stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
        // Its own process group, so a timeout or abort can stop everything the script started.
        detached: true,
      });
      const stdoutDecoder = new StringDecoder('utf8');
      const stderrDecoder = new StringDecoder('utf8');
      let stdout = '';
      let stderr = '';
      let stopReason: 'timeout' | 'abort' | undefined;
      let killTimer: NodeJS.Timeout | undefined;
      let timeoutTimer: NodeJS.Timeout | undefined;

      const signalGroup = (name: NodeJS.Signals): void => {
        if (child.pid === undefined) return;
        try {
          process.kill(-child.pid, name);
        } catch {
          // The group is already gone.
        }
      };
      const stop = (reason: 'timeout' | 'abort'): void => {
        if (stopReason) return;
        stopReason = reason;
        signalGroup('SIGTERM');
        killTimer = setTimeout(() => signalGroup('SIGKILL'), killGraceMs);
        killTimer.unref();
      };
      const onAbort = (): void => stop('abort');
      signal?.addEventListener('abort', onAbort, { once: true });
      if (timeoutMs !== undefined && timeoutMs > 0) {
        timeoutTimer = setTimeout(() => stop('timeout'), timeoutMs);
      }

      child.stdout!.on('data', (data: Buffer) => {
        const text = stdoutDecoder.write(data);
        if (!text) return;
        stdout += text;
        onStdout?.(text);
      });
      child.stderr!.on('data', (data: Buffer) => {
        stderr += stderrDecoder.write(data);
      });
      const scriptInput = child.stdio[3] as Writable;
      // bash may exit before reading all of the script (an early `exit`): that is not a failure.
      scriptInput.on('error', () => undefined);
      scriptInput.end(script);

      let spawnError: Error | undefined;
      child.on('error', (error) => {
        spawnError = error;
      });
      child.on('close', (code) => {
        signal?.removeEventListener('abort', onAbort);
        if (timeoutTimer) clearTimeout(timeoutTimer);
        if (killTimer) clearTimeout(killTimer);
        const tail = stdoutDecoder.end();
        if (tail) {
          stdout += tail;
          onStdout?.(tail);
        }
        stderr += stderrDecoder.end();
        if (spawnError) {
          reject(
            new TmuxTransportError(`could not run ${shell}: ${spawnError.message}`, { cause: spawnError, retryable: false }),
          );
        } else if (stopReason === 'timeout') {
          reject(new TmuxTimeoutError(timeoutMs ?? 0, stdout));
        } else if (stopReason === 'abort') {
          reject(new TmuxAbortError('shell call was aborted'));
        } else {
          resolve({ exitCode: code, stdout, stderr });
        }
      });
    });
}
