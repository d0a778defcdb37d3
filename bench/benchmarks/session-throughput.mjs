// 2. Session throughput: commands per second through one openSession() vs one bash() per command.
import { check, fixed, startBed, table, timedMs } from '../lib/common.mjs';

export const name = 'session-throughput';
export const title = 'Session throughput: openSession().run vs one bash per command';

export async function run({ commands = 200 } = {}) {
  const bed = await startBed({ emulatorOptions: { quotas: false }, clientOptions: { rateLimits: false } });
  try {
    const sandbox = await bed.createSandbox();
    const script = (index) => `echo line-${index}`;
    const session = sandbox.openSession();
    let sessionMs;
    let sessionExecs;
    try {
      // The first run opens the session: its one exec is counted, its time is not.
      bed.emulator.resetCalls();
      check(await session.run('true'), 'session warm-up');
      sessionMs = await timedMs(async () => {
        for (let index = 0; index < commands; index += 1) {
          const result = check(await session.run(script(index)), 'session.run');
          if (result.stdout !== `line-${index}\n`) throw new Error(`session.run returned ${JSON.stringify(result.stdout)}`);
        }
      });
      sessionExecs = bed.emulator.calls.count('ExecContainerCommand');
    } finally {
      await session.close();
    }
    check(await sandbox.bash('true'), 'bash warm-up');
    bed.emulator.resetCalls();
    const bashMs = await timedMs(async () => {
      for (let index = 0; index < commands; index += 1) {
        const result = check(await sandbox.bash(script(index)), 'bash');
        if (result.stdout !== `line-${index}\n`) throw new Error(`bash returned ${JSON.stringify(result.stdout)}`);
      }
    });
    const bashExecs = bed.emulator.calls.count('ExecContainerCommand');
    const sessionRate = (commands * 1000) / sessionMs;
    const bashRate = (commands * 1000) / bashMs;
    return {
      markdown: [
        `${commands} sequential commands (\`echo line-N\`, output checked); emulator on 127.0.0.1, quotas off.`,
        '',
        table(
          ['figure', 'openSession().run', 'bash per command', 'ratio session/bash'],
          [
            ['commands per second', fixed(sessionRate), fixed(bashRate), fixed(sessionRate / bashRate, 2)],
            ['ExecContainerCommand calls', String(sessionExecs), String(bashExecs), fixed(sessionExecs / bashExecs, 3)],
          ],
        ),
        '',
        'On ECI each bash also costs one of the 500 ExecContainerCommand calls a minute; the session costs one in all.',
      ].join('\n'),
    };
  } finally {
    await bed.close();
  }
}
