import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { toAnthropicTools, toOpenAITools, toVercelAITools } from './adapters.js';
import { defineTool } from './sandbox-tool.js';

const echo = defineTool({
  name: 'echo',
  description: 'Echo a word, n times',
  inputSchema: z.object({ word: z.string().min(1), times: z.number().int().positive().optional() }),
  run: async (input) => input.word.repeat(input.times ?? 1),
});
const broken = defineTool({
  name: 'broken',
  description: 'Always fails',
  inputSchema: z.object({}),
  run: async () => {
    throw new Error('disk on fire');
  },
});
const tools = [echo, broken];

describe('tool adapters', () => {
  it('shapes OpenAI function tools and dispatches tool calls', async () => {
    const openai = toOpenAITools(tools);
    expect(openai.tools[0]).toMatchObject({
      type: 'function',
      function: { name: 'echo', description: 'Echo a word, n times', parameters: { type: 'object', required: ['word'] } },
    });
    expect(openai.tools[0]?.function.parameters).not.toHaveProperty('$schema');
    const message = await openai.handleToolCall({
      id: 'call_1',
      type: 'function',
      function: { name: 'echo', arguments: '{"word":"ab","times":2}' },
    });
    expect(message).toEqual({ role: 'tool', tool_call_id: 'call_1', content: 'abab' });
    const [bad, unknown, invalid] = await openai.handleToolCalls([
      { id: 'c2', function: { name: 'echo', arguments: '{"word":' } },
      { id: 'c3', function: { name: 'nope', arguments: '{}' } },
      { id: 'c4', function: { name: 'echo', arguments: '{"times":-1}' } },
    ]);
    expect(bad?.content).toMatch(/not valid JSON/);
    expect(unknown?.content).toMatch(/unknown tool "nope"/);
    expect(invalid?.content).toMatch(/^Error: invalid input for echo: word: .*times: /);
  });

  it('shapes Anthropic tools and marks failures as is_error', async () => {
    const anthropic = toAnthropicTools(tools);
    expect(anthropic.tools[1]).toEqual({
      name: 'broken',
      description: 'Always fails',
      input_schema: expect.objectContaining({ type: 'object' }),
    });
    const results = await anthropic.handleContent([
      { type: 'text' },
      { type: 'tool_use', id: 'tu_1', name: 'echo', input: { word: 'x' } } as { type: string },
      { type: 'tool_use', id: 'tu_2', name: 'broken', input: {} } as { type: string },
    ]);
    expect(results).toEqual([
      { type: 'tool_result', tool_use_id: 'tu_1', content: 'x' },
      { type: 'tool_result', tool_use_id: 'tu_2', content: 'Error: disk on fire', is_error: true },
    ]);
  });

  it('shapes Vercel AI SDK tools keyed by name', async () => {
    const vercel = toVercelAITools(tools);
    expect(Object.keys(vercel)).toEqual(['echo', 'broken']);
    expect(vercel.echo?.inputSchema).toBe(echo.inputSchema);
    expect(await vercel.echo?.execute({ word: 'hi' })).toBe('hi');
    expect(await vercel.broken?.execute({})).toBe('Error: disk on fire');
  });
});
