import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI_PATH, WORK_DIR, assertBuilt, cleanEnv, parseJson, removeWorkDir, runCli } from './helpers.js';

describe('eci-sandbox emulator', () => {
  afterAll(() => removeWorkDir());

  it('prints the endpoint and local keys; with them set, other commands work; Ctrl-C stops it cleanly', async () => {
    assertBuilt();
    const child = spawn(process.execPath, [CLI_PATH, 'emulator', '--runtime', 'process', '--json'], {
      env: cleanEnv(),
      cwd: WORK_DIR,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      const firstLine = await new Promise<string>((resolve, reject) => {
        createInterface({ input: child.stdout }).once('line', resolve);
        child.once('exit', () => reject(new Error('the emulator exited before printing its endpoint')));
      });
      const started = JSON.parse(firstLine) as {
        endpoint: string;
        regionId: string;
        accessKeyId: string;
        accessKeySecret: string;
        runtime: string;
      };
      expect(started.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(started.runtime).toBe('process');
      const env = cleanEnv({
        ECI_SANDBOX_ENDPOINT: started.endpoint,
        ECI_SANDBOX_ACCESS_KEY_ID: started.accessKeyId,
        ECI_SANDBOX_ACCESS_KEY_SECRET: started.accessKeySecret,
        ECI_SANDBOX_REGION_ID: started.regionId,
      });
      const created = parseJson<{ sandboxId: string }>(await runCli(['create', '--wait', '--json'], { env }));
      const bash = await runCli(['bash', created.sandboxId, 'echo via-emulator-command'], { env });
      expect(bash.stdout).toBe('via-emulator-command\n');
      const listed = parseJson<{ totalCount: number }>(await runCli(['list', '--json'], { env }));
      expect(listed.totalCount).toBe(1);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('prints the export line for people', async () => {
    const child = spawn(
      process.execPath,
      [CLI_PATH, 'emulator', '--runtime', 'process', '--access-key-id', 'LTAIlocaltest', '--access-key-secret', 'local-secret-1'],
      {
        env: cleanEnv(),
        cwd: WORK_DIR,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    let output = '';
    try {
      await new Promise<void>((resolve, reject) => {
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Ctrl-C')) resolve();
        });
        child.once('exit', () => reject(new Error(`exited early: ${output}`)));
      });
      expect(output).toMatch(
        /export ECI_SANDBOX_ENDPOINT=http:\/\/127\.0\.0\.1:\d+ ECI_SANDBOX_ACCESS_KEY_ID=LTAIlocaltest ECI_SANDBOX_ACCESS_KEY_SECRET=local-secret-1/,
      );
    } finally {
      child.kill('SIGTERM');
    }
    expect(await exited).toBe(0);
  });

  it('rejects a bad --runtime as a usage error', async () => {
    const run = await runCli(['emulator', '--runtime', 'docker'], { env: cleanEnv() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain('--runtime must be auto, runc or process');
  });
});
