import { readFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { UsageError } from '../internal/cli-error.js';
import { parseDurationMs } from '../internal/parse-options.js';
import { readStdin } from '../internal/stdin.js';
import { examples } from '../program.js';

interface WriteCommandOptions {
  from?: string;
  timeout?: string;
}

export function registerWriteCommand(program: Command): void {
  const command = program
    .command('write')
    .description('write a file in a sandbox from a local file or stdin (binary-safe, atomic, verified)')
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<path>', 'absolute path in the sandbox')
    .option('-f, --from <file>', 'local file to upload (default: read stdin)')
    .option('--timeout <duration>', 'give up after this long, e.g. 2m')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox write eci-2ze0123456789abcdef /srv/app.py --from ./app.py',
        'tar czf - src | eci-sandbox write eci-2ze0123456789abcdef /tmp/src.tgz',
        'echo "hello" | eci-sandbox write eci-2ze0123456789abcdef /tmp/hello.txt',
      ]),
    );
  defineAction<WriteCommandOptions, [string, string]>(command, async (context, options, sandboxId, path) => {
    if (!path.startsWith('/')) throw new UsageError(`<path> must be absolute (start with /), got "${path}"`);
    const timeoutMs = options.timeout ? parseDurationMs(options.timeout, '--timeout') : undefined;
    if (!options.from && process.stdin.isTTY) {
      throw new UsageError('nothing to write: pass --from <file> or pipe the content into stdin');
    }
    const content = options.from ? await readFile(options.from) : await readStdin();
    const result = unwrap(
      await context.withSpinner(`writing ${content.length} bytes…`, () =>
        createClient().writeFileWs(sandboxId, path, content, timeoutMs ? { timeoutMs } : {}),
      ),
      `write ${path} failed`,
    );
    if (context.json) {
      context.printJson({ path, bytesWritten: result.bytesWritten, requestId: result.requestId });
      return;
    }
    context.note(`${context.errorStyle.green('wrote')} ${result.bytesWritten} bytes to ${path}`);
  });
}
