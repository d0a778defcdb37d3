import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EciValidationError, ExecAbortError } from '../src/index.js';
import type { Sandbox, SandboxTerminal } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { closeTestBed, startTestBedWithSandbox } from './helpers.js';

/** Collects a terminal's output as text; `until` resolves when it contains `expected` (fails after 20 s, showing the text). */
function outputOf(terminal: SandboxTerminal): { text: () => string; until: (expected: string | RegExp) => Promise<void> } {
  let text = '';
  const waiters: Array<{ expected: string | RegExp; resolve: () => void }> = [];
  const holds = (expected: string | RegExp): boolean =>
    typeof expected === 'string' ? text.includes(expected) : expected.test(text);
  terminal.onData((bytes) => {
    text += Buffer.from(bytes).toString('utf8');
    for (const waiter of [...waiters]) {
      if (holds(waiter.expected)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
    }
  });
  return {
    text: () => text,
    until: (expected) =>
      holds(expected)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const timer = setTimeout(() => reject(new Error(`no ${String(expected)} in ${JSON.stringify(text)}`)), 20_000);
            waiters.push({
              expected,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          }),
  };
}

describe('openTerminal: a program under a pseudo-terminal', () => {
  let bed: TestBed;
  let sandbox: Sandbox;

  beforeAll(async () => {
    ({ bed, sandbox } = await startTestBedWithSandbox());
  });
  afterAll(() => closeTestBed(bed, sandbox));

  it('runs an interactive shell: typed input, resize, exit code; one exec and no describe', async () => {
    bed.emulator.resetCalls();
    const opened = await sandbox.openTerminal({ cols: 80, rows: 24 });
    expect(opened.errorMessage).toBe('');
    expect(opened.requestId).not.toBe('');
    const terminal = opened.terminal!;
    const output = outputOf(terminal);
    expect((await terminal.write('echo "sum=$((6*7))"\n')).success).toBe(true);
    await output.until('sum=42');
    expect((await terminal.resize(100, 33)).success).toBe(true);
    // A resize reaches the terminal asynchronously (as with the kubelet): ask until it shows.
    let asked = 0;
    for (;;) {
      asked += 1;
      // The quotes keep the typed line (echoed by the terminal) from matching the answer.
      await terminal.write(`echo "size${asked}""=$(stty size)"\n`);
      await output.until(new RegExp(`size${asked}=\\d`));
      if (output.text().includes(`size${asked}=33 100`)) break;
      expect(asked).toBeLessThan(200);
    }
    await terminal.write('exit 5\n');
    const ended = await terminal.wait();
    expect(ended).toMatchObject({ success: true, exitCode: 5 });
    expect(bed.emulator.calls.count('ExecContainerCommand')).toBe(1);
    expect(bed.emulator.calls.count('DescribeContainerGroups')).toBe(0);
    // A write after the end is a failed result, not a throw.
    const late = await terminal.write('echo late\n');
    expect(late.success).toBe(false);
  });

  it('runs a given argv; iteration yields the output and ends with the program', async () => {
    const opened = await sandbox.openTerminal({
      argv: ['/bin/sh', '-c', 'read line; echo "got:$line"; [ -t 0 ] && echo "is-a-terminal"; exit 3'],
      cols: 91,
      rows: 17,
    });
    expect(opened.errorMessage).toBe('');
    const terminal = opened.terminal!;
    await terminal.write('hello\n');
    let text = '';
    for await (const bytes of terminal) text += Buffer.from(bytes).toString('utf8');
    expect(text).toContain('got:hello');
    expect(text).toContain('is-a-terminal');
    expect(await terminal.wait()).toMatchObject({ success: true, exitCode: 3 });
  });

  it('kill and abort end the program; wait() reports it without throwing', async () => {
    const opened = await sandbox.openTerminal({ argv: ['sleep', '600'], cols: 80, rows: 24 });
    expect(opened.errorMessage).toBe('');
    opened.terminal!.kill();
    const killed = await opened.terminal!.wait();
    expect(killed.success).toBe(false);
    expect(killed.error).toBeInstanceOf(ExecAbortError);

    const controller = new AbortController();
    const second = await sandbox.openTerminal({ argv: ['sleep', '600'], cols: 80, rows: 24, signal: controller.signal });
    expect(second.errorMessage).toBe('');
    controller.abort();
    const aborted = await second.terminal!.wait();
    expect(aborted.success).toBe(false);
    expect(aborted.error).toBeInstanceOf(ExecAbortError);
  });

  it('works with a credentials provider (the path the default credential chain takes)', async () => {
    const { accessKeyId, accessKeySecret } = bed.emulator.credentials;
    let provided = 0;
    const client = bed.newClient({
      accessKeyId: undefined,
      accessKeySecret: undefined,
      credentials: async () => {
        provided += 1;
        return { accessKeyId, accessKeySecret };
      },
    });
    const opened = await client.openTerminal(sandbox.id, { argv: ['/bin/sh', '-c', 'echo provider-ok'], cols: 80, rows: 24 });
    expect(opened.errorMessage).toBe('');
    const output = outputOf(opened.terminal!);
    await opened.terminal!.wait();
    expect(output.text()).toContain('provider-ok');
    expect(provided).toBeGreaterThan(0);
  });

  it('bad options: a validation result naming the field, and nothing is sent', async () => {
    bed.emulator.resetCalls();
    const missingSize = await sandbox.openTerminal({ cols: 80 } as never);
    expect(missingSize.success).toBe(false);
    expect(missingSize.error).toBeInstanceOf(EciValidationError);
    expect((missingSize.error as EciValidationError).field).toBe('openTerminal.rows');
    const badArgv = await sandbox.openTerminal({ argv: [], cols: 80, rows: 24 });
    expect(badArgv.success).toBe(false);
    expect(badArgv.errorMessage).toContain('argv');
    expect(bed.emulator.calls.length).toBe(0);
  });
});
