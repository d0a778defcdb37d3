import { EciSandbox } from '@eci-sandbox/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WORK_DIR, parseJson, removeWorkDir, runCli, startTestEmulator, waitFor, type TestEmulator } from './helpers.js';

describe('eci-sandbox logs', () => {
  let emulator: TestEmulator;
  let sandboxId = '';

  beforeAll(async () => {
    emulator = await startTestEmulator();
    // The CLI's create has no entrypoint option: make a sandbox whose main process prints, with the SDK.
    const client = new EciSandbox({
      endpoint: emulator.env.ECI_SANDBOX_ENDPOINT!,
      accessKeyId: emulator.env.ECI_SANDBOX_ACCESS_KEY_ID!,
      accessKeySecret: emulator.env.ECI_SANDBOX_ACCESS_KEY_SECRET!,
      regionId: emulator.env.ECI_SANDBOX_REGION_ID!,
      env: {},
      cwd: WORK_DIR,
      useDefaultCredentialChain: false,
    });
    const created = await client.create({
      image: 'debian:12-slim',
      name: 'cli-logs',
      command: ['/bin/sh', '-c', 'for i in 1 2 3 4 5; do echo "line$i"; done; exec sleep 600'],
      waitUntilRunning: true,
    });
    expect(created.errorMessage).toBe('');
    sandboxId = created.sandbox!.id;
    await waitFor('the main process to write its log', async () => (await client.logs(sandboxId)).content.includes('line5'));
  });

  afterAll(async () => {
    if (sandboxId) await runCli(['delete', '--force', sandboxId], { env: emulator.env });
    await emulator?.close();
    removeWorkDir();
  });

  it('prints the log as written, and --tail keeps the last lines', async () => {
    const all = await runCli(['logs', sandboxId], { env: emulator.env });
    expect(all.exitCode).toBe(0);
    expect(all.stdout).toBe('line1\nline2\nline3\nline4\nline5\n');
    const tail = await runCli(['logs', sandboxId, '--tail', '2'], { env: emulator.env });
    expect(tail.stdout).toBe('line4\nline5\n');
  });

  it('--json gives { sandboxId, containerName, content, requestId }; one describe and one log call', async () => {
    const before = {
      describe: emulator.calls.count('DescribeContainerGroups'),
      log: emulator.calls.count('DescribeContainerLog'),
    };
    const run = await runCli(['logs', sandboxId, '--tail', '1', '--json'], { env: emulator.env });
    expect(run.exitCode).toBe(0);
    const body = parseJson<{ sandboxId: string; containerName: string; content: string; requestId: string }>(run);
    expect(body).toMatchObject({ sandboxId, containerName: 'sandbox', content: 'line5\n' });
    expect(body.requestId).not.toBe('');
    expect(emulator.calls.count('DescribeContainerGroups') - before.describe).toBe(1);
    expect(emulator.calls.count('DescribeContainerLog') - before.log).toBe(1);
  });

  it('bad values are usage errors (exit 2); an unknown sandbox is exit 1 with a JSON error', async () => {
    const before = emulator.calls.count();
    const tooMany = await runCli(['logs', sandboxId, '--tail', '5000'], { env: emulator.env });
    expect(tooMany.exitCode).toBe(2);
    expect(tooMany.stderr).toContain('--tail');
    const notANumber = await runCli(['logs', sandboxId, '--tail', 'ten'], { env: emulator.env });
    expect(notANumber.exitCode).toBe(2);
    expect(emulator.calls.count()).toBe(before);
    const missing = await runCli(['logs', 'eci-doesnotexist000000', '--json'], { env: emulator.env });
    expect(missing.exitCode).toBe(1);
    expect(parseJson<{ error: { message: string } }>(missing).error.message).toContain('eci-doesnotexist000000');
  });
});
