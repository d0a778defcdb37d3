import type { Command } from 'commander';
import { createClient, unwrap } from '../internal/client.js';
import { defineAction } from '../internal/define-command.js';
import { collect, collectKeyValues, parseDurationMs, parsePort, parsePositiveNumber } from '../internal/parse-options.js';
import { formatSandboxDetails, toSandboxJson } from '../internal/sandbox-view.js';
import { examples } from '../program.js';

interface CreateCommandOptions {
  image: string;
  name?: string;
  cpu?: string;
  memory?: string;
  vswitch?: string;
  securityGroup?: string;
  zone?: string;
  instanceType?: string;
  port?: string[];
  env?: string[];
  tag?: string[];
  ttl?: string;
  clientToken?: string;
  wait?: boolean;
  waitTimeout?: string;
}

export function registerCreateCommand(program: Command): void {
  const command = program
    .command('create')
    .description('create a sandbox (an ECI container group) and print its id')
    .option('-i, --image <image>', 'container image', 'debian:12-slim')
    .option('-n, --name <name>', 'container group name (lowercase letters, digits, hyphens)')
    .option('--cpu <vcpus>', 'vCPUs, e.g. 2')
    .option('--memory <gib>', 'memory in GiB, e.g. 4')
    .option('--vswitch <id>', 'VSwitch id (required on ECI, ignored by the emulator)')
    .option('--security-group <id>', 'security group id (required on ECI, ignored by the emulator)')
    .option('--zone <id>', 'zone id')
    .option('--instance-type <type>', 'ECS instance type instead of cpu/memory')
    .option('-p, --port <port>', 'port to open, PORT or PORT/udp (repeatable)', collect)
    .option('-e, --env <KEY=VALUE>', 'environment variable (repeatable)', collect)
    .option('-t, --tag <KEY=VALUE>', 'tag (repeatable), useful with list --tag and sweep --tag', collect)
    .option('--ttl <duration>', 'hard deadline after which ECI stops the sandbox, e.g. 30m, 2h (plain number = seconds)')
    .option('--client-token <token>', 'idempotency token: retrying with the same token never creates a second sandbox')
    .option('-w, --wait', 'wait until the sandbox is Running')
    .option('--wait-timeout <duration>', 'how long --wait waits, e.g. 5m', '10m')
    .addHelpText(
      'after',
      examples([
        'eci-sandbox create --image python:3.12-slim --cpu 1 --memory 2 --wait',
        'eci-sandbox create -n agent-1 -t owner=ci -e MODE=test --ttl 2h --vswitch vsw-xxx --security-group sg-xxx',
        'id=$(eci-sandbox create --wait --json | jq -r .sandboxId)',
      ]),
    );
  defineAction<CreateCommandOptions, []>(command, async (context, options) => {
    const ports = (options.port ?? []).map(parsePort);
    const request = {
      image: options.image,
      ...(options.name ? { name: options.name } : {}),
      ...(options.cpu ? { cpu: parsePositiveNumber(options.cpu, '--cpu') } : {}),
      ...(options.memory ? { memory: parsePositiveNumber(options.memory, '--memory') } : {}),
      ...(options.vswitch ? { vSwitchId: options.vswitch } : {}),
      ...(options.securityGroup ? { securityGroupId: options.securityGroup } : {}),
      ...(options.zone ? { zoneId: options.zone } : {}),
      ...(options.instanceType ? { instanceType: options.instanceType } : {}),
      ...(ports.length > 0 ? { ports } : {}),
      ...(options.env ? { env: collectKeyValues(options.env, '--env') } : {}),
      ...(options.tag ? { tags: collectKeyValues(options.tag, '--tag') } : {}),
      ...(options.ttl ? { ttlMs: parseDurationMs(options.ttl, '--ttl') } : {}),
      ...(options.clientToken ? { clientToken: options.clientToken } : {}),
      ...(options.wait
        ? {
            waitUntilRunning: true,
            // The CLI shows the Running sandbox's details: one DescribeContainerGroups more.
            describeWhenRunning: true,
            waitTimeoutMs: parseDurationMs(options.waitTimeout ?? '10m', '--wait-timeout'),
          }
        : {}),
    };
    const client = createClient();
    const result = await context.withSpinner(
      options.wait ? 'creating sandbox and waiting until Running…' : 'creating sandbox…',
      () => client.create(request),
    );
    if (!result.success && result.sandboxId) {
      context.note(
        `sandbox ${result.sandboxId} was created but the call failed; delete it with: eci-sandbox delete ${result.sandboxId}`,
      );
    }
    unwrap(result, 'create failed');
    // With --wait the SDK has already described the Running sandbox (result.info): no extra call.
    const sandboxId = result.sandbox?.id ?? result.info?.sandboxId ?? result.sandboxId ?? '';
    if (context.json) {
      context.printJson({
        sandboxId,
        status: result.info?.status ?? null,
        sandbox: result.info ? toSandboxJson(result.info) : null,
        requestId: result.requestId,
      });
      return;
    }
    if (result.info) context.note(formatSandboxDetails(result.info, context.errorStyle));
    // The id alone on stdout, so `id=$(eci-sandbox create)` works.
    context.print(sandboxId);
  });
}
