// 1. Exec latency: sandbox.bash('true') against a bare baseline doing the same wire work by hand
// (one ExecContainerCommand signed with node:crypto + one raw ws stream read to its close).
import { bareExecCommand, bareStream, check, fixed, median, percentile, startBed, table, timedMs } from '../lib/common.mjs';

export const name = 'exec-latency';
export const title = 'Exec latency: sandbox.bash(\'true\') vs bare signed RPC + raw ws';

export async function run({ runs = 200 } = {}) {
  // Quotas off on both sides: 2 × runs execs in a few seconds would otherwise measure the limiter.
  const bed = await startBed({ emulatorOptions: { quotas: false }, clientOptions: { rateLimits: false } });
  try {
    const sandbox = await bed.createSandbox();
    const argv = ['/bin/bash', '-c', 'true'];
    const ours = [];
    const bare = [];
    const once = {
      ours: async () => {
        const result = check(await sandbox.bash('true'), 'bash');
        if (result.exitCode !== 0) throw new Error(`bash('true') exited ${result.exitCode}`);
      },
      bare: async () => {
        const url = await bareExecCommand(bed.emulator, { sandboxId: sandbox.id, containerName: 'sandbox', argv });
        await bareStream(url);
      },
    };
    for (let warm = 0; warm < 10; warm += 1) {
      await once.ours();
      await once.bare();
    }
    // Interleaved, so machine noise hits both alike.
    for (let index = 0; index < runs; index += 1) {
      ours.push(await timedMs(once.ours));
      bare.push(await timedMs(once.bare));
    }
    const rows = [
      ['median ms', fixed(median(ours), 2), fixed(median(bare), 2), fixed(median(ours) / median(bare), 2)],
      ['p99 ms', fixed(percentile(ours, 0.99), 2), fixed(percentile(bare, 0.99), 2), fixed(percentile(ours, 0.99) / percentile(bare, 0.99), 2)],
    ];
    return {
      markdown: [
        `${runs} runs each, interleaved, after 10 warm-up runs; emulator (process runtime) on 127.0.0.1, quotas and client rate limiter off.`,
        '',
        table(['figure', 'sandbox.bash', 'bare (signAcs3 + fetch + ws)', 'ratio (target ≤ 1.15)'], rows),
        '',
        'bash adds: option validation, script encoding with a random exit marker, marker parsing, result object.',
      ].join('\n'),
    };
  } finally {
    await bed.close();
  }
}
