import type { Command } from 'commander';
import packageJson from '../../package.json' with { type: 'json' };
import { createClient } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { serveStdio } from '../internal/mcp-server.js';
import { examples } from '../program.js';

const CONFIG_HELP = `Claude Desktop (claude_desktop_config.json) or Cursor (.cursor/mcp.json):
  { "mcpServers": { "eci-sandbox": {
      "command": "npx", "args": ["-y", "eci-sandbox", "mcp"],
      "env": { "ECI_SANDBOX_ACCESS_KEY_ID": "…", "ECI_SANDBOX_ACCESS_KEY_SECRET": "…", "ECI_SANDBOX_REGION_ID": "cn-hangzhou" } } } }
Claude Code:
  $ claude mcp add eci-sandbox -e ECI_SANDBOX_REGION_ID=cn-hangzhou -- npx -y eci-sandbox mcp`;

export function registerMcpCommand(program: Command): void {
  const command = program
    .command('mcp')
    .description('serve sandboxes to AI agents over the Model Context Protocol (stdio); logs go to stderr')
    .addHelpText('after', examples(['eci-sandbox mcp'], CONFIG_HELP));
  defineAction<Record<string, never>, []>(command, async () => {
    // stdout carries the protocol alone: nothing else may be written to it from here on.
    await serveStdio(createClient(), packageJson.version);
  });
}
