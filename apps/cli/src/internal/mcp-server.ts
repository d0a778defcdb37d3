import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { createSandboxTools, type EciSandbox, type SandboxInfo, type SandboxTool } from '@eci-sandbox/sdk';
import { z } from 'zod';
import { redact } from './redact.js';

type ToolReply = { content: Array<{ type: 'text'; text: string }>; isError?: boolean };

function reply(text: string, isError = false): ToolReply {
  return { content: [{ type: 'text', text: redact(text) }], ...(isError ? { isError: true } : {}) };
}

function describeSandbox(info: SandboxInfo): Record<string, unknown> {
  return {
    sandboxId: info.sandboxId,
    name: info.name,
    status: info.status,
    creationTime: info.creationTime,
    tags: info.tags,
  };
}

const sandboxIdField = z.string().min(1).describe('Id of the sandbox to work in (from create_sandbox or list_sandboxes)');

export interface SandboxMcpServer {
  server: McpServer;
  /** Closes every shell session the tools opened. */
  close(): Promise<void>;
}

/**
 * An MCP server offering sandbox lifecycle tools (`create_sandbox`, `list_sandboxes`,
 * `delete_sandbox`) and the SDK's agent tools (`bash`, `read_file`, `write_file`, …), each of
 * the latter taking a `sandboxId`. Tools for one sandbox share a persistent shell.
 */
export async function createSandboxMcpServer(client: EciSandbox, version: string): Promise<SandboxMcpServer> {
  // Loaded on demand (here and below): other commands should not pay for the MCP SDK's start-up.
  const { McpServer } = await import('@modelcontextprotocol/sdk/server/mcp.js');
  const server = new McpServer(
    { name: 'eci-sandbox', version },
    {
      instructions:
        'Sandboxes on Alibaba Cloud ECI (or the local emulator). Call create_sandbox first, then pass its sandboxId to bash, read_file, write_file and the job tools. Delete sandboxes you no longer need with delete_sandbox.',
    },
  );
  const toolSets = new Map<string, ReturnType<typeof createSandboxTools>>();

  const toolsFor = async (sandboxId: string): Promise<ReturnType<typeof createSandboxTools>> => {
    let tools = toolSets.get(sandboxId);
    if (!tools) {
      const sandbox = await client.getSandbox(sandboxId);
      tools = createSandboxTools(sandbox);
      toolSets.set(sandboxId, tools);
    }
    return tools;
  };

  server.registerTool(
    'create_sandbox',
    {
      description:
        'Create a new sandbox (a Linux container) and wait until it is running. Returns its sandboxId. Delete it with delete_sandbox when done.',
      inputSchema: {
        image: z.string().min(1).optional().describe('Container image, e.g. "python:3.12-slim". Default "debian:12-slim".'),
        name: z.string().optional().describe('Name: lowercase letters, digits and hyphens'),
        cpu: z.number().positive().optional().describe('vCPUs'),
        memory: z.number().positive().optional().describe('Memory in GiB'),
        env: z.record(z.string(), z.string()).optional().describe('Environment variables'),
        tags: z.record(z.string(), z.string()).optional().describe('Tags, to find the sandbox later'),
        ttl_seconds: z
          .number()
          .int()
          .positive()
          .optional()
          .describe('Hard deadline: the sandbox is stopped after this many seconds'),
      },
      annotations: { destructiveHint: false, openWorldHint: true },
    },
    async (input) => {
      const result = await client.create({
        image: input.image ?? 'debian:12-slim',
        ...(input.name ? { name: input.name } : {}),
        ...(input.cpu ? { cpu: input.cpu } : {}),
        ...(input.memory ? { memory: input.memory } : {}),
        ...(input.env ? { env: input.env } : {}),
        tags: { 'created-by': 'eci-sandbox-mcp', ...(input.tags ?? {}) },
        ...(input.ttl_seconds ? { ttlMs: input.ttl_seconds * 1000 } : {}),
        waitUntilRunning: true,
      });
      if (!result.success) return reply(`Error: create failed: ${result.errorMessage}`, true);
      const sandboxId = result.sandbox?.id ?? result.info?.sandboxId ?? result.sandboxId ?? '';
      return reply(JSON.stringify({ sandboxId, status: result.info?.status ?? 'Running' }));
    },
  );

  server.registerTool(
    'list_sandboxes',
    {
      description: 'List sandboxes, optionally by status or tags.',
      inputSchema: {
        status: z.string().optional().describe('Only this status, e.g. "Running"'),
        tags: z.record(z.string(), z.string()).optional().describe('Only sandboxes with all these tags'),
      },
      annotations: { readOnlyHint: true, openWorldHint: true },
    },
    async (input) => {
      const sandboxes: Record<string, unknown>[] = [];
      let nextToken = '';
      do {
        const page = await client.list({
          limit: 20,
          ...(input.status ? { status: input.status } : {}),
          ...(input.tags ? { tags: input.tags } : {}),
          ...(nextToken ? { nextToken } : {}),
        });
        if (!page.success) return reply(`Error: list failed: ${page.errorMessage}`, true);
        sandboxes.push(...page.sandboxes.map(describeSandbox));
        nextToken = page.nextToken;
      } while (nextToken !== '' && sandboxes.length < 500);
      return reply(JSON.stringify({ sandboxes }));
    },
  );

  server.registerTool(
    'delete_sandbox',
    {
      description: 'Delete a sandbox and everything in it.',
      inputSchema: {
        sandboxId: sandboxIdField,
        force: z.boolean().optional().describe('Delete even while it is still starting'),
      },
      annotations: { destructiveHint: true, openWorldHint: true },
    },
    async (input) => {
      const tools = toolSets.get(input.sandboxId);
      toolSets.delete(input.sandboxId);
      await tools?.close().catch(() => undefined);
      const result = await client.delete(input.sandboxId, { force: input.force ?? false });
      if (!result.success) return reply(`Error: delete failed: ${result.errorMessage}`, true);
      return reply(JSON.stringify({ sandboxId: input.sandboxId, deleted: true }));
    },
  );

  // The agent tools are made per sandbox; a template set (over a stand-in) gives names, descriptions and schemas.
  for (const template of templateTools()) {
    const shape = template.inputSchema instanceof z.ZodObject ? (template.inputSchema.shape as z.ZodRawShape) : {};
    server.registerTool(
      template.name,
      {
        description: `${template.description} Pass the sandboxId of a sandbox from create_sandbox.`,
        inputSchema: { sandboxId: sandboxIdField, ...shape },
      },
      async (input: Record<string, unknown>) => {
        const { sandboxId, ...rest } = input;
        try {
          const tools = await toolsFor(String(sandboxId));
          const tool = tools.find((candidate: SandboxTool) => candidate.name === template.name);
          if (!tool) return reply(`Error: unknown tool ${template.name}`, true);
          const output = await tool.invoke(rest);
          return reply(output.text, output.isError);
        } catch (error) {
          return reply(`Error: ${error instanceof Error ? error.message : String(error)}`, true);
        }
      },
    );
  }

  return {
    server,
    async close() {
      const sets = [...toolSets.values()];
      toolSets.clear();
      await Promise.all(sets.map((tools) => tools.close().catch(() => undefined)));
    },
  };
}

/** The agent tools over a sandbox that is never called: only their names and schemas are read. */
function templateTools(): SandboxTool[] {
  const unused = (): never => {
    throw new Error('template sandbox');
  };
  return [
    ...createSandboxTools({
      id: 'template',
      openSession: unused,
      readFile: unused,
      writeFile: unused,
      tmuxStart: unused,
      tmuxPoll: unused,
      tmuxWait: unused,
      tmuxKill: unused,
      tmuxList: unused,
    }),
  ];
}

/** Serves MCP over stdin/stdout until the client disconnects or a signal arrives. */
export async function serveStdio(client: EciSandbox, version: string): Promise<void> {
  const { server, close } = await createSandboxMcpServer(client, version);
  const { StdioServerTransport } = await import('@modelcontextprotocol/sdk/server/stdio.js');
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  await server.connect(transport);
  process.stderr.write('eci-sandbox MCP server ready on stdio\n');
  await closed;
  await close();
  await server.close().catch(() => undefined);
}
