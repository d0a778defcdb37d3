import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  SessionExistsError,
  TmuxNotFoundError,
  TmuxTransportError,
  TmuxValidationError,
  type ShellRunner,
} from '../src/index.js';
import { TmuxKit } from '../src/tmux-kit.js';
import { countingRunner, createTmuxWorld, skipReason, skipTmux, type TmuxWorld } from './support.js';

const execFileAsync = promisify(execFile);
const packageDir = join(import.meta.dirname, '..');

describe.skipIf(skipTmux)(`TmuxKit over the local runner${skipReason}`, () => {
  let world: TmuxWorld;
  let kit: TmuxKit;

  beforeAll(() => {
    world = createTmuxWorld();
    kit = world.kit();
  });
  afterAll(async () => {
    await world?.dispose();
  });

  it('reads a 200,000-line job back completely by offset, page by page', async () => {
    const sessionId = await kit.start('seq 1 200000');
    let offset = 0;
    let text = '';
    let pages = 0;
    for (;;) {
      const page = await kit.poll(sessionId, { offset, maxBytes: 256 * 1024 });
      expect(page.nextOffset).toBeGreaterThanOrEqual(offset);
      text += page.output;
      offset = page.nextOffset;
      pages += 1;
      if (page.status === 'COMPLETED' && !page.truncated) {
        expect(page.exitCode).toBe(0);
        break;
      }
      expect(['RUNNING', 'COMPLETED']).toContain(page.status);
    }
    const expected = Array.from({ length: 200_000 }, (_, index) => `${index + 1}\n`).join('');
    expect(text.length).toBe(expected.length);
    expect(text === expected).toBe(true);
    expect(pages).toBeGreaterThan(4);
    // Past the end there is nothing more, and the offset stays put.
    const after = await kit.poll(sessionId, { offset });
    expect(after).toMatchObject({ output: '', nextOffset: offset, truncated: false, status: 'COMPLETED' });
    // The tail of the log in one call: the last bytes, ending where the paging ended.
    const tail = await kit.poll(sessionId, { tail: true, maxBytes: 1000 });
    expect(tail).toMatchObject({ status: 'COMPLETED', exitCode: 0, nextOffset: offset, truncated: false });
    expect(Buffer.byteLength(tail.output)).toBeLessThanOrEqual(1000);
    expect(Buffer.byteLength(tail.output)).toBeGreaterThan(800); // \r\n in the raw log become \n
    expect(expected.endsWith(tail.output)).toBe(true);
  });

  it('reads the tail of a running job on whole characters', async () => {
    const sessionId = await kit.start('for i in $(seq 1 3000); do echo "zeile $i: grüße ✓"; done; sleep 30');
    await expect.poll(async () => (await kit.poll(sessionId, { tail: true, maxBytes: 200 })).output).toContain('zeile 3000:');
    const tail = await kit.poll(sessionId, { tail: true, maxBytes: 101 });
    expect(tail.status).toBe('RUNNING');
    expect(tail.output.includes('\uFFFD')).toBe(false);
    expect(tail.output.endsWith('zeile 3000: grüße ✓\n')).toBe(true);
    await kit.kill(sessionId);
  });

  it('pages raw output by byte offset without splitting UTF-8 characters', async () => {
    const sessionId = await kit.start(`for i in $(seq 1 300); do printf 'zeile %d: grüße ✓ 🚀 日本語\\n' "$i"; done`);
    await kit.wait(sessionId, { collectOutput: false });
    let offset = 0;
    let raw = '';
    for (;;) {
      // An odd page size lands inside multi-byte characters again and again.
      const page = await kit.poll(sessionId, { offset, maxBytes: 777, raw: true });
      expect(page.output.includes('\uFFFD')).toBe(false);
      expect(Buffer.byteLength(page.output)).toBe(page.nextOffset - offset);
      raw += page.output;
      offset = page.nextOffset;
      if (!page.truncated) break;
    }
    const expected = Array.from({ length: 300 }, (_, index) => `zeile ${index + 1}: grüße ✓ 🚀 日本語\r\n`).join('');
    expect(raw).toBe(expected);
    // The raw log on disk holds exactly these bytes, then the end marker.
    const log = readFileSync(join(world.rootDir, sessionId, 'output.log'));
    expect(log.subarray(0, offset).toString('utf8')).toBe(expected);
  });

  it('reports exit codes 0 and 1', async () => {
    const ok = await kit.start('echo fine');
    const failing = await kit.start('echo broken >&2; exit 1');
    const [okResult, failingResult] = await Promise.all([kit.wait(ok), kit.wait(failing)]);
    expect(okResult).toMatchObject({ status: 'COMPLETED', exitCode: 0, output: 'fine\n', timedOut: false });
    // stderr goes to the same terminal, so it is in the output too.
    expect(failingResult).toMatchObject({ status: 'COMPLETED', exitCode: 1, output: 'broken\n' });
  });

  it('kills a job (exit code 130), idempotently, and leaves no process behind', async () => {
    const sessionId = await kit.start('trap "" HUP; sleep 60');
    await expect.poll(async () => (await kit.poll(sessionId)).status).toBe('RUNNING');
    const killed = await kit.kill(sessionId);
    expect(killed).toEqual({ sessionId, status: 'COMPLETED', exitCode: 130, killed: true });
    const again = await kit.kill(sessionId);
    expect(again).toEqual({ sessionId, status: 'COMPLETED', exitCode: 130, killed: false });
    expect(await kit.poll(sessionId)).toMatchObject({ status: 'COMPLETED', exitCode: 130 });
    const list = await kit.list();
    expect(list.find((entry) => entry.sessionId === sessionId)).toMatchObject({ status: 'COMPLETED', exitCode: 130 });
    expect(await kit.kill('never-started')).toEqual({
      sessionId: 'never-started',
      status: 'NOT_FOUND',
      exitCode: null,
      killed: false,
    });
  });

  it('keeps a job running after its client process exits; a new client waits on it', async () => {
    const distEntry = join(packageDir, 'dist', 'index.js');
    expect(existsSync(distEntry), `build the package first (pnpm --filter @eci-sandbox/tmux-kit build): ${distEntry}`).toBe(true);
    const { stdout } = await execFileAsync(
      process.execPath,
      [join(packageDir, 'test', 'fixtures', 'start-job.mjs'), world.rootDir, 'sleep 1; echo survived the client; exit 7'],
      { env: { ...process.env, TMUX_TMPDIR: world.directory, TMUX: '' } },
    );
    const sessionId = stdout.trim();
    expect(sessionId).toMatch(/^job-/);
    const fresh = world.kit();
    expect((await fresh.list()).map((entry) => entry.sessionId)).toContain(sessionId);
    const result = await fresh.wait(sessionId);
    expect(result).toMatchObject({ status: 'COMPLETED', exitCode: 7, output: 'survived the client\n' });
  });

  it('rejects session ids with shell metacharacters before sending anything', async () => {
    const counted = countingRunner(world.runner);
    const guarded = new TmuxKit(counted, { rootDir: world.rootDir });
    for (const bad of ['a;touch pwned', '$(id)', 'a b', '`x`', "it's", '../up', 'x'.repeat(65), '']) {
      await expect(guarded.start('true', { sessionId: bad })).rejects.toMatchObject({
        name: 'TmuxValidationError',
        field: 'sessionId',
      });
      await expect(guarded.poll(bad)).rejects.toBeInstanceOf(TmuxValidationError);
      await expect(guarded.kill(bad)).rejects.toBeInstanceOf(TmuxValidationError);
    }
    await expect(guarded.start('true', { env: { 'BAD-NAME': 'x' } })).rejects.toMatchObject({ field: 'env.BAD-NAME' });
    await expect(guarded.start('')).rejects.toMatchObject({ field: 'command' });
    expect(counted.calls).toBe(0);
    expect(existsSync(join(process.cwd(), 'pwned'))).toBe(false);
  });

  it('runs a command with quotes, heredocs and unicode unchanged', async () => {
    const command = [
      `printf '%s\\n' "it's \\"double\\" and 'single'"`,
      `cat <<'EOF'`,
      `literal $HOME \`date\` $(whoami) \\n 'q' "dq"`,
      `EOF`,
      `cat <<EOF`,
      `expanded: $((6 * 7))`,
      `EOF`,
      `echo 'ünïcödé ✓ 🚀 日本語'`,
    ].join('\n');
    const sessionId = await kit.start(command, { sessionId: 'quotes-heredocs' });
    const result = await kit.wait(sessionId);
    expect(result.output).toBe(
      `it's "double" and 'single'\nliteral $HOME \`date\` $(whoami) \\n 'q' "dq"\nexpanded: 42\nünïcödé ✓ 🚀 日本語\n`,
    );
    expect(result.exitCode).toBe(0);
  });

  it('starts a command of a megabyte (no length limit in start itself)', async () => {
    const command = `# ${'x'.repeat(1_000_000)}\nV='${'y'.repeat(200_000)}'\necho "long ok \${#V}"`;
    const result = await kit.wait(await kit.start(command));
    expect(result).toMatchObject({ status: 'COMPLETED', exitCode: 0, output: 'long ok 200000\n' });
  });

  it('honours cwd and env, and rejects a missing cwd and a running duplicate id', async () => {
    const cwd = join(world.directory, "work dir 'x'");
    mkdirSync(cwd);
    const value = `va'l "$HOME" \`x\` ü`;
    const sessionId = await kit.start('pwd; printf "%s\\n" "$MY_VAR"; sleep 0.3', { cwd, env: { MY_VAR: value } });
    await expect(kit.start('true', { sessionId })).rejects.toBeInstanceOf(SessionExistsError);
    const result = await kit.wait(sessionId);
    expect(result.output).toBe(`${cwd}\n${value}\n`);
    await expect(kit.start('true', { cwd: join(world.directory, 'missing') })).rejects.toMatchObject({
      name: 'TmuxValidationError',
      field: 'cwd',
    });
  });

  it('keeps a cwd whose name ends in newlines exactly', async () => {
    const cwd = join(world.directory, 'ends in newlines\n\n');
    mkdirSync(cwd);
    const sessionId = await kit.start('[ "$PWD" = "$EXPECTED" ] && echo same || echo different', { cwd, env: { EXPECTED: cwd } });
    expect((await kit.wait(sessionId)).output).toBe('same\n');
  });

  it('gives the pane the historyLimit asked for and leaves the global setting as it was', async () => {
    const before = (await world.runner('tmux show-options -gv history-limit')).stdout.trim();
    const sessionId = await kit.start(`tmux display-message -p -t "$TMUX_PANE" '#{history_limit}'`, { historyLimit: 12345 });
    expect((await kit.wait(sessionId)).output).toBe('12345\n');
    expect((await world.runner('tmux show-options -gv history-limit')).stdout.trim()).toBe(before);
  });

  it('strips escape sequences by default and keeps them in raw output', async () => {
    const sessionId = await kit.start(
      `printf '\\033[1;32mgreen\\033[0m plain\\n'; printf '\\033]0;a title\\007titled\\n'; printf 'progress 10%%\\rprogress 100%%\\n'; tput cols 2>/dev/null || true`,
    );
    const clean = await kit.wait(sessionId);
    expect(clean.output.split('\n').slice(0, 3)).toEqual(['green plain', 'titled', 'progress 100%']);
    const raw = await kit.poll(sessionId, { raw: true });
    expect(raw.output).toContain('\x1b[1;32mgreen\x1b[0m plain\r\n');
    expect(raw.output).toContain('\x1b]0;a title\x07');
    expect(raw.output).toContain('progress 10%\rprogress 100%\r\n');
    expect(raw.nextOffset).toBe(clean.nextOffset);
  });

  it('times out a wait and leaves the job running, or kills it with killOnTimeout', async () => {
    const sessionId = await kit.start('echo started; sleep 60');
    const first = await kit.wait(sessionId, { timeoutMs: 700 });
    expect(first).toMatchObject({ status: 'RUNNING', exitCode: null, timedOut: true });
    expect((await kit.poll(sessionId)).status).toBe('RUNNING');
    const second = await kit.wait(sessionId, { timeoutMs: 300, killOnTimeout: true, offset: first.nextOffset });
    expect(second).toMatchObject({ status: 'COMPLETED', exitCode: 130, timedOut: true });
    expect((await kit.poll(sessionId)).status).toBe('COMPLETED');
  });

  it('resumes a wait whose stream drops mid-way, without losing or repeating output', async () => {
    let dropped = 0;
    const flaky: ShellRunner = async (script, options) => {
      if (!options?.onStdout || dropped > 0) return world.runner(script, options);
      // The first streaming call dies after its first chunk of job output, like a cut WebSocket.
      dropped += 1;
      const controller = new AbortController();
      let sawData = false;
      let received = '';
      const inner = world.runner(script, {
        signal: controller.signal,
        onStdout: (chunk) => {
          if (sawData) return;
          options.onStdout?.(chunk);
          received += chunk;
          // Cut right after the first complete frame of job output.
          if (/ D \d+ [A-Za-z0-9+/=]+\n/.test(received)) {
            sawData = true;
            controller.abort();
          }
        },
      });
      await inner.catch(() => undefined);
      throw Object.assign(new Error('connection reset by peer'), { code: 'ECONNRESET' });
    };
    const flakyKit = new TmuxKit(flaky, { rootDir: world.rootDir });
    const sessionId = await flakyKit.start('for i in $(seq 1 40); do echo "line $i"; sleep 0.02; done; exit 3');
    const seen: string[] = [];
    const result = await flakyKit.wait(sessionId, { onOutput: (text) => seen.push(text) });
    const expected = Array.from({ length: 40 }, (_, index) => `line ${index + 1}\n`).join('');
    expect(dropped).toBe(1);
    expect(result).toMatchObject({ status: 'COMPLETED', exitCode: 3, resumes: 1, calls: 2, output: expected });
    expect(seen.join('')).toBe(expected);
  });

  it('resumes a wait whose runner returns without the final status', async () => {
    let cut = 0;
    const truncating: ShellRunner = async (script, options) => {
      const result = await world.runner(script, options);
      if (options?.onStdout && cut === 0) {
        cut += 1;
        return { ...result, stdout: '' };
      }
      return result;
    };
    // A runner that does not stream: it hands over stdout only at the end.
    const nonStreaming: ShellRunner = (script, options) => truncating(script, { ...options, onStdout: undefined });
    const sessionId = await kit.start('echo one; sleep 0.2; echo two');
    const result = await new TmuxKit(nonStreaming, { rootDir: world.rootDir }).wait(sessionId);
    expect(result).toMatchObject({ status: 'COMPLETED', exitCode: 0, output: 'one\ntwo\n', resumes: 0 });
    const streamingCut = await new TmuxKit(truncating, { rootDir: world.rootDir }).wait(sessionId);
    expect(streamingCut).toMatchObject({ status: 'COMPLETED', exitCode: 0, output: 'one\ntwo\n' });
  });

  it('costs one runner call per operation: start, poll, a 5 s wait, kill, list, cleanup', async () => {
    const counted = countingRunner(world.runner);
    const counting = new TmuxKit(counted, { rootDir: world.rootDir });
    const measure = async <T>(operation: () => Promise<T>): Promise<[T, number]> => {
      const before = counted.calls;
      const value = await operation();
      return [value, counted.calls - before];
    };
    const [sessionId, startCalls] = await measure(() => counting.start('for i in 1 2 3 4 5; do echo "second $i"; sleep 1; done'));
    const [, pollCalls] = await measure(() => counting.poll(sessionId));
    const chunks: string[] = [];
    const [waited, waitCalls] = await measure(() => counting.wait(sessionId, { onOutput: (text) => chunks.push(text) }));
    expect(waited).toMatchObject({ status: 'COMPLETED', exitCode: 0, calls: 1, resumes: 0 });
    expect(waited.output).toBe('second 1\nsecond 2\nsecond 3\nsecond 4\nsecond 5\n');
    expect(chunks.length).toBeGreaterThan(1); // streamed as it appeared, not at the end
    const victim = await counting.start('sleep 60');
    const [, killCalls] = await measure(() => counting.kill(victim));
    const [, listCalls] = await measure(() => counting.list());
    const [cleaned, cleanupCalls] = await measure(() => counting.cleanup(sessionId));
    expect(cleaned.removed).toEqual([sessionId]);
    expect({ startCalls, pollCalls, waitCalls, killCalls, listCalls, cleanupCalls }).toEqual({
      startCalls: 1,
      pollCalls: 1,
      waitCalls: 1,
      killCalls: 1,
      listCalls: 1,
      cleanupCalls: 1,
    });
  });

  it('lists running jobs and cleans up only finished ones', async () => {
    const running = await kit.start('sleep 60', { sessionId: 'list-running' });
    const done = await kit.start('true', { sessionId: 'list-done' });
    await kit.wait(done);
    const list = await kit.list();
    expect(list.find((entry) => entry.sessionId === running)).toMatchObject({
      status: 'RUNNING',
      attached: false,
      managed: true,
    });
    expect(list.find((entry) => entry.sessionId === done)).toMatchObject({ status: 'COMPLETED', exitCode: 0 });
    expect(list.find((entry) => entry.sessionId === running)?.created).toBeInstanceOf(Date);
    const cleaned = await kit.cleanup();
    expect(cleaned.removed).toContain(done);
    expect(cleaned.running).toEqual([running]);
    expect(await kit.poll(done)).toMatchObject({ status: 'NOT_FOUND', exitCode: null });
    await kit.kill(running);
    const waitedWithCleanup = await kit.wait(await kit.start('echo bye'), { cleanup: true });
    expect(waitedWithCleanup.output).toBe('bye\n');
    expect(await kit.poll(waitedWithCleanup.sessionId)).toMatchObject({ status: 'NOT_FOUND' });
  });

  it('starts again when the tmux server it reached was exiting', async () => {
    // A tmux that answers the first new-session as a server on its way out does.
    const flaky = join(world.directory, 'flaky-tmux');
    const seen = join(world.directory, 'flaky-tmux-seen');
    writeFileSync(
      flaky,
      `#!/bin/bash\ncase " $* " in *' new-session '*) if [ ! -e '${seen}' ]; then : > '${seen}'; echo 'server exited unexpectedly' >&2; exit 1; fi;; esac\nexec tmux "$@"\n`,
      { mode: 0o755 },
    );
    const kit = world.kit({ tmuxCommand: flaky });
    const sessionId = await kit.start('echo second try');
    expect(existsSync(seen)).toBe(true);
    expect((await kit.wait(sessionId)).output).toBe('second try\n');
  });

  it('says so when tmux is missing, and wraps transport failures with their cause', async () => {
    const noTmux = world.kit({ tmuxCommand: 'tmux-is-not-installed-here' });
    await expect(noTmux.start('true')).rejects.toBeInstanceOf(TmuxNotFoundError);
    await expect(noTmux.start('true')).rejects.toThrow(/apt-get install -y tmux/);
    await expect(noTmux.wait('anything')).rejects.toBeInstanceOf(TmuxNotFoundError);
    const cause = new Error('socket hang up');
    const broken = new TmuxKit(
      async () => {
        throw cause;
      },
      { rootDir: world.rootDir },
    );
    const error = await broken.poll('some-job').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TmuxTransportError);
    expect((error as TmuxTransportError).cause).toBe(cause);
  });
});

describe('local runner', () => {
  it('runs bash, streams stdout, and returns exit codes as data', async () => {
    const { createLocalRunner } = await import('../src/local-runner.js');
    const runner = createLocalRunner();
    const chunks: string[] = [];
    const result = await runner('echo out; echo err >&2; read -r line || echo "stdin is empty"; exit 5', {
      onStdout: (chunk) => chunks.push(chunk),
    });
    expect(result).toEqual({ exitCode: 5, stdout: 'out\nstdin is empty\n', stderr: 'err\n' });
    expect(chunks.join('')).toBe(result.stdout);
    const long = `printf '%s' '${'x'.repeat(300_000)}' | wc -c`;
    expect((await runner(long)).stdout.trim()).toBe('300000');
  });

  it('kills the whole process group on timeout and on abort', async () => {
    const { createLocalRunner } = await import('../src/local-runner.js');
    const { TmuxTimeoutError, TmuxAbortError } = await import('../src/errors.js');
    const runner = createLocalRunner({ killGraceMs: 500 });
    const pids: number[] = [];
    const timedOut = runner('sleep 30 & echo "$!"; sleep 30', {
      timeoutMs: 300,
      onStdout: (chunk) => pids.push(Number(chunk.trim())),
    });
    await expect(timedOut).rejects.toBeInstanceOf(TmuxTimeoutError);
    const controller = new AbortController();
    const aborted = runner('sleep 30 & echo "$!"; sleep 30', {
      signal: controller.signal,
      onStdout: (chunk) => {
        pids.push(Number(chunk.trim()));
        controller.abort();
      },
    });
    await expect(aborted).rejects.toBeInstanceOf(TmuxAbortError);
    expect(pids).toHaveLength(2);
    // A killed child whose parent died first may linger as a zombie until PID 1 reaps it: dead all the same.
    const alive = (pid: number): boolean => {
      try {
        const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
        return !/^\d+ \(.*\) Z/.test(stat);
      } catch {
        return false;
      }
    };
    await expect.poll(() => pids.filter(alive)).toEqual([]);
  });
});
