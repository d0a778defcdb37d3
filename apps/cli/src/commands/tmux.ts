import type { Command } from 'commander';
import type { TmuxPollResult } from '@eci-sandbox/sdk';
import { createClient, unwrap } from '../internal/client.js';
import type { CommandContext } from '../internal/context.js';
import { defineAction } from '../internal/define-command.js';
import { ExitCode } from '../internal/exit-codes.js';
import { withInterrupt } from '../internal/interrupt.js';
import {
  collect,
  collectKeyValues,
  parseDurationMs,
  parseNonNegativeInteger,
  parsePositiveInteger,
} from '../internal/parse-options.js';
import { formatTable } from '../internal/table.js';
import { examples } from '../program.js';

function pollJson(result: TmuxPollResult): Record<string, unknown> {
  return {
    sessionId: result.sessionId,
    status: result.status,
    exitCode: result.exitCode,
    output: result.output,
    outputTruncated: result.outputTruncated,
    nextOffset: result.nextOffset,
    requestId: result.requestId,
  };
}

function printStatus(context: CommandContext, result: TmuxPollResult): void {
  const style = context.errorStyle;
  const status =
    result.status === 'RUNNING'
      ? style.yellow(result.status)
      : result.status === 'COMPLETED'
        ? style.green(result.status)
        : style.red(result.status);
  context.note(`${result.sessionId}: ${status}${result.exitCode === null ? '' : ` (exit code ${result.exitCode})`}`);
}

export function registerTmuxCommand(program: Command): void {
  const tmux = program
    .command('tmux')
    .description('background jobs in tmux inside a sandbox: they outlive this CLI, with output and exit code kept')
    .addHelpText(
      'after',
      examples([
        'job=$(eci-sandbox tmux start eci-2ze0123456789abcdef "make build")',
        'eci-sandbox tmux poll eci-2ze0123456789abcdef "$job"',
        'eci-sandbox tmux wait eci-2ze0123456789abcdef "$job" --timeout 10m',
        'eci-sandbox tmux ls eci-2ze0123456789abcdef',
      ]),
    );

  const start = tmux
    .command('start')
    .description('start shell code as a background job; prints the session id')
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<command...>', 'shell code (quote it)')
    .option('--cwd <dir>', 'working directory in the sandbox')
    .option('--session <id>', 'session id to use (default: generated)')
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('--history-limit <lines>', 'tmux scrollback lines to keep')
    .addHelpText('after', examples(['eci-sandbox tmux start eci-2ze0123456789abcdef "npm test" --cwd /srv/app']));
  defineAction<{ cwd?: string; session?: string; env?: string[]; historyLimit?: string }, [string, string[]]>(
    start,
    async (context, options, sandboxId, words) => {
      const env = options.env ? collectKeyValues(options.env, '--env') : undefined;
      const historyLimit = options.historyLimit ? parsePositiveInteger(options.historyLimit, '--history-limit') : undefined;
      const result = unwrap(
        await createClient().tmuxStart(sandboxId, words.join(' '), {
          ...(options.cwd ? { execDir: options.cwd } : {}),
          ...(options.session ? { sessionId: options.session } : {}),
          ...(env ? { env } : {}),
          ...(historyLimit ? { historyLimit } : {}),
        }),
        'tmux start failed',
      );
      if (context.json) context.printJson({ sessionId: result.sessionId, requestId: result.requestId });
      else context.print(result.sessionId);
    },
  );

  const poll = tmux
    .command('poll')
    .description("show a job's status and output so far")
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<session-id>', 'job session id')
    .option('--tail <lines>', 'only the last lines of output')
    .option('--offset <bytes>', 'output from this byte offset (the nextOffset of an earlier poll)')
    .addHelpText('after', examples(['eci-sandbox tmux poll eci-2ze0123456789abcdef job-1 --tail 20']));
  defineAction<{ tail?: string; offset?: string }, [string, string]>(poll, async (context, options, sandboxId, sessionId) => {
    const tailLines = options.tail ? parsePositiveInteger(options.tail, '--tail') : undefined;
    const offset = options.offset ? parseNonNegativeInteger(options.offset, '--offset') : undefined;
    const result = unwrap(
      await createClient().tmuxPoll(sandboxId, sessionId, {
        ...(tailLines ? { tailLines } : {}),
        ...(offset !== undefined ? { offset } : {}),
      }),
      'tmux poll failed',
    );
    if (context.json) {
      context.printJson(pollJson(result));
      return;
    }
    if (result.output) context.stdout.write(result.output.endsWith('\n') ? result.output : `${result.output}\n`);
    printStatus(context, result);
  });

  const wait = tmux
    .command('wait')
    .description("wait for a job to finish, streaming its output; exits with the job's exit code (124 on timeout)")
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<session-id>', 'job session id')
    .option('--timeout <duration>', 'stop waiting after this long, e.g. 10m (the job keeps running)', '10m')
    .option('--cleanup', 'remove the job once it has finished')
    .addHelpText('after', examples(['eci-sandbox tmux wait eci-2ze0123456789abcdef job-1 --timeout 5m --cleanup']));
  defineAction<{ timeout: string; cleanup?: boolean }, [string, string]>(wait, async (context, options, sandboxId, sessionId) => {
    const timeoutMs = parseDurationMs(options.timeout, '--timeout');
    const { value: result, interrupted } = await withInterrupt((signal) =>
      createClient().tmuxWait(sandboxId, sessionId, {
        timeoutMs,
        ...(options.cleanup ? { cleanup: true } : {}),
        ...(context.json ? {} : { onOutput: (chunk: string) => context.stdout.write(chunk) }),
        signal,
      }),
    );
    if (interrupted) return ExitCode.INTERRUPTED;
    unwrap(result, 'tmux wait failed');
    if (context.json) context.printJson(pollJson(result));
    else printStatus(context, result);
    if (result.status === 'RUNNING') return ExitCode.TIMEOUT;
    if (result.status === 'COMPLETED') return result.exitCode ?? ExitCode.ERROR;
    return ExitCode.ERROR;
  });

  const kill = tmux
    .command('kill')
    .description('stop a job and remove it')
    .argument('<sandbox-id>', 'sandbox id')
    .argument('<session-id>', 'job session id')
    .addHelpText('after', examples(['eci-sandbox tmux kill eci-2ze0123456789abcdef job-1']));
  defineAction<Record<string, never>, [string, string]>(kill, async (context, _options, sandboxId, sessionId) => {
    const result = unwrap(await createClient().tmuxKill(sandboxId, sessionId), 'tmux kill failed');
    if (context.json) context.printJson({ sessionId, killed: true, requestId: result.requestId });
    else context.print(`${context.style.green('killed')} ${sessionId}`);
  });

  const list = tmux
    .command('ls')
    .alias('list')
    .description('list the jobs in a sandbox')
    .argument('<sandbox-id>', 'sandbox id')
    .addHelpText('after', examples(['eci-sandbox tmux ls eci-2ze0123456789abcdef --json']));
  defineAction<Record<string, never>, [string]>(list, async (context, _options, sandboxId) => {
    const result = unwrap(await createClient().tmuxList(sandboxId), 'tmux ls failed');
    if (context.json) {
      context.printJson({ sessions: result.sessions, requestId: result.requestId });
      return;
    }
    if (result.sessions.length === 0) {
      context.note('no jobs');
      return;
    }
    context.print(
      formatTable(
        result.sessions,
        [
          { header: 'SESSION', value: (session) => session.sessionId },
          {
            header: 'CREATED',
            value: (session) =>
              /^\d+$/.test(session.created) ? new Date(Number(session.created) * 1000).toISOString() : session.created,
          },
          { header: 'ATTACHED', value: (session) => (session.attached ? 'yes' : 'no') },
        ],
        context.style.bold,
      ),
    );
  });
}
