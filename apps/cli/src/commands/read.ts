import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { UsageError } from '../internal/cli-error.js';
import { parseDurationMs } from '../internal/parse-options.js';
import { examples } from '../program.js';

interface ReadCommandOptions {
  output?: string;
  timeout?: string;
}

export function registerReadCommand(program: Command): void {
  const command = program
    .command('read')
    .description('read a file from a sandbox to stdout or a local file (binary-safe, verified)')
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<path>', 'absolute path in the sandbox')
    .option('-o, --output <file>', 'local file to write (default: stdout)')
    .option('--timeout <duration>', 'give up after this long, e.g. 2m')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox read eci-2ze0123456789abcdef /etc/os-release',
        'eci-sandbox read eci-2ze0123456789abcdef /tmp/out.tgz -o out.tgz',
        'eci-sandbox read eci-2ze0123456789abcdef /tmp/data.bin --json | jq -r .contentBase64 | base64 -d',
      ]),
    );
  defineAction<ReadCommandOptions, [string, string]>(command, async (context, options, sandboxId, path) => {
    if (!path.startsWith('/')) throw new UsageError(`<path> must be absolute (start with /), got "${path}"`);
    const timeoutMs = options.timeout ? parseDurationMs(options.timeout, '--timeout') : undefined;
    const result = unwrap(
      await context.withSpinner(`reading ${path}…`, () =>
        createClient().readFile(sandboxId, path, timeoutMs ? { timeoutMs } : {}),
      ),
      `read ${path} failed`,
    );
    const content = Buffer.from(result.content ?? new Uint8Array());
    if (options.output) {
      await writeFile(options.output, content);
      if (context.json) context.printJson({ path, output: options.output, bytes: content.length, requestId: result.requestId });
      else context.note(`${context.errorStyle.green('read')} ${content.length} bytes into ${options.output}`);
      return;
    }
    if (context.json) {
      context.printJson({ path, bytes: content.length, contentBase64: content.toString('base64'), requestId: result.requestId });
      return;
    }
    // Raw bytes, untouched (no redaction, no newline): this is the file, not a message.
    await new Promise<void>((resolve, reject) => context.stdout.write(content, (error) => (error ? reject(error) : resolve())));
  });
}
