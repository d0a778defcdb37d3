import type { SandboxTool, ToolOutput } from './sandbox-tool.js';
import { toolJsonSchema } from './sandbox-tool.js';

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  if (raw.trim() === '') return {};
  return JSON.parse(raw) as unknown;
}

async function dispatch(tools: readonly SandboxTool[], name: string, rawInput: unknown): Promise<ToolOutput> {
  const tool = tools.find((candidate) => candidate.name === name);
  if (tool === undefined) {
    return { text: `Error: unknown tool "${name}". Known tools: ${tools.map((t) => t.name).join(', ')}`, isError: true };
  }
  let input: unknown;
  try {
    input = parseArguments(rawInput);
  } catch {
    return { text: `Error: the arguments of ${name} are not valid JSON`, isError: true };
  }
  return tool.invoke(input);
}

/** A tool in the OpenAI Chat Completions `tools` array. */
export interface OpenAIToolDefinition {
  type: 'function';
  function: { name: string; description: string; parameters: Record<string, unknown> };
}

/** A tool call as the OpenAI API returns it in `message.tool_calls`. */
export interface OpenAIToolCall {
  id: string;
  type?: 'function';
  function: { name: string; arguments: string };
}

/** The `role: 'tool'` message to append to the conversation after a tool call. */
export interface OpenAIToolMessage {
  role: 'tool';
  tool_call_id: string;
  content: string;
}

/** OpenAI adapter: definitions for `tools`, and a dispatcher for `tool_calls`. */
export interface OpenAITools {
  tools: OpenAIToolDefinition[];
  /** Runs one tool call and returns the message to send back. Never throws. */
  handleToolCall(call: OpenAIToolCall): Promise<OpenAIToolMessage>;
  /** Runs every call of an assistant message in order. */
  handleToolCalls(calls: readonly OpenAIToolCall[]): Promise<OpenAIToolMessage[]>;
}

/** Shapes sandbox tools for the OpenAI Chat Completions API (no dependency on `openai`). */
export function toOpenAITools(tools: readonly SandboxTool[]): OpenAITools {
  const handleToolCall = async (call: OpenAIToolCall): Promise<OpenAIToolMessage> => {
    const output = await dispatch(tools, call.function.name, call.function.arguments);
    return { role: 'tool', tool_call_id: call.id, content: output.text };
  };
  return {
    tools: tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, description: tool.description, parameters: toolJsonSchema(tool) },
    })),
    handleToolCall,
    handleToolCalls: async (calls) => {
      const messages: OpenAIToolMessage[] = [];
      // In order: tools share one shell session, and the model expects its order kept.
      for (const call of calls) messages.push(await handleToolCall(call));
      return messages;
    },
  };
}

/** A tool in the Anthropic Messages API `tools` array. */
export interface AnthropicToolDefinition {
  name: string;
  description: string;
  input_schema: Record<string, unknown>;
}

/** A `tool_use` content block from an Anthropic response. */
export interface AnthropicToolUse {
  type?: 'tool_use';
  id: string;
  name: string;
  input: unknown;
}

/** The `tool_result` content block to send back in the next user message. */
export interface AnthropicToolResult {
  type: 'tool_result';
  tool_use_id: string;
  content: string;
  is_error?: boolean;
}

/** Anthropic adapter: definitions for `tools`, and a dispatcher for `tool_use` blocks. */
export interface AnthropicTools {
  tools: AnthropicToolDefinition[];
  /** Runs one `tool_use` block and returns its `tool_result`. Never throws. */
  handleToolUse(block: AnthropicToolUse): Promise<AnthropicToolResult>;
  /** Runs every `tool_use` block of a response's content in order; other blocks are skipped. */
  handleContent(content: readonly { type: string }[]): Promise<AnthropicToolResult[]>;
}

/** Shapes sandbox tools for the Anthropic Messages API (no dependency on `@anthropic-ai/sdk`). */
export function toAnthropicTools(tools: readonly SandboxTool[]): AnthropicTools {
  const handleToolUse = async (block: AnthropicToolUse): Promise<AnthropicToolResult> => {
    const output = await dispatch(tools, block.name, block.input);
    return {
      type: 'tool_result',
      tool_use_id: block.id,
      content: output.text,
      ...(output.isError ? { is_error: true } : {}),
    };
  };
  return {
    tools: tools.map((tool) => ({ name: tool.name, description: tool.description, input_schema: toolJsonSchema(tool) })),
    handleToolUse,
    handleContent: async (content) => {
      const results: AnthropicToolResult[] = [];
      for (const block of content) {
        if (block.type === 'tool_use') results.push(await handleToolUse(block as AnthropicToolUse));
      }
      return results;
    },
  };
}

/** One tool in the shape the Vercel AI SDK's `tool()` accepts. */
export interface VercelAITool {
  description: string;
  /** The zod schema (the AI SDK accepts zod 4 schemas directly). */
  inputSchema: SandboxTool['inputSchema'];
  execute: (input: unknown) => Promise<string>;
}

/**
 * Shapes sandbox tools for the Vercel AI SDK: `{ [name]: { description, inputSchema, execute } }`,
 * usable as `generateText({ tools })` or through `tool()`. No dependency on `ai`.
 */
export function toVercelAITools(tools: readonly SandboxTool[]): Record<string, VercelAITool> {
  const result: Record<string, VercelAITool> = {};
  for (const tool of tools) {
    result[tool.name] = { description: tool.description, inputSchema: tool.inputSchema, execute: (input) => tool.execute(input) };
  }
  return result;
}
