import { z } from 'zod';

/** What a tool hands back: the text for the model, and whether it reports a failure. */
export interface ToolOutput {
  /** Text for the model (a JSON string for structured answers). */
  text: string;
  /** Whether the call failed (bad input, a failed API call, a missing file …). */
  isError: boolean;
}

/**
 * A tool an LLM can call. Framework-neutral: the adapters (`toOpenAITools`,
 * `toAnthropicTools`, `toVercelAITools`) turn a list of these into each framework's shape.
 */
export interface SandboxTool<Input = unknown> {
  /** Name the model calls, e.g. `bash`. */
  readonly name: string;
  /** What the tool does, written for the model. */
  readonly description: string;
  /** zod schema of the input; `z.toJSONSchema(inputSchema)` gives the JSON Schema. */
  readonly inputSchema: z.ZodType<Input>;
  /**
   * Runs the tool. The input is validated first; failures come back as readable text (starting
   * with `Error:`), never as a thrown exception.
   */
  execute(input: unknown): Promise<string>;
  /** Same as `execute`, with the failure flag kept apart from the text. */
  invoke(input: unknown): Promise<ToolOutput>;
}

/** Builds a `SandboxTool` whose `run` may throw; validation and error-to-text happen here. */
export function defineTool<Schema extends z.ZodType>(definition: {
  name: string;
  description: string;
  inputSchema: Schema;
  run: (input: z.output<Schema>) => Promise<ToolOutput | string>;
}): SandboxTool<z.output<Schema>> {
  const invoke = async (input: unknown): Promise<ToolOutput> => {
    const parsed = definition.inputSchema.safeParse(input ?? {});
    if (!parsed.success) {
      return { text: `Error: invalid input for ${definition.name}: ${describeIssues(parsed.error)}`, isError: true };
    }
    try {
      const output = await definition.run(parsed.data);
      return typeof output === 'string' ? { text: output, isError: false } : output;
    } catch (error) {
      return { text: `Error: ${error instanceof Error ? error.message : String(error)}`, isError: true };
    }
  };
  return {
    name: definition.name,
    description: definition.description,
    inputSchema: definition.inputSchema as z.ZodType<z.output<Schema>>,
    invoke,
    execute: async (input) => (await invoke(input)).text,
  };
}

/** `field: problem; other: problem`, for people and models alike. */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(input)'}: ${issue.message}`).join('; ');
}

/** JSON Schema (draft 2020-12) of a tool's input, without the `$schema` key that some APIs reject. */
export function toolJsonSchema(tool: SandboxTool): Record<string, unknown> {
  const schema = z.toJSONSchema(tool.inputSchema, { io: 'input' }) as Record<string, unknown>;
  const { $schema: _ignored, ...rest } = schema;
  return rest;
}
