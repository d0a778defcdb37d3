import { describe, expect, it } from 'vitest';
import { assertBuilt, cleanEnv, removeWorkDir, runCli } from './helpers.js';
import { afterAll } from 'vitest';

const COMMANDS = [
  ['create'],
  ['list'],
  ['info'],
  ['delete'],
  ['restart'],
  ['sweep'],
  ['exec'],
  ['bash'],
  ['write'],
  ['read'],
  ['tmux'],
  ['tmux', 'start'],
  ['tmux', 'poll'],
  ['tmux', 'wait'],
  ['tmux', 'kill'],
  ['tmux', 'ls'],
  ['shell'],
  ['emulator'],
  ['mcp'],
  ['demo'],
];

describe('--help', () => {
  afterAll(() => removeWorkDir());

  it('the program lists every command, the configuration and the exit codes', async () => {
    assertBuilt();
    const run = await runCli(['--help'], { env: cleanEnv() });
    expect(run.exitCode).toBe(0);
    for (const [name] of COMMANDS) expect(run.stdout).toMatch(new RegExp(`\\n  ${name!}\\b`));
    expect(run.stdout).toContain('ECI_SANDBOX_ENDPOINT');
    expect(run.stdout).toContain('Exit codes:');
  });

  it.each(COMMANDS.map((names) => [names.join(' '), names] as const))(
    '%s --help has examples, exit codes and --json',
    async (_label, names) => {
      const run = await runCli([...names, '--help'], { env: cleanEnv() });
      expect(run.exitCode).toBe(0);
      expect(run.stdout).toContain('Examples:');
      expect(run.stdout).toContain('Exit codes:');
      expect(run.stdout).toContain('--json');
    },
  );

  it('--version prints the version', async () => {
    const run = await runCli(['--version'], { env: cleanEnv() });
    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('an unknown command is a usage error', async () => {
    const run = await runCli(['frobnicate'], { env: cleanEnv() });
    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(/unknown command/);
  });
});
