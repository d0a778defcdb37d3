// 1. Exec latency: sandbox.bash('true') against a bare baseline doing the same wire work by hand
// (one ExecContainerCommand signed with node:crypto + one raw ws stream read to its close).
// Two baselines: the same argv the SDK sends (its exit-code wrapper included), which isolates the
// client's own overhead; and a plain `bash -c true`, which also shows what the wrapper costs in the
// sandbox (a zero exit sends no status without a subprotocol, so exit codes need the wrapper).
import { encodeShellCommand } from '@eci-sandbox/exec-stream';
import { bareExecCommand, bareStream, check, fixed, median, percentile, startBed, table, timedMs } from '../lib/common.mjs';

export const name = 'exec-latency';
export const title = "Exec latency: sandbox.bash('true') vs bare signed RPC + raw ws";

export async function run({ runs = 200 } = {}) {
  // Quotas off on both sides: 2 × runs execs in a few seconds would otherwise measure the limiter.
  const bed = await startBed({ emulatorOptions: { quotas: false }, clientOptions: { rateLimits: false } });
  try {
    const sandbox = await bed.createSandbox();
    const plainArgv = ['/bin/bash', '-c', 'true'];
    const ours = [];
    const bare = [];
    const plain = [];
    const once = {
      ours: async () => {
        const result = check(await sandbox.bash('true'), 'bash');
        if (result.exitCode !== 0) throw new Error(`bash('true') exited ${result.exitCode}`);
      },
      bare: async () => {
        // Encoding by hand too: a fresh marker per call, as the SDK makes.
        const encoded = encodeShellCommand('true');
        if (!encoded.fits) throw new Error(encoded.reason);
        const url = await bareExecCommand(bed.emulator, { sandboxId: sandbox.id, containerName: 'sandbox', argv: encoded.argv });
        await bareStream(url);
      },
      plain: async () => {
        const url = await bareExecCommand(bed.emulator, { sandboxId: sandbox.id, containerName: 'sandbox', argv: plainArgv });
        await bareStream(url);
      },
    };
    for (let warm = 0; warm < 10; warm += 1) {
      await once.ours();
      await once.bare();
      await once.plain();
    }
    // Interleaved, so machine noise hits all three alike.
    for (let index = 0; index < runs; index += 1) {
      ours.push(await timedMs(once.ours));
      bare.push(await timedMs(once.bare));
      plain.push(await timedMs(once.plain));
    }
    const ratio = (a, b) => fixed(a / b, 2);
    const rows = [
      [
        'median ms',
        fixed(median(ours), 2),
        fixed(median(bare), 2),
        ratio(median(ours), median(bare)),
        fixed(median(plain), 2),
        ratio(median(ours), median(plain)),
      ],
      [
        'p99 ms',
        fixed(percentile(ours, 0.99), 2),
        fixed(percentile(bare, 0.99), 2),
        ratio(percentile(ours, 0.99), percentile(bare, 0.99)),
        fixed(percentile(plain, 0.99), 2),
        ratio(percentile(ours, 0.99), percentile(plain, 0.99)),
      ],
    ];
    return {
      markdown: [
        `${runs} runs each, interleaved, after 10 warm-up runs; emulator (process runtime) on 127.0.0.1, quotas and client rate limiter off.`,
        '',
        table(['figure', 'sandbox.bash', 'bare, same argv', 'ratio (target ≤ 1.15)', 'bare `bash -c true`', 'ratio'], rows),
        '',
        "The first ratio is the client's own overhead (options, signing, rate limiter, marker parsing,",
        "result object) over the same wire work by hand. The second adds the exit-code wrapper's cost in",
        "the sandbox (a small `sh` around the script's `bash`): without the v4 subprotocol a zero exit",
        'sends no status, so a raw `bash -c true` cannot tell success from a cut stream.',
      ].join('\n'),
    };
  } finally {
    await bed.close();
  }
}
