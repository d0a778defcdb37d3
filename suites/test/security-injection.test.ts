import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ExecValidationError } from '@eci-sandbox/exec-stream';
import type { EciSandbox, Sandbox } from '@eci-sandbox/sdk';
import { EciValidationError } from '@eci-sandbox/sdk';
import { TmuxValidationError } from '@eci-sandbox/tmux-kit';
import type { TestBed } from './support/test-bed.js';
import { startTestBed, tmuxAvailable } from './support/test-bed.js';

// Every parameter that reaches a shell in the sandbox gets a corpus of hostile strings. Each
// payload tries to `touch` a canary file; the process runtime shares this machine's file system,
// so afterwards the canary must not exist. A value is either refused with a validation error
// (nothing sent) or passed through literally (checked where it can be observed).

const directory = mkdtempSync(join(tmpdir(), 'eci-injection-'));
const CANARY = join(directory, 'canary');

const CORPUS: string[] = [
  `"; touch ${CANARY}; "`,
  `'; touch ${CANARY}; '`,
  `$(touch ${CANARY})`,
  `\`touch ${CANARY}\``,
  `; touch ${CANARY}`,
  `&& touch ${CANARY}`,
  `| touch ${CANARY}`,
  `\ntouch ${CANARY}\n`,
  `a\rtouch ${CANARY}`,
  `x\0; touch ${CANARY}`,
  `ünïcödé ✓ 日本語 $(touch ${CANARY})`,
  `\${IFS}touch\${IFS}${CANARY}`,
  `-x`,
  `--help`,
  `-rf`,
  `../../../${CANARY.slice(1)}`,
  `'"\\$\`!*?[]{}~#%^&()<>|;`,
  `$'\\x3b' touch ${CANARY}`,
];

const isValidation = (error: unknown) =>
  error instanceof EciValidationError || error instanceof ExecValidationError || error instanceof TmuxValidationError;

/** A value usable as one path component: no "/" (the payloads with slashes are tested as paths). */
const asName = (payload: string) => payload.replaceAll('/', '_');

describe('injection corpus through every parameter that reaches a shell', () => {
  let bed: TestBed;
  let client: EciSandbox;
  let sandbox: Sandbox;

  beforeAll(async () => {
    bed = await startTestBed({ quotas: false });
    client = bed.newClient({ rateLimits: false });
    const created = await client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
    expect(created.errorMessage).toBe('');
    sandbox = created.sandbox!;
  });
  afterAll(async () => {
    await sandbox?.delete({ force: true });
    await bed?.close();
    rmSync(directory, { recursive: true, force: true });
  });

  it('the canary works: a command that means to touch it does', async () => {
    const control = join(directory, 'control');
    expect((await sandbox.bash(`touch ${control}`)).exitCode).toBe(0);
    expect(existsSync(control)).toBe(true);
  });

  it('file paths: written at exactly that name, or refused', async () => {
    for (const [index, payload] of CORPUS.entries()) {
      for (const path of [
        join(directory, 'files', `${index}-${asName(payload)}`),
        `${directory}/files/raw-${index}/${payload}`,
      ]) {
        const content = `payload ${index}\n`;
        const written = await sandbox.writeFile(path, content);
        if (!written.success) {
          expect(isValidation(written.error), `${JSON.stringify(path)}: ${written.errorMessage}`).toBe(true);
          continue;
        }
        // Literal: this machine sees the file at exactly that path (resolving any "..").
        expect(readFileSync(path, 'utf8'), JSON.stringify(path)).toBe(content);
        const read = await sandbox.readFile(path);
        expect(read.text, JSON.stringify(path)).toBe(content);
      }
    }
    expect(existsSync(CANARY)).toBe(false);
  });

  it('exec dir: the command runs in exactly that directory, or it is refused', async () => {
    for (const [index, payload] of CORPUS.entries()) {
      const execDir = join(directory, 'dirs', `${index}-${asName(payload)}`);
      if (!payload.includes('\0')) {
        const made = await sandbox.execCommand(['mkdir', '-p', '--', execDir]);
        expect(made.exitCode, made.errorMessage).toBe(0);
      }
      for (const run of [() => sandbox.bash('pwd', { execDir }), () => sandbox.execCommand(['pwd'], { execDir })]) {
        const result = await run();
        if (!result.success) {
          expect(isValidation(result.error), `${JSON.stringify(execDir)}: ${result.errorMessage}`).toBe(true);
          continue;
        }
        expect(result.stdout, JSON.stringify(execDir)).toBe(`${execDir}\n`);
      }
      const session = sandbox.openSession({ execDir });
      try {
        const result = await session.run('pwd');
        if (result.success) expect(result.stdout).toBe(`${execDir}\n`);
        else expect(isValidation(result.error), result.errorMessage).toBe(true);
      } finally {
        await session.close();
      }
    }
    expect(existsSync(CANARY)).toBe(false);
  });

  it('environment values pass through literally; bad names are refused', async () => {
    for (const payload of CORPUS) {
      const result = await sandbox.bash('printf %s "$PAYLOAD"', { env: { PAYLOAD: payload } });
      if (!result.success) {
        expect(isValidation(result.error), result.errorMessage).toBe(true);
      } else {
        expect(result.stdout).toBe(payload);
      }
      const viaArgv = await sandbox.execCommand(['printenv', 'PAYLOAD'], { env: { PAYLOAD: payload } });
      if (viaArgv.success) expect(viaArgv.stdout).toBe(`${payload}\n`);
      else expect(isValidation(viaArgv.error), viaArgv.errorMessage).toBe(true);

      const badName = await sandbox.bash('true', { env: { [payload]: 'value' } });
      expect(badName.success).toBe(false);
      expect(isValidation(badName.error), badName.errorMessage).toBe(true);
    }
    expect(existsSync(CANARY)).toBe(false);
  });

  it('sandbox names are refused; tags are stored literally', async () => {
    for (const payload of CORPUS) {
      const named = await client.create({ image: 'ubuntu:24.04', name: payload });
      expect(named.success).toBe(false);
      expect(isValidation(named.error), named.errorMessage).toBe(true);
    }
    // Tag values within ECI's 128 characters go to the API as data.
    const tagged = CORPUS.filter((payload) => payload.length <= 128 && !payload.includes('\0'));
    const tags = Object.fromEntries(tagged.map((payload, index) => [`k${index}`, payload]));
    const created = await client.create({ image: 'ubuntu:24.04', tags, waitUntilRunning: true });
    if (created.success) {
      try {
        const info = await created.sandbox!.info();
        expect(info.data?.tags).toEqual(tags);
        expect((await created.sandbox!.bash('true')).exitCode).toBe(0);
      } finally {
        await created.sandbox!.delete({ force: true });
      }
    } else {
      expect(isValidation(created.error), created.errorMessage).toBe(true);
    }
    expect(existsSync(CANARY)).toBe(false);
  });

  it.skipIf(!tmuxAvailable())('tmux session ids, working directories and env: refused or literal', async () => {
    for (const [index, payload] of CORPUS.entries()) {
      const started = await sandbox.tmuxStart('echo job', { sessionId: payload });
      if (started.success) {
        expect(started.sessionId).toBe(payload);
        const waited = await sandbox.tmuxWait(payload, { timeoutMs: 20_000, cleanup: true });
        expect(waited.status, waited.errorMessage).toBe('COMPLETED');
        expect(waited.output).toContain('job');
      } else {
        expect(isValidation(started.error), started.errorMessage).toBe(true);
      }
      for (const call of [() => sandbox.tmuxPoll(payload), () => sandbox.tmuxKill(payload)]) {
        const result = await call();
        if (!result.success && result.error !== undefined && !isValidation(result.error)) {
          // A literal id that does not exist is reported as such, not run.
          expect(result.status).toBe('NOT_FOUND');
        }
      }
      // Trailing newlines are trimmed from the directory name here: tmux-kit resolves the job's
      // directory with `$(cd … && pwd)`, which drops them (reported to the lead; no injection).
      const execDir = join(directory, 'tmux', `${index}-${asName(payload).replace(/\n+$/, '')}`);
      if (!payload.includes('\0')) await sandbox.execCommand(['mkdir', '-p', '--', execDir]);
      // Checked through files, not the pane: pane output is terminal text (a \r moves the cursor).
      const results = join(directory, 'tmux-results', String(index));
      await sandbox.execCommand(['mkdir', '-p', '--', results]);
      const job = await sandbox.tmuxStart(`pwd > ${results}/pwd; printf %s "$PAYLOAD" > ${results}/env`, {
        execDir,
        env: { PAYLOAD: payload },
      });
      if (!job.success) {
        expect(isValidation(job.error), job.errorMessage).toBe(true);
        continue;
      }
      const waited = await sandbox.tmuxWait(job.sessionId, { timeoutMs: 20_000, cleanup: true });
      expect(waited.status, waited.errorMessage).toBe('COMPLETED');
      expect(waited.exitCode, waited.output).toBe(0);
      expect(readFileSync(join(results, 'pwd'), 'utf8')).toBe(`${execDir}\n`);
      expect(readFileSync(join(results, 'env'), 'utf8')).toBe(payload);
    }
    expect(existsSync(CANARY)).toBe(false);
  });
  it('through the CLI: paths, directories, session ids, names and tags from the command line', async () => {
    const cli = join(import.meta.dirname, '../../apps/cli/dist/cli.js');
    expect(existsSync(cli), `build the CLI first (pnpm build): ${cli}`).toBe(true);
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: directory,
      NO_COLOR: '1',
      ALIBABA_CLOUD_ECS_METADATA_DISABLED: 'true',
      ECI_SANDBOX_ENDPOINT: bed.emulator.endpoint,
      ECI_SANDBOX_ACCESS_KEY_ID: bed.emulator.credentials.accessKeyId,
      ECI_SANDBOX_ACCESS_KEY_SECRET: bed.emulator.credentials.accessKeySecret,
      ECI_SANDBOX_REGION_ID: bed.emulator.regionId,
    };
    // Asynchronous: the emulator serves from this process, so the event loop must keep running.
    const run = (args: string[], input = '') =>
      new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
        const child = spawn(process.execPath, [cli, ...args], { env, cwd: directory });
        let stdout = '';
        let stderr = '';
        child.stdout.on('data', (chunk) => (stdout += chunk));
        child.stderr.on('data', (chunk) => (stderr += chunk));
        child.on('close', (status) => resolve({ status, stdout, stderr }));
        child.stdin.end(input);
      });
    // argv cannot carry NUL bytes; every other payload goes through as one argument.
    for (const [index, payload] of CORPUS.filter((item) => !item.includes('\0')).entries()) {
      const path = join(directory, 'cli-files', `${index}-${asName(payload)}`);
      const written = await run(['write', sandbox.id, path], `cli ${index}\n`);
      expect([0, 2], written.stderr).toContain(written.status);
      if (written.status === 0) expect(readFileSync(path, 'utf8')).toBe(`cli ${index}\n`);

      const execDir = join(directory, 'cli-dirs', `${index}-${asName(payload)}`);
      await sandbox.execCommand(['mkdir', '-p', '--', execDir]);
      const inDir = await run(['bash', sandbox.id, '--cwd', execDir, 'pwd']);
      expect([0, 2], inDir.stderr).toContain(inDir.status);
      if (inDir.status === 0) expect(inDir.stdout).toBe(`${execDir}\n`);

      for (const args of [
        ['tmux', 'start', sandbox.id, '--session', payload, 'true'],
        ['create', '--name', payload],
        ['create', '--tag', `k=${payload}`, '--name', `cli-tag-${index}`],
      ]) {
        const result = await run(args);
        // Refused as a usage error, or taken literally (a tagged sandbox is created: remove it).
        expect([0, 2], `${args.join(' ')}: ${result.stderr}`).toContain(result.status);
        const createdId = /^(eci-[a-z0-9]+)$/m.exec(result.stdout)?.[1];
        if (args[0] === 'create' && createdId) await client.delete(createdId, { force: true });
      }
    }
    expect(existsSync(CANARY)).toBe(false);
  });
});
