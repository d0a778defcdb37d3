import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseJson, removeWorkDir, runCli, startTestEmulator, waitFor, type TestEmulator } from './helpers.js';

interface SandboxJson {
  sandboxId: string;
  name: string;
  status: string;
  tags: Record<string, string>;
}

describe('lifecycle commands against the emulator', () => {
  let emulator: TestEmulator;
  const created: string[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
  });

  afterAll(async () => {
    if (created.length > 0) await runCli(['delete', '--force', ...created], { env: emulator.env });
    await emulator?.close();
    removeWorkDir();
  });

  it('create --wait --json prints the sandbox, Running', async () => {
    const before = {
      describe: emulator.calls.count('DescribeContainerGroups'),
      create: emulator.calls.count('CreateContainerGroup'),
    };
    const run = await runCli(
      ['create', '--name', 'cli-life-a', '--tag', 'suite=lifecycle', '--tag', 'owner=ci', '--env', 'A=1', '--wait', '--json'],
      {
        env: emulator.env,
      },
    );
    expect(run.exitCode, run.stderr).toBe(0);
    const body = parseJson<{ sandboxId: string; status: string; sandbox: SandboxJson; requestId: string }>(run);
    created.push(body.sandboxId);
    expect(body.sandboxId).toMatch(/^eci-/);
    expect(body.status).toBe('Running');
    expect(body.sandbox).toMatchObject({
      sandboxId: body.sandboxId,
      name: 'cli-life-a',
      tags: { suite: 'lifecycle', owner: 'ci' },
    });
    expect(body.sandbox).not.toHaveProperty('raw');
    expect(body.requestId).not.toBe('');
    // The SDK describes the Running sandbox once and the CLI prints that: no second describe.
    expect(emulator.calls.count('CreateContainerGroup') - before.create).toBe(1);
    expect(emulator.calls.count('DescribeContainerGroups') - before.describe).toBe(1);
  });

  it('create without --json prints the id alone on stdout', async () => {
    const run = await runCli(['create', '--name', 'cli-life-b', '--tag', 'suite=lifecycle', '--ttl', '1h'], {
      env: emulator.env,
    });
    expect(run.exitCode, run.stderr).toBe(0);
    const id = run.stdout.trim();
    created.push(id);
    expect(id).toMatch(/^eci-[A-Za-z0-9-]+$/);
  });

  it('list walks every page, filters by tag, and has a table and a JSON shape', async () => {
    const json = parseJson<{ sandboxes: SandboxJson[]; totalCount: number }>(
      await runCli(['list', '--tag', 'suite=lifecycle', '--json'], { env: emulator.env }),
    );
    expect(json.sandboxes.map((sandbox) => sandbox.sandboxId).sort()).toEqual([...created].sort());
    expect(json.totalCount).toBe(created.length);

    const table = await runCli(['list', '--tag', 'owner=ci'], { env: emulator.env });
    expect(table.exitCode).toBe(0);
    const lines = table.stdout.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^ID\s+NAME\s+STATUS/);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toContain('cli-life-a');
  });

  it('info shows one sandbox; restart works', async () => {
    const id = created[0]!;
    const info = await runCli(['info', id], { env: emulator.env });
    expect(info.exitCode, info.stderr).toBe(0);
    expect(info.stdout).toMatch(/status\s+Running/);
    const json = parseJson<{ sandbox: SandboxJson }>(await runCli(['info', id, '--json'], { env: emulator.env }));
    expect(json.sandbox.sandboxId).toBe(id);

    const restart = parseJson<{ sandboxId: string; restarted: boolean }>(
      await runCli(['restart', id, '--json'], { env: emulator.env }),
    );
    expect(restart).toMatchObject({ sandboxId: id, restarted: true });
  });

  it('an API error exits 1 with one readable line and the request id', async () => {
    const run = await runCli(['info', 'eci-doesnotexist0000'], { env: emulator.env });
    expect(run.exitCode).toBe(1);
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/^error: /);
    expect(lines[0]).toMatch(/request id/);

    const json = await runCli(['info', 'eci-doesnotexist0000', '--json'], { env: emulator.env });
    expect(json.exitCode).toBe(1);
    const body = parseJson<{ error: { message: string; requestId?: string }; exitCode: number }>(json);
    expect(body.exitCode).toBe(1);
    expect(body.error.message).not.toBe('');
  });

  it('usage errors exit 2, name the option, and send nothing', async () => {
    const before = emulator.calls.count();
    const badCpu = await runCli(['create', '--cpu', 'lots'], { env: emulator.env });
    expect(badCpu.exitCode).toBe(2);
    expect(badCpu.stderr).toContain('--cpu must be a positive number, got "lots"');
    const unknown = await runCli(['list', '--frobnicate'], { env: emulator.env });
    expect(unknown.exitCode).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option/);
    const missing = await runCli(['info'], { env: emulator.env });
    expect(missing.exitCode).toBe(2);
    const asJson = await runCli(['create', '--memory', '0', '--json'], { env: emulator.env });
    expect(asJson.exitCode).toBe(2);
    expect(parseJson(asJson)).toEqual({
      error: { message: '--memory must be a positive number, got "0"', code: 'UsageError' },
      exitCode: 2,
    });
    const commanderJson = await runCli(['list', '--frobnicate', '--json'], { env: emulator.env });
    expect(parseJson<{ exitCode: number }>(commanderJson).exitCode).toBe(2);
    // A value the SDK's validation refuses is a usage error too.
    const badName = await runCli(['create', '--name', 'Not_Valid'], { env: emulator.env });
    expect(badName.exitCode).toBe(2);
    expect(badName.stderr).toMatch(/name/);
    expect(emulator.calls.count()).toBe(before);
  });

  it('no secret is printed, even with --debug on an error', async () => {
    const secret = emulator.env.ECI_SANDBOX_ACCESS_KEY_SECRET!;
    const run = await runCli(['info', 'eci-doesnotexist0000', '--debug'], { env: emulator.env });
    expect(run.stdout + run.stderr).not.toContain(secret);
    const wrongKey = await runCli(['list'], {
      env: { ...emulator.env, ECI_SANDBOX_ACCESS_KEY_SECRET: 'wrong-secret-value-123' },
    });
    expect(wrongKey.exitCode).toBe(1);
    expect(wrongKey.stdout + wrongKey.stderr).not.toContain('wrong-secret-value-123');
  });

  it('sweep --dry-run lists tag matches without deleting; sweep deletes them', async () => {
    const dry = parseJson<{ dryRun: boolean; matched: Array<{ sandboxId: string }>; deleted: string[] }>(
      await runCli(['sweep', '--tag', 'suite=lifecycle', '--dry-run', '--json'], { env: emulator.env }),
    );
    expect(dry.dryRun).toBe(true);
    expect(dry.matched.map((entry) => entry.sandboxId).sort()).toEqual([...created].sort());
    expect(dry.deleted).toEqual([]);
    const stillThere = parseJson<{ totalCount: number }>(
      await runCli(['list', '--tag', 'suite=lifecycle', '--json'], { env: emulator.env }),
    );
    expect(stillThere.totalCount).toBe(created.length);

    // Without filters, sweep only takes sandboxes past their deadline: these are not.
    const defaultSweep = parseJson<{ matched: Array<{ sandboxId: string }> }>(
      await runCli(['sweep', '--dry-run', '--json'], { env: emulator.env }),
    );
    expect(defaultSweep.matched.filter((entry) => created.includes(entry.sandboxId))).toEqual([]);

    const keep = created.shift()!;
    const swept = await runCli(['sweep', '--tag', 'suite=lifecycle', '--tag', 'owner=ci', '--force'], { env: emulator.env });
    expect(swept.exitCode, swept.stderr).toBe(0);
    expect(swept.stdout).toContain(`deleted ${keep}`);
  });

  it('sweep without filters deletes a sandbox once it is past its --ttl deadline', async () => {
    const { sandboxId } = parseJson<{ sandboxId: string }>(
      await runCli(['create', '--name', 'cli-deadline', '--ttl', '2s', '--json'], { env: emulator.env }),
    );
    await waitFor('the deadline to end the sandbox', async () => {
      const info = await runCli(['info', sandboxId, '--json'], { env: emulator.env });
      return info.exitCode === 0 && parseJson<{ sandbox: SandboxJson }>(info).sandbox.status !== 'Running';
    });
    const dry = parseJson<{ matched: Array<{ sandboxId: string }> }>(
      await runCli(['sweep', '--dry-run', '--json'], { env: emulator.env }),
    );
    expect(dry.matched.map((entry) => entry.sandboxId)).toContain(sandboxId);
    const swept = parseJson<{ deleted: string[] }>(await runCli(['sweep', '--json'], { env: emulator.env }));
    expect(swept.deleted).toContain(sandboxId);
  });

  it('delete removes one or many and reports failures with exit 1', async () => {
    const run = await runCli(['delete', '--force', '--json', ...created, 'eci-doesnotexist0000'], { env: emulator.env });
    expect(run.exitCode).toBe(1);
    const body = parseJson<{ deleted: string[]; failed: Array<{ sandboxId: string; message: string }> }>(run);
    expect(body.deleted.sort()).toEqual([...created].sort());
    expect(body.failed.map((failure) => failure.sandboxId)).toEqual(['eci-doesnotexist0000']);
    created.length = 0;
  });
});
