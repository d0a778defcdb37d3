import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '@eci-sandbox/emulator';

/** The built CLI; the tests drive it as users do, as a subprocess. */
export const CLI_PATH = resolve(dirname(fileURLToPath(import.meta.url)), '../dist/cli.js');

export function assertBuilt(): void {
  if (!existsSync(CLI_PATH)) {
    throw new Error(`${CLI_PATH} is missing: run \`pnpm build\` (or \`pnpm --filter eci-sandbox build\`) before these tests`);
  }
}

export interface TestEmulator {
  endpoint: string;
  env: Record<string, string>;
  calls: { count(action?: string): number };
  close(): Promise<void>;
}

/** A private working directory, so no `.env` of the repository is picked up by the CLI. */
export const WORK_DIR = mkdtempSync(join(tmpdir(), 'eci-cli-test-'));

/** The environment of a CLI run: this process's, minus any cloud configuration, plus `extra`. */
export function cleanEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value === undefined || key.startsWith('ECI_SANDBOX_') || key.startsWith('ALIBABA_CLOUD_')) continue;
    env[key] = value;
  }
  // The default credential chain reaches no network from a test (see vitest.config.ts).
  const offline = {
    ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
    ALIBABA_CLOUD_CREDENTIALS_URI: 'http://127.0.0.1:9/credentials',
  };
  return { ...env, NO_COLOR: '1', ...offline, ...extra };
}

export async function startTestEmulator(): Promise<TestEmulator> {
  assertBuilt();
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, runtime: 'process' });
  return {
    endpoint: emulator.endpoint,
    env: cleanEnv({
      ECI_SANDBOX_ENDPOINT: emulator.endpoint,
      ECI_SANDBOX_ACCESS_KEY_ID: emulator.credentials.accessKeyId,
      ECI_SANDBOX_ACCESS_KEY_SECRET: emulator.credentials.accessKeySecret,
      ECI_SANDBOX_REGION_ID: emulator.regionId,
    }),
    calls: emulator.calls,
    close: () => emulator.close(),
  };
}

export interface CliRun {
  exitCode: number | null;
  stdout: string;
  stdoutBytes: Buffer;
  stderr: string;
}

/** Runs the built CLI to its end. */
export function runCli(
  args: readonly string[],
  options: { env: Record<string, string>; input?: Buffer | string; timeoutMs?: number },
): Promise<CliRun> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, [CLI_PATH, ...args], {
      env: options.env,
      cwd: WORK_DIR,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(
          `eci-sandbox ${args.join(' ')} did not end within ${options.timeoutMs ?? 60_000} ms; stderr: ${Buffer.concat(stderr).toString()}`,
        ),
      );
    }, options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (exitCode) => {
      clearTimeout(timer);
      const stdoutBytes = Buffer.concat(stdout);
      resolvePromise({
        exitCode,
        stdout: stdoutBytes.toString('utf8'),
        stdoutBytes,
        stderr: Buffer.concat(stderr).toString('utf8'),
      });
    });
    if (options.input !== undefined) child.stdin.end(options.input);
    else child.stdin.end();
  });
}

/** Parses the JSON a `--json` run printed, with the run in the message when it is not JSON. */
export function parseJson<T = Record<string, unknown>>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${run.exitCode}): stdout=${JSON.stringify(run.stdout)} stderr=${JSON.stringify(run.stderr)}`);
  }
}

export function hasTmux(): boolean {
  return spawnSync('tmux', ['-V']).status === 0;
}

/** Whether tmux suites should run; fails instead of skipping when ECI_SANDBOX_REQUIRE_TMUX=1. */
export function tmuxAvailable(): boolean {
  const available = hasTmux();
  if (!available && process.env.ECI_SANDBOX_REQUIRE_TMUX === '1') {
    throw new Error('tmux is required (ECI_SANDBOX_REQUIRE_TMUX=1) but not installed');
  }
  return available;
}

/** Polls `condition` until it holds or `timeoutMs` passes (then throws with `what`). */
export async function waitFor<T>(
  what: string,
  condition: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 20_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await condition();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolveDelay) => setTimeout(resolveDelay, 50));
  }
}

export function removeWorkDir(): void {
  rmSync(WORK_DIR, { recursive: true, force: true });
}
