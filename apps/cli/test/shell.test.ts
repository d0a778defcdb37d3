import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CLI_PATH,
  WORK_DIR,
  parseJson,
  removeWorkDir,
  runCli,
  startTestEmulator,
  tmuxAvailable,
  waitFor,
  type TestEmulator,
} from './helpers.js';

function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

// The CLI runs inside tmux (a real pseudo-terminal) on a private socket; we type with send-keys
// and read the screen with capture-pane.
describe.skipIf(!tmuxAvailable())('eci-sandbox shell under a real terminal (needs tmux)', () => {
  let emulator: TestEmulator;
  let sandboxId = '';
  const socket = `eci-cli-shell-${process.pid}`;
  const tmux = (...args: string[]): string => {
    const result = spawnSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
    if (result.status !== 0) throw new Error(`tmux ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  };
  const screen = (): string => tmux('capture-pane', '-p', '-J', '-S', '-200', '-t', 'cli');
  const type = (text: string): void => {
    tmux('send-keys', '-t', 'cli', '-l', text);
    tmux('send-keys', '-t', 'cli', 'Enter');
  };

  beforeAll(async () => {
    emulator = await startTestEmulator();
    sandboxId = parseJson<{ sandboxId: string }>(
      await runCli(['create', '--name', 'cli-shell', '--wait', '--json'], { env: emulator.env }),
    ).sandboxId;
    const script = join(WORK_DIR, 'run-shell.sh');
    const exports = Object.entries(emulator.env)
      .filter(([key]) => /^[A-Za-z_][A-Za-z0-9_]*$/.test(key))
      .map(([key, value]) => `export ${key}=${shellQuote(value)}`)
      .join('\n');
    writeFileSync(
      script,
      `${exports}\ncd ${shellQuote(WORK_DIR)}\n${shellQuote(process.execPath)} ${shellQuote(CLI_PATH)} shell ${sandboxId}\necho "CLI_EXIT=$?"\necho "TTY_MODE=$(stty -a | tr ' ;' '\\n\\n' | grep -x -e icanon -e -icanon)"\nsleep 600\n`,
    );
    tmux('new-session', '-d', '-s', 'cli', '-x', '120', '-y', '40', `sh ${shellQuote(script)}`);
  });

  afterAll(async () => {
    spawnSync('tmux', ['-L', socket, 'kill-server']);
    if (sandboxId) await runCli(['delete', '--force', sandboxId], { env: emulator.env });
    await emulator?.close();
    removeWorkDir();
  });

  it('runs typed commands, forwards the window size, passes Ctrl-C through, and restores the terminal', async () => {
    type('echo "sum=$((6*7))"');
    await waitFor('the remote shell to answer', () => screen().includes('sum=42'));

    tmux('resize-window', '-t', 'cli', '-x', '100', '-y', '33');
    // Ask again now and then (not on every poll: a flood of typed commands slows a loaded machine).
    let polls = 0;
    await waitFor('the new size to reach the remote terminal', () => {
      if (polls++ % 20 === 0) type('echo "size=$(stty size)"');
      return screen().includes('size=33 100');
    });

    type('sleep 30; echo slept-through');
    await waitFor('sleep to start', () => screen().includes('echo slept-through'));
    tmux('send-keys', '-t', 'cli', 'C-c');
    type('echo "after-ctrl-c=$((1+1))"');
    await waitFor('the shell to survive Ctrl-C', () => screen().includes('after-ctrl-c=2'));
    expect(
      screen()
        .split('\n')
        .some((line) => line.trim() === 'slept-through'),
    ).toBe(false);
    expect(screen()).not.toContain('CLI_EXIT=');

    type('exit 5');
    await waitFor('the CLI to end', () => /CLI_EXIT=\d+/.test(screen()));
    const final = screen();
    expect(final).toContain('CLI_EXIT=5');
    expect(final).toContain('TTY_MODE=icanon');
  });
});
