import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_PATH, WORK_DIR, removeWorkDir, startTestEmulator, type TestEmulator } from './helpers.js';

function textOf(result: unknown): string {
  const content = (result as { content?: Array<{ type: string; text?: string }> }).content ?? [];
  return content.map((part) => part.text ?? '').join('');
}

describe('eci-sandbox mcp, driven by the official MCP client over stdio', () => {
  let emulator: TestEmulator;
  let client: Client;
  let transport: StdioClientTransport;
  let sandboxId = '';
  const stderr: string[] = [];

  beforeAll(async () => {
    emulator = await startTestEmulator();
    transport = new StdioClientTransport({
      command: process.execPath,
      args: [CLI_PATH, 'mcp'],
      env: emulator.env,
      cwd: WORK_DIR,
      stderr: 'pipe',
    });
    transport.stderr?.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
    client = new Client({ name: 'eci-sandbox-test', version: '0.0.0' });
    await client.connect(transport);
  });

  afterAll(async () => {
    if (sandboxId)
      await client.callTool({ name: 'delete_sandbox', arguments: { sandboxId, force: true } }).catch(() => undefined);
    await client?.close();
    await emulator?.close();
    removeWorkDir();
  });

  it('lists the lifecycle tools and the agent tools, each agent tool taking a sandboxId', async () => {
    const { tools } = await client.listTools();
    const names = tools.map((tool) => tool.name);
    expect(names).toEqual(
      expect.arrayContaining(['create_sandbox', 'list_sandboxes', 'delete_sandbox', 'bash', 'read_file', 'write_file']),
    );
    const bash = tools.find((tool) => tool.name === 'bash')!;
    expect(bash.inputSchema.required).toEqual(expect.arrayContaining(['sandboxId', 'command']));
  });

  it('creates a sandbox, runs bash, reads a file, deletes it', async () => {
    const created = await client.callTool({ name: 'create_sandbox', arguments: { name: 'mcp-test', tags: { suite: 'mcp' } } });
    expect(created.isError, textOf(created)).toBeFalsy();
    sandboxId = (JSON.parse(textOf(created)) as { sandboxId: string }).sandboxId;
    expect(sandboxId).toMatch(/^eci-/);

    const bash = await client.callTool({
      name: 'bash',
      arguments: { sandboxId, command: 'cd /tmp && echo "from mcp $((40+2))" > mcp.txt && cat mcp.txt' },
    });
    expect(bash.isError, textOf(bash)).toBeFalsy();
    expect(textOf(bash)).toContain('from mcp 42');

    const read = await client.callTool({ name: 'read_file', arguments: { sandboxId, path: '/tmp/mcp.txt' } });
    expect(read.isError, textOf(read)).toBeFalsy();
    expect(textOf(read)).toContain('from mcp 42');

    const listed = await client.callTool({ name: 'list_sandboxes', arguments: { tags: { suite: 'mcp' } } });
    expect(textOf(listed)).toContain(sandboxId);

    const deleted = await client.callTool({ name: 'delete_sandbox', arguments: { sandboxId } });
    expect(deleted.isError, textOf(deleted)).toBeFalsy();
    const after = await client.callTool({ name: 'list_sandboxes', arguments: { tags: { suite: 'mcp' } } });
    expect(textOf(after)).not.toContain(sandboxId);
    sandboxId = '';
  });

  it('reports bad input as a tool error, and never prints the secret', async () => {
    const bad = await client.callTool({ name: 'bash', arguments: { sandboxId: 'eci-doesnotexist0000', command: 'true' } });
    expect(bad.isError).toBe(true);
    expect(textOf(bad) + stderr.join('')).not.toContain(emulator.env.ECI_SANDBOX_ACCESS_KEY_SECRET!);
  });
});
