import { z } from 'zod';
import { randomHex } from '../internal/random-id.js';
import { shellQuote } from '../internal/shell-quote.js';
import type { CommandResult, OperationResult } from '../results.js';
import { DEFAULT_OUTPUT_BUDGET_BYTES, budgetOutput, formatTruncationNotice } from './output-budget.js';
import type { SandboxTool } from './sandbox-tool.js';
import { defineTool } from './sandbox-tool.js';
import type { ToolSandbox, ToolShellSession } from './tool-sandbox.js';

/** Where the bash tool keeps full outputs that were too long for the model. */
export const DEFAULT_OUTPUT_DIR = '/tmp/.eci-sandbox/outputs';

/** Options of `createSandboxTools`. */
export interface SandboxToolsOptions {
  /**
   * Most bytes of output a tool hands the model; longer output is cut to its head and tail and
   * the full text is kept in the sandbox. Default 16384 (16 KiB, about 4000 tokens).
   */
  outputBudgetBytes?: number;
  /** Directory in the sandbox for full outputs. Default `/tmp/.eci-sandbox/outputs`. */
  outputDir?: string;
  /** Default timeout of a `bash` tool call in ms (the model may pass its own). Default 120000. */
  bashTimeoutMs?: number;
  /** Longest timeout the model may ask for (`bash`, `wait_job`) in ms. Default 600000. */
  maxTimeoutMs?: number;
  /** Which tools to offer. Default: all of them. */
  include?: readonly SandboxToolName[];
}

/** Names of the tools `createSandboxTools` can make. */
export type SandboxToolName =
  | 'bash'
  | 'read_file'
  | 'write_file'
  | 'edit_file'
  | 'list_files'
  | 'start_job'
  | 'job_output'
  | 'wait_job'
  | 'stop_job';

/** The tools, plus `close()` to end their shell session. */
export interface SandboxTools extends Array<SandboxTool> {
  /** Closes the persistent shell the tools share. */
  close(): Promise<void>;
}

const DEFAULT_BASH_TIMEOUT_MS = 120_000;
const DEFAULT_MAX_TIMEOUT_MS = 600_000;
const DEFAULT_READ_LINES = 2000;
const MAX_LINE_CHARS = 2000;

function failure(result: OperationResult, what: string): { text: string; isError: true } {
  return { text: `Error: ${what} failed: ${result.errorMessage || 'unknown error'}`, isError: true };
}

/** A line after the trailer of a script's output: `<marker> <number>`. */
function splitTrailer(stdout: string, marker: string): { body: string; value: number | undefined } {
  const at = stdout.lastIndexOf(`${marker} `);
  if (at < 0) return { body: stdout, value: undefined };
  const value = Number.parseInt(stdout.slice(at + marker.length + 1), 10);
  const body = stdout.slice(0, at).replace(/\n$/, '');
  return { body, value: Number.isFinite(value) ? value : undefined };
}

/**
 * Tools an LLM can call to work in `sandbox`: `bash` (a persistent shell: `cd` and exports
 * stay), `read_file`, `write_file`, `edit_file`, `list_files`, and background jobs in tmux
 * (`start_job`, `job_output`, `wait_job`, `stop_job`). Each has a zod input schema and an
 * `execute(input)` that returns text for the model; failures come back as text, never thrown.
 */
export function createSandboxTools(sandbox: ToolSandbox, options: SandboxToolsOptions = {}): SandboxTools {
  const budgetBytes = options.outputBudgetBytes ?? DEFAULT_OUTPUT_BUDGET_BYTES;
  const outputDir = options.outputDir ?? DEFAULT_OUTPUT_DIR;
  const maxTimeoutMs = options.maxTimeoutMs ?? DEFAULT_MAX_TIMEOUT_MS;
  const bashTimeoutMs = Math.min(options.bashTimeoutMs ?? DEFAULT_BASH_TIMEOUT_MS, maxTimeoutMs);
  const runId = randomHex(4);
  let outputCounter = 0;

  let session: ToolShellSession | undefined;
  const shell = (): ToolShellSession => (session ??= sandbox.openSession());
  const run = (script: string, timeoutMs?: number): Promise<CommandResult> => shell().run(script, { timeoutMs });

  /** The shell's current directory, to turn relative paths into absolute ones. */
  const resolvePath = async (path: string): Promise<string> => {
    if (path.startsWith('/')) return path;
    const result = await run('pwd');
    if (!result.success) throw new Error(`could not find the current directory: ${result.errorMessage}`);
    const cwd = result.stdout.trim();
    const relative = path.replace(/^(\.\/)+/, '');
    if (relative === '.' || relative === '') return cwd;
    return `${cwd === '/' ? '' : cwd}/${relative}`;
  };

  const timeoutSchema = z
    .number()
    .int()
    .positive()
    .max(maxTimeoutMs, `timeout_ms must be at most ${maxTimeoutMs}`)
    .optional()
    .describe('Timeout in milliseconds');

  const bash = defineTool({
    name: 'bash',
    description:
      'Run a bash command in the sandbox. The shell is persistent: the working directory and exported variables stay between calls. ' +
      'stdout and stderr are combined. Long output is cut to its head and tail; the full text is saved in the sandbox and its path is given. ' +
      'stdin is empty: do not run interactive programs. For commands that take longer than a few minutes, use start_job.',
    inputSchema: z.object({
      command: z.string().min(1, 'command must not be empty').describe('The bash command to run'),
      timeout_ms: timeoutSchema.describe(`Timeout in milliseconds (default ${bashTimeoutMs}, max ${maxTimeoutMs})`),
    }),
    run: async (input) => {
      outputCounter += 1;
      const outputPath = `${outputDir}/${runId}-${outputCounter}.log`;
      const marker = `__ECI_SANDBOX_CUT_${randomHex(6)}__`;
      const headBytes = Math.floor(budgetBytes * 0.4);
      const tailBytes = budgetBytes - headBytes;
      const file = shellQuote(outputPath);
      // The command runs in the current shell (a { } group, not a subshell) so cd and exports
      // persist; its output goes to a file in the sandbox so a 5 MB output never crosses the wire.
      const script = [
        `mkdir -p ${shellQuote(outputDir)}`,
        `{ ${input.command}`,
        `} </dev/null >${file} 2>&1`,
        '__eci_status=$?',
        `__eci_size=$(wc -c <${file} | tr -d ' ')`,
        `if [ "$__eci_size" -le ${budgetBytes} ]; then cat ${file}; rm -f ${file}; else head -c ${headBytes} ${file}; printf '\\n${marker} %s\\n' "$__eci_size"; tail -c ${tailBytes} ${file}; fi`,
        '(exit $__eci_status)',
      ].join('\n');
      const result = await run(script, input.timeout_ms ?? bashTimeoutMs);
      if (!result.success) {
        return failure(result, 'bash');
      }
      const text = assembleCutOutput(result.stdout, marker, tailBytes, outputPath);
      return `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}[exit code: ${result.exitCode}]`;
    },
  });

  const readFile = defineTool({
    name: 'read_file',
    description:
      'Read a text file from the sandbox, with line numbers. Use offset (first line, from 1) and limit (number of lines) to page through long files. ' +
      `Lines longer than ${MAX_LINE_CHARS} characters are cut.`,
    inputSchema: z.object({
      path: z
        .string()
        .min(1, 'path must not be empty')
        .describe('File path (absolute, or relative to the bash working directory)'),
      offset: z
        .number()
        .int()
        .min(1, 'offset is a line number, from 1')
        .optional()
        .describe('First line to read, from 1 (default 1)'),
      limit: z.number().int().positive().optional().describe(`Number of lines to read (default ${DEFAULT_READ_LINES})`),
    }),
    run: async (input) => {
      const first = input.offset ?? 1;
      const last = first + (input.limit ?? DEFAULT_READ_LINES) - 1;
      const marker = `__ECI_SANDBOX_LINES_${randomHex(6)}__`;
      const path = shellQuote(input.path);
      const script = [
        `if [ -d ${path} ]; then echo "is a directory: use list_files"; exit 21; fi`,
        `if [ ! -r ${path} ]; then echo "no such file or not readable"; exit 2; fi`,
        `awk -v first=${first} -v last=${last} 'NR >= first && NR <= last { line = $0; if (length(line) > ${MAX_LINE_CHARS}) line = substr(line, 1, ${MAX_LINE_CHARS}) " [line cut]"; printf "%6d\\t%s\\n", NR, line } END { printf "${marker} %d\\n", NR }' ${path}`,
      ].join('\n');
      const result = await run(script);
      if (!result.success) return failure(result, 'read_file');
      if (result.exitCode !== 0) {
        return { text: `Error: cannot read ${input.path}: ${result.stdout.trim() || result.stderr.trim()}`, isError: true };
      }
      const { body, value: totalLines } = splitTrailer(result.stdout, marker);
      const budgeted = budgetOutput(body, budgetBytes);
      const shownLast = Math.min(last, totalLines ?? last);
      let footer = `[${input.path}: ${totalLines ?? '?'} lines in total`;
      if (totalLines !== undefined && first > totalLines) footer += `; offset ${first} is past the end`;
      else footer += `; showed lines ${first}-${shownLast}`;
      if (totalLines !== undefined && shownLast < totalLines) footer += `; continue with offset ${shownLast + 1}`;
      if (budgeted.truncated) footer += '; output cut to the budget, use a smaller limit';
      footer += ']';
      return `${budgeted.text}${budgeted.text.endsWith('\n') || budgeted.text === '' ? '' : '\n'}${footer}`;
    },
  });

  const writeFile = defineTool({
    name: 'write_file',
    description: 'Create or overwrite a file in the sandbox with the given content. Parent directories are created.',
    inputSchema: z.object({
      path: z
        .string()
        .min(1, 'path must not be empty')
        .describe('File path (absolute, or relative to the bash working directory)'),
      content: z.string().describe('The whole new content of the file'),
    }),
    run: async (input) => {
      const path = await resolvePath(input.path);
      const parent = path.slice(0, path.lastIndexOf('/')) || '/';
      const mkdir = await run(`mkdir -p ${shellQuote(parent)}`);
      if (!mkdir.success) return failure(mkdir, 'write_file');
      const result = await sandbox.writeFile(path, input.content);
      if (!result.success) return failure(result, 'write_file');
      return `Wrote ${result.bytesWritten} bytes to ${path}`;
    },
  });

  const editFile = defineTool({
    name: 'edit_file',
    description:
      'Replace an exact string in a file. old_string must occur exactly once (include enough surrounding lines to make it unique), ' +
      'unless replace_all is true.',
    inputSchema: z.object({
      path: z
        .string()
        .min(1, 'path must not be empty')
        .describe('File path (absolute, or relative to the bash working directory)'),
      old_string: z.string().min(1, 'old_string must not be empty').describe('The exact text to replace'),
      new_string: z.string().describe('The text to put in its place'),
      replace_all: z.boolean().optional().describe('Replace every occurrence (default false)'),
    }),
    run: async (input) => {
      const path = await resolvePath(input.path);
      const read = await sandbox.readFile(path);
      if (!read.success || read.text === undefined) return failure(read, `reading ${path}`);
      const count = read.text.split(input.old_string).length - 1;
      if (count === 0) {
        return {
          text: `Error: old_string was not found in ${path}; read the file and copy the text exactly (whitespace included)`,
          isError: true,
        };
      }
      if (count > 1 && input.replace_all !== true) {
        return {
          text: `Error: old_string occurs ${count} times in ${path}; include more surrounding text so it matches exactly once, or set replace_all`,
          isError: true,
        };
      }
      const updated = read.text.split(input.old_string).join(input.new_string);
      const write = await sandbox.writeFile(path, updated);
      if (!write.success) return failure(write, `writing ${path}`);
      return `Replaced ${count} occurrence${count === 1 ? '' : 's'} in ${path}`;
    },
  });

  const listFiles = defineTool({
    name: 'list_files',
    description:
      'List files and directories under a directory (directories end with /). .git and node_modules are shown but not entered.',
    inputSchema: z.object({
      path: z.string().min(1).optional().describe('Directory (default: the bash working directory)'),
      depth: z.number().int().min(1).max(10, 'depth must be at most 10').optional().describe('How many levels deep (default 2)'),
    }),
    run: async (input) => {
      const path = shellQuote(input.path ?? '.');
      const maxEntries = 1000;
      const script = [
        `if [ ! -d ${path} ]; then echo "not a directory"; exit 2; fi`,
        `find ${path} -mindepth 1 -maxdepth ${input.depth ?? 2} \\( -name .git -o -name node_modules \\) -print -prune -o -print 2>/dev/null | LC_ALL=C sort | head -n ${maxEntries + 1} | while IFS= read -r entry; do if [ -d "$entry" ]; then printf '%s/\\n' "$entry"; else printf '%s\\n' "$entry"; fi; done`,
      ].join('\n');
      const result = await run(script);
      if (!result.success) return failure(result, 'list_files');
      if (result.exitCode !== 0) {
        return {
          text: `Error: cannot list ${input.path ?? '.'}: ${result.stdout.trim() || result.stderr.trim()}`,
          isError: true,
        };
      }
      const entries = result.stdout.split('\n').filter((line) => line !== '');
      if (entries.length === 0) return '(empty directory)';
      const shown = entries.slice(0, maxEntries);
      const more =
        entries.length > maxEntries ? `\n[more than ${maxEntries} entries; list a subdirectory or use a smaller depth]` : '';
      return budgetOutput(shown.join('\n'), budgetBytes).text + more;
    },
  });

  const jobId = z.string().min(1, 'job_id must not be empty').describe('The job id returned by start_job');

  const describeJob = (result: { sessionId: string; status: string; exitCode: number | null }): string =>
    `[job ${result.sessionId}: ${result.status}${result.exitCode === null ? '' : `, exit code ${result.exitCode}`}]`;

  const startJob = defineTool({
    name: 'start_job',
    description:
      'Start a long-running command in the background (in tmux). It keeps running between tool calls. ' +
      'Returns a job id for job_output, wait_job and stop_job.',
    inputSchema: z.object({
      command: z.string().min(1, 'command must not be empty').describe('The bash command to run'),
      cwd: z.string().min(1).optional().describe('Working directory (default: the bash working directory)'),
    }),
    run: async (input) => {
      const execDir = await resolvePath(input.cwd ?? '.');
      const result = await sandbox.tmuxStart(input.command, { execDir });
      if (!result.success) return failure(result, 'start_job');
      return JSON.stringify({ job_id: result.sessionId, status: 'RUNNING', cwd: execDir });
    },
  });

  const jobOutput = defineTool({
    name: 'job_output',
    description:
      "Read a background job's output from a byte offset (default 0), and its status. Pass the returned next_offset to continue reading.",
    inputSchema: z.object({
      job_id: jobId,
      offset: z.number().int().min(0).optional().describe('Byte offset in the job output to read from (default 0)'),
    }),
    run: async (input) => {
      const offset = input.offset ?? 0;
      const result = await sandbox.tmuxPoll(input.job_id, { offset, maxBytes: budgetBytes });
      if (!result.success) return failure(result, 'job_output');
      if (result.status === 'NOT_FOUND') return { text: `Error: no job ${input.job_id}`, isError: true };
      const more = result.outputTruncated ? `; more output: call job_output with offset ${result.nextOffset}` : '';
      return `${result.output}${result.output.endsWith('\n') || result.output === '' ? '' : '\n'}${describeJob(result).slice(0, -1)}; next_offset ${result.nextOffset}${more}]`;
    },
  });

  const waitJob = defineTool({
    name: 'wait_job',
    description:
      'Wait for a background job to finish (or the timeout) and return its status, exit code and the end of its output.',
    inputSchema: z.object({
      job_id: jobId,
      timeout_ms: timeoutSchema.describe(`How long to wait in milliseconds (default 60000, max ${maxTimeoutMs})`),
    }),
    run: async (input) => {
      const result = await sandbox.tmuxWait(input.job_id, { timeoutMs: input.timeout_ms ?? 60_000 });
      if (!result.success) return failure(result, 'wait_job');
      if (result.status === 'NOT_FOUND') return { text: `Error: no job ${input.job_id}`, isError: true };
      const budgeted = budgetOutput(result.output, budgetBytes);
      const note = result.status === 'RUNNING' ? ' (still running: wait again, read job_output, or stop_job)' : '';
      return `${budgeted.text}${budgeted.text.endsWith('\n') || budgeted.text === '' ? '' : '\n'}${describeJob(result)}${note}`;
    },
  });

  const stopJob = defineTool({
    name: 'stop_job',
    description: 'Stop a background job and remove it.',
    inputSchema: z.object({ job_id: jobId }),
    run: async (input) => {
      const result = await sandbox.tmuxKill(input.job_id);
      if (!result.success) return failure(result, 'stop_job');
      return `Stopped job ${input.job_id}`;
    },
  });

  const all: SandboxTool[] = [
    bash,
    readFile,
    writeFile,
    editFile,
    listFiles,
    startJob,
    jobOutput,
    waitJob,
    stopJob,
  ] as SandboxTool[];
  const included =
    options.include === undefined ? all : all.filter((tool) => options.include?.includes(tool.name as SandboxToolName));
  const tools = included as SandboxTools;
  Object.defineProperty(tools, 'close', {
    enumerable: false,
    value: async () => {
      const current = session;
      session = undefined;
      await current?.close();
    },
  });
  return tools;
}

/**
 * Rebuilds a cut output: `head`, newline, `<marker> <total>`, newline, `tail`. Cuts are moved to
 * line boundaries when one is near, with the byte offsets adjusted.
 */
function assembleCutOutput(stdout: string, marker: string, tailBytes: number, outputPath: string): string {
  const markerAt = stdout.indexOf(`\n${marker} `);
  if (markerAt < 0) return stdout;
  const lineEnd = stdout.indexOf('\n', markerAt + 1);
  const totalBytes = Number.parseInt(stdout.slice(markerAt + marker.length + 2, lineEnd), 10);
  let head = stdout.slice(0, markerAt);
  let tail = stdout.slice(lineEnd + 1);
  let tailStart = totalBytes - Math.min(tailBytes, totalBytes);
  const lastNewline = head.lastIndexOf('\n');
  if (lastNewline >= 0 && head.length - lastNewline < 256) head = head.slice(0, lastNewline + 1);
  const firstNewline = tail.indexOf('\n');
  if (firstNewline >= 0 && firstNewline < 256 && firstNewline + 1 < tail.length) {
    tailStart += Buffer.byteLength(tail.slice(0, firstNewline + 1));
    tail = tail.slice(firstNewline + 1);
  }
  const notice = formatTruncationNotice({
    totalBytes,
    headBytes: Buffer.byteLength(head),
    tailStart,
    fullOutputPath: outputPath,
  });
  return head + notice + tail;
}
