import { Command } from 'commander';
import packageJson from '../package.json' with { type: 'json' };
import { EXIT_CODES_HELP } from './internal/exit-codes.js';
import { registerCreateCommand } from './commands/create.js';
import { registerListCommand } from './commands/list.js';
import { registerInfoCommand } from './commands/info.js';
import { registerDeleteCommand } from './commands/delete.js';
import { registerRestartCommand } from './commands/restart.js';
import { registerLogsCommand } from './commands/logs.js';
import { registerSweepCommand } from './commands/sweep.js';
import { registerExecCommand } from './commands/exec.js';
import { registerBashCommand } from './commands/bash.js';
import { registerWriteCommand } from './commands/write.js';
import { registerReadCommand } from './commands/read.js';
import { registerTmuxCommand } from './commands/tmux.js';
import { registerShellCommand } from './commands/shell.js';
import { registerEmulatorCommand } from './commands/emulator.js';
import { registerMcpCommand } from './commands/mcp.js';
import { registerDemoCommand } from './commands/demo.js';

const CONFIGURATION_HELP = `Configuration (environment, or a .env file searched upward):
  ECI_SANDBOX_ENDPOINT           API endpoint (host or URL; the emulator prints its own)
  ECI_SANDBOX_ACCESS_KEY_ID      access key id      (or ALIBABA_CLOUD_ACCESS_KEY_ID)
  ECI_SANDBOX_ACCESS_KEY_SECRET  access key secret  (or ALIBABA_CLOUD_ACCESS_KEY_SECRET)
  ECI_SANDBOX_SECURITY_TOKEN     STS token, for temporary credentials
  ECI_SANDBOX_REGION_ID          region (default cn-shanghai)
  ECI_SANDBOX_TIMEOUT_MS         API request timeout (default 60000)
  NO_COLOR                       turn colour off (colour is only used on a terminal anyway)`;

/** The `eci-sandbox` command tree. Commands are registered one file each under `commands/`. */
export function createProgram(): Command {
  const program = new Command('eci-sandbox')
    .description('Sandboxes for AI agents on Alibaba Cloud ECI, and a local ECI emulator to try them.')
    .version(packageJson.version, '-v, --version')
    .option('--json', 'print JSON for scripts instead of human output')
    .option('--debug', 'print error stacks (secrets masked)')
    .configureHelp({ showGlobalOptions: true, sortSubcommands: false })
    .exitOverride()
    .addHelpText(
      'after',
      `
Try it locally, with nothing but Node.js:
  $ npx eci-sandbox demo                 # a guided tour against an in-process emulator
  $ npx eci-sandbox emulator             # start a local ECI and print the variables to use it

${CONFIGURATION_HELP}

${EXIT_CODES_HELP}`,
    );

  registerCreateCommand(program);
  registerListCommand(program);
  registerInfoCommand(program);
  registerDeleteCommand(program);
  registerRestartCommand(program);
  registerLogsCommand(program);
  registerSweepCommand(program);
  registerExecCommand(program);
  registerBashCommand(program);
  registerWriteCommand(program);
  registerReadCommand(program);
  registerTmuxCommand(program);
  registerShellCommand(program);
  registerEmulatorCommand(program);
  registerMcpCommand(program);
  registerDemoCommand(program);
  return program;
}

/** Help text appended to every command: its examples, then the exit codes. */
export function examples(lines: readonly string[], extra = ''): string {
  return `\nExamples:\n${lines.map((line) => `  $ ${line}`).join('\n')}\n${extra ? `\n${extra}\n` : ''}\n${EXIT_CODES_HELP}`;
}
