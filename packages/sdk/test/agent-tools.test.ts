import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Sandbox, SandboxTools } from '../src/index.js';
import { createSandboxTools, toAnthropicTools, toOpenAITools } from '../src/index.js';
import type { TestBed } from './helpers.js';
import { startTestBed, tmuxAvailable } from './helpers.js';

describe('agent tools on the emulator', () => {
  let bed: TestBed;
  let sandbox: Sandbox;
  let tools: SandboxTools;
  const project = `/tmp/eci-sdk-agent-${randomBytes(4).toString('hex')}`;
  // The process runtime shares the host's /tmp: keep full outputs where cleanup can find them.
  const outputDir = `${project}-outputs`;

  beforeAll(async () => {
    bed = await startTestBed();
    const created = await bed.client.create({ image: 'python:3.12-slim', waitUntilRunning: true });
    expect(created.errorMessage).toBe('');
    sandbox = created.sandbox!;
    tools = createSandboxTools(sandbox, { outputBudgetBytes: 16 * 1024, outputDir });
  });
  afterAll(async () => {
    await tools?.close();
    await sandbox?.bash(`rm -rf ${project} ${outputDir}`);
    await sandbox?.delete({ force: true });
    await bed?.close();
  });

  it('a scripted tool-call sequence: project dir, write, edit, run, list, read', async () => {
    const openai = toOpenAITools(tools);
    const call = async (name: string, input: unknown): Promise<string> =>
      (await openai.handleToolCall({ id: name, type: 'function', function: { name, arguments: JSON.stringify(input) } })).content;

    expect(await call('bash', { command: `mkdir -p ${project}/src && cd ${project} && export GREETING=hello` })).toBe(
      '[exit code: 0]',
    );
    // cd and exports persist between bash calls
    expect(await call('bash', { command: 'pwd; echo $GREETING' })).toBe(`${project}\nhello\n[exit code: 0]`);
    expect(
      await call('write_file', { path: 'src/app.py', content: 'import os\nprint("count:", 1)\nprint("count:", 1)\n' }),
    ).toMatch(new RegExp(`^Wrote \\d+ bytes to ${project}/src/app.py$`));
    // an ambiguous edit is refused with the number of matches
    const ambiguous = await call('edit_file', { path: 'src/app.py', old_string: 'print("count:", 1)', new_string: 'x' });
    expect(ambiguous).toMatch(/occurs 2 times/);
    const missing = await call('edit_file', { path: 'src/app.py', old_string: 'nothing like this', new_string: 'x' });
    expect(missing).toMatch(/not found/);
    expect(
      await call('edit_file', {
        path: 'src/app.py',
        old_string: 'print("count:", 1)\nprint("count:", 1)',
        new_string: 'print(os.environ["GREETING"], "world")',
      }),
    ).toMatch(/Replaced 1 occurrence/);
    expect(await call('bash', { command: 'python3 src/app.py' })).toBe('hello world\n[exit code: 0]');
    expect(await call('bash', { command: 'python3 -c "import sys; sys.exit(4)"' })).toBe('[exit code: 4]');

    const listing = await call('list_files', { path: project, depth: 3 });
    expect(listing.split('\n')).toEqual([`${project}/src/`, `${project}/src/app.py`]);
    const read = await call('read_file', { path: `${project}/src/app.py` });
    expect(read).toContain('     1\timport os\n');
    expect(read).toContain('     2\tprint(os.environ["GREETING"], "world")\n');
    expect(read).toMatch(/2 lines in total/);
    const badInput = await call('read_file', { path: '' });
    expect(badInput).toMatch(/^Error: invalid input for read_file: path/);
    const notThere = await call('read_file', { path: '/no/such/file' });
    expect(notThere).toMatch(/^Error: cannot read/);
  });

  it.skipIf(!tmuxAvailable())('runs the program as a background job and reads its output', async () => {
    const anthropic = toAnthropicTools(tools);
    const use = async (name: string, input: unknown) => anthropic.handleToolUse({ type: 'tool_use', id: name, name, input });
    await use('bash', { command: `mkdir -p ${project} && cd ${project}` });
    await use('write_file', { path: 'job.py', content: 'for i in range(3):\n    print("job line", i, flush=True)\n' });
    const started = await use('start_job', { command: 'python3 job.py' });
    expect(started.is_error).toBeUndefined();
    const { job_id: jobId, cwd } = JSON.parse(started.content) as { job_id: string; cwd: string };
    expect(cwd).toBe(project);
    const waited = await use('wait_job', { job_id: jobId, timeout_ms: 30_000 });
    expect(waited.content).toContain('job line 2');
    expect(waited.content).toMatch(/COMPLETED, exit code 0/);
    const output = await use('job_output', { job_id: jobId, offset: 0 });
    expect(output.content).toContain('job line 0\njob line 1\njob line 2');
    const from = /next_offset (\d+)/.exec(output.content);
    expect(Number(from?.[1])).toBeGreaterThan(0);
    const stopped = await use('stop_job', { job_id: jobId });
    expect(stopped.is_error).toBeUndefined();
  });

  it('a 5 MB output comes back within the budget, with a working path to the full text', async () => {
    const budget = 16 * 1024;
    // 600000 lines of "line-N": about 5.4 MB
    const expected = `${Array.from({ length: 600_000 }, (_, index) => `line-${index + 1}`).join('\n')}\n`;
    expect(expected.length).toBeGreaterThan(5 * 1024 * 1024);
    const text = await tools.find((tool) => tool.name === 'bash')!.execute({ command: 'seq -f "line-%.0f" 1 600000' });
    const notice = /full output saved in the sandbox at (\S+):/.exec(text);
    expect(notice).not.toBeNull();
    // within budget: everything but the notice lines is head + tail bytes
    const body = text
      .split('\n')
      .filter((line) => !line.startsWith('['))
      .join('\n');
    expect(Buffer.byteLength(body)).toBeLessThanOrEqual(budget + 64);
    expect(text.startsWith('line-1\nline-2\n')).toBe(true);
    expect(text).toMatch(/line-600000\n\[exit code: 0\]$/);
    const offsets = /showing bytes 0-(\d+) and (\d+)-(\d+) of (\d+)/.exec(text);
    expect(Number(offsets?.[4])).toBe(Buffer.byteLength(expected));
    const tailStart = Number(offsets?.[2]);
    expect(text).toContain(Buffer.from(expected).subarray(tailStart).toString());

    const path = notice![1]!;
    expect(path.startsWith(`${outputDir}/`)).toBe(true);
    const full = await sandbox.readFile(path);
    expect(full.success).toBe(true);
    expect(full.text === expected).toBe(true);
    // page through it with read_file: lines 300000-300002
    const page = await tools.find((tool) => tool.name === 'read_file')!.execute({ path, offset: 300_000, limit: 3 });
    expect(page).toContain('300000\tline-300000\n300001\tline-300001\n300002\tline-300002\n');
    expect(page).toMatch(/600000 lines in total; showed lines 300000-300002; continue with offset 300003/);
    // and with bash at the byte offset the notice gave
    const headEnd = Number(offsets?.[1]);
    const slice = await tools
      .find((tool) => tool.name === 'bash')!
      .execute({ command: `tail -c +${headEnd + 1} ${path} | head -c 20` });
    expect(
      slice.startsWith(
        Buffer.from(expected)
          .subarray(headEnd, headEnd + 20)
          .toString(),
      ),
    ).toBe(true);
  });
});
