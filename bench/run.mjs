#!/usr/bin/env node
// Runs the benchmarks: every one, or those named. Each prints a table with the figure, a baseline
// measured in the same run, and their ratio. A full run (no names) writes bench/RESULTS.md.
//
//   node bench/run.mjs                       # all, writes RESULTS.md
//   node bench/run.mjs exec-latency scale    # some, prints only (add --write to write RESULTS.md)
//   node bench/run.mjs --list
//
// Size flags: --runs 200 --commands 200 --size-mib 64 --rounds 3 --tmux-job-seconds 15
//   --sandboxes 100 --scale-commands 20 --concurrency 50 --window-ms 6000 --no-write
// Needs a build first (`pnpm bench` from the root builds, then runs this).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import * as apiCalls from './benchmarks/api-calls.mjs';
import * as execLatency from './benchmarks/exec-latency.mjs';
import * as fileTransferSdk from './benchmarks/file-transfer-sdk.mjs';
import * as scale from './benchmarks/scale.mjs';
import * as sessionThroughput from './benchmarks/session-throughput.mjs';

const here = dirname(fileURLToPath(import.meta.url));

/** A benchmark written by others as a script: run it in a child process and keep its output. */
function script(name, title, file, argsOf) {
  return {
    name,
    title,
    run: (flags) =>
      new Promise((resolve, reject) => {
        const child = spawn(process.execPath, [join(here, file), ...argsOf(flags)], { stdio: ['ignore', 'pipe', 'inherit'] });
        let output = '';
        child.stdout.on('data', (chunk) => {
          output += chunk;
        });
        child.on('error', reject);
        child.on('close', (code) =>
          code === 0 ? resolve({ markdown: output.trim() }) : reject(new Error(`${file} exited ${code}`)),
        );
      }),
  };
}

const numberFlag = (flags, name, fallback) => (flags[name] === undefined ? fallback : Number(flags[name]));

const BENCHMARKS = [
  { ...execLatency, run: (flags) => execLatency.run({ runs: numberFlag(flags, 'runs', 200) }) },
  { ...sessionThroughput, run: (flags) => sessionThroughput.run({ commands: numberFlag(flags, 'commands', 200) }) },
  {
    ...fileTransferSdk,
    run: (flags) => fileTransferSdk.run({ sizeMiB: numberFlag(flags, 'size-mib', 64), rounds: numberFlag(flags, 'rounds', 3) }),
  },
  script(
    'file-transfer-exec-stream',
    'File transfer: exec-stream writeFile / readFile vs bare ws (local exec server, bench/file-transfer.mjs)',
    'file-transfer.mjs',
    (flags) => [String(numberFlag(flags, 'size-mib', 64)), String(numberFlag(flags, 'rounds', 3))],
  ),
  { ...apiCalls, run: (flags) => apiCalls.run({ tmuxJobSeconds: numberFlag(flags, 'tmux-job-seconds', 15) }) },
  script('tmux-latency', 'tmux completion latency and calls per job (bench/tmux-latency.mjs)', 'tmux-latency.mjs', () => []),
  {
    ...scale,
    run: (flags) =>
      scale.run({
        sandboxes: numberFlag(flags, 'sandboxes', 100),
        commands: numberFlag(flags, 'scale-commands', 20),
        concurrency: numberFlag(flags, 'concurrency', 50),
        windowMs: numberFlag(flags, 'window-ms', 6000),
      }),
  },
];

function parseArguments(argv) {
  const names = [];
  const flags = {};
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index];
    if (!argument.startsWith('--')) {
      names.push(argument);
    } else if (['--no-write', '--write', '--list'].includes(argument)) {
      flags[argument.slice(2)] = true;
    } else {
      const value = argv[index + 1];
      if (value === undefined) throw new Error(`${argument} needs a value`);
      flags[argument.slice(2)] = value;
      index += 1;
    }
  }
  return { names, flags };
}

async function main() {
  const { names, flags } = parseArguments(process.argv.slice(2));
  if (flags.list) {
    for (const benchmark of BENCHMARKS) console.log(`${benchmark.name.padEnd(28)} ${benchmark.title}`);
    return;
  }
  const unknown = names.filter((name) => !BENCHMARKS.some((benchmark) => benchmark.name === name));
  if (unknown.length)
    throw new Error(
      `unknown benchmark ${unknown.join(', ')}; known: ${BENCHMARKS.map((benchmark) => benchmark.name).join(', ')}`,
    );
  const selected = names.length ? BENCHMARKS.filter((benchmark) => names.includes(benchmark.name)) : BENCHMARKS;
  const startedAt = new Date();
  const sections = [];
  let failed = 0;
  for (const benchmark of selected) {
    console.log(`\n## ${benchmark.title}\n`);
    const started = Date.now();
    let text;
    try {
      const result = await benchmark.run(flags);
      text = result.markdown;
    } catch (error) {
      failed += 1;
      text = `FAILED: ${error instanceof Error ? error.message : String(error)}`;
    }
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(text);
    console.log(`\n(${benchmark.name}: ${seconds} s)`);
    sections.push(`## ${benchmark.title}\n\n\`${benchmark.name}\`, ${seconds} s.\n\n${text}\n`);
  }
  const write = flags.write === true || (names.length === 0 && flags['no-write'] !== true);
  if (write) {
    const command = `node bench/run.mjs${process.argv.length > 2 ? ` ${process.argv.slice(2).join(' ')}` : ''}`;
    const header = [
      '# Benchmark results',
      '',
      `- Date: ${startedAt.toISOString()}`,
      `- Machine: ${cpus().length} CPUs (nproc), ${(totalmem() / 1024 ** 3).toFixed(1)} GiB memory, ${cpus()[0]?.model ?? 'unknown CPU'}, ${process.platform} ${process.arch}`,
      `- Node: ${process.version}`,
      `- Command: \`${command}\` (what \`pnpm bench\` runs after the build)`,
      '',
      'Figures from one run on a shared, noisy machine: ratios measured in the same run mean more than absolute numbers.',
      '',
    ].join('\n');
    writeFileSync(join(here, 'RESULTS.md'), `${header}\n${sections.join('\n')}`);
    console.log(`\nwrote ${join(here, 'RESULTS.md')}`);
  }
  if (failed) process.exitCode = 1;
}

await main();
