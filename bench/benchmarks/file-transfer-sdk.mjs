// 3. File transfer through the SDK against the emulator: sandbox.writeFile / readFile of binary
// data vs the same bytes over a bare ws exec stream (`head -c N > path` / `cat path`).
import { randomBytes } from 'node:crypto';
import { MIB, bareExecCommand, bareStream, check, fixed, startBed, table, timedMs } from '../lib/common.mjs';

export const name = 'file-transfer';
export const title = 'File transfer: sandbox.writeFile / readFile vs bare ws (SDK, emulator)';

export async function run({ sizeMiB = 64, rounds = 3 } = {}) {
  const bed = await startBed({ emulatorOptions: { quotas: false }, clientOptions: { rateLimits: false } });
  try {
    const sandbox = await bed.createSandbox();
    const data = randomBytes(sizeMiB * MIB);
    const ourPath = '/tmp/ours.bin';
    const barePath = '/tmp/bare.bin';
    const bare = async (argv, stdin) => {
      const url = await bareExecCommand(bed.emulator, {
        sandboxId: sandbox.id,
        containerName: 'sandbox',
        argv,
        stdin: stdin !== undefined,
      });
      return bareStream(url, stdin === undefined ? {} : { stdin });
    };
    // Best of `rounds`: the machine is shared and noisy.
    const best = async (action) => {
      let fastest = Infinity;
      for (let round = 0; round < rounds; round += 1) fastest = Math.min(fastest, await timedMs(action));
      return fastest;
    };
    const writeOurs = await best(async () => {
      const result = check(await sandbox.writeFile(ourPath, data, { timeoutMs: 300_000 }), 'writeFile');
      if (result.bytesWritten !== data.length) throw new Error(`writeFile wrote ${result.bytesWritten} bytes`);
    });
    const writeBare = await best(() => bare(['/bin/sh', '-c', `head -c ${data.length} > ${barePath}`], data));
    const readOurs = await best(async () => {
      const result = check(await sandbox.readFile(ourPath, { timeoutMs: 300_000 }), 'readFile');
      if (!Buffer.from(result.content).equals(data)) throw new Error('readFile returned other bytes');
    });
    const readBare = await best(async () => {
      const bytes = await bare(['cat', barePath]);
      if (bytes !== data.length) throw new Error(`bare read returned ${bytes} bytes`);
    });
    const rate = (ms) => (sizeMiB * 1000) / ms;
    return {
      markdown: [
        `${sizeMiB} MiB of random bytes, best of ${rounds}; emulator (process runtime) on 127.0.0.1.`,
        '',
        table(
          ['operation', 'SDK MiB/s', 'bare ws MiB/s', 'ratio (target ≥ 0.7)'],
          [
            ['write', fixed(rate(writeOurs)), fixed(rate(writeBare)), fixed(rate(writeOurs) / rate(writeBare), 2)],
            ['read', fixed(rate(readOurs)), fixed(rate(readBare)), fixed(rate(readOurs) / rate(readBare), 2)],
          ],
        ),
        '',
        'The SDK verifies size + sha256 in the sandbox and writes atomically (temp file + rename); the bare baseline does neither.',
      ].join('\n'),
    };
  } finally {
    await bed.close();
  }
}
