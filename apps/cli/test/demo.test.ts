import { afterAll, describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, removeWorkDir, runCli } from './helpers.js';

describe('eci-sandbox demo', () => {
  afterAll(() => removeWorkDir());

  it('runs the tour against its own in-process emulator, prints a summary and exits 0', async () => {
    assertBuilt();
    const run = await runCli(['demo', '--runtime', 'process'], { env: cleanEnv(), timeoutMs: 90_000 });
    expect(run.exitCode, run.stderr).toBe(0);
    expect(run.stdout).toContain('Create a sandbox');
    expect(run.stdout).toMatch(/exit code 3/);
    expect(run.stdout).toContain('something went wrong');
    expect(run.stdout).toContain('identical');
    expect(run.stdout).toMatch(/CreateContainerGroup ×1/);
    expect(run.stdout).toContain('Summary');
    expect(run.stdout).toMatch(/\d+ API calls in [\d.]+ s; everything was deleted/);
  });
});
