import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ExecValidationError } from './errors.js';
import { MarkerScanner } from './internal/marker-scanner.js';
import {
  DEFAULT_EXEC_LIMITS,
  checkLimits,
  encodeArgvCommand,
  encodeShellCommand,
  encodeStdinScript,
  scriptPrologue,
  shellQuote,
} from './shell-encode.js';
import type { ExecLimits } from './shell-encode.js';

const scratch = mkdtempSync(join(tmpdir(), 'eci-encode-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs an argv for real (as the exec server would) and splits off the exit marker. */
function run(
  argv: string[],
  input?: string,
): { stdout: string; stderr: string; exitCode: number | undefined; status: number | null } {
  const result = spawnSync(argv[0] as string, argv.slice(1), { input: input ?? '', maxBuffer: 64 * 1024 * 1024 });
  return { ...splitMarker(result.stdout), stderr: result.stderr.toString('utf8'), status: result.status };
}

let currentMarker = '';
function splitMarker(stdout: Buffer): { stdout: string; exitCode: number | undefined } {
  const scanner = new MarkerScanner(currentMarker);
  const head = Buffer.from(scanner.push(stdout).output);
  const end = scanner.finish();
  return { stdout: Buffer.concat([head, Buffer.from(end.output)]).toString('utf8'), exitCode: end.exitCode };
}

/**
 * Replaces `bash -c "<script>"` in the wrapper by `printf %s "<script>"`, so that running the argv
 * in a real shell prints the decoded script instead of running it.
 */
function decodeOnly(argv: string[]): string[] {
  const wrapper = argv[2] as string;
  const changed = wrapper.replace('bash -c "$s" bash', 'printf %s "$s"');
  expect(changed).not.toBe(wrapper);
  return [argv[0] as string, argv[1] as string, changed, ...argv.slice(3)];
}

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let value = state;
    value = Math.imul(value ^ (value >>> 15), value | 1);
    value ^= value + Math.imul(value ^ (value >>> 7), value | 61);
    return ((value ^ (value >>> 14)) >>> 0) / 4294967296;
  };
}

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyz0123456789 ',
  ...'\'"`$\\!#&;|<>(){}[]*?~%^=+-_.,:@',
  '\n',
  '\n',
  '\t',
  '\r',
  '\x01',
  '\x1b',
  '\x7f',
  'é',
  'ß',
  '✓',
  '中文',
  '😀',
  '\u{10ffff}',
  'EOF',
  "<<'EOF'\n",
  '$(echo x)',
  '%s%d%%',
];

function randomScript(next: () => number): string {
  const length = Math.floor(next() ** 3 * 4000);
  const repetitive = next() < 0.3;
  const parts: string[] = [];
  const unit = Array.from({ length: 1 + Math.floor(next() * 12) }, () => ALPHABET[Math.floor(next() * ALPHABET.length)]).join('');
  while (parts.join('').length < length) {
    parts.push(repetitive ? unit : (ALPHABET[Math.floor(next() * ALPHABET.length)] as string));
  }
  return parts.join('');
}

function randomLimits(next: () => number): Partial<ExecLimits> | undefined {
  if (next() < 0.6) return undefined;
  return {
    maxArgs: 5 + Math.floor(next() * 20),
    maxArgChars: 200 + Math.floor(next() * 400),
    maxJsonBytes: 600 + Math.floor(next() * 3000),
  };
}

describe('shellQuote', () => {
  it('quotes any text as one word for a real shell', () => {
    for (const word of ['', 'plain', "it's", "'''", 'a b', '$HOME', '`x`', 'new\nline', '-n', 'é ✓ 😀', '\\']) {
      const result = spawnSync('bash', ['-c', `printf %s ${shellQuote(word)}`], { encoding: 'utf8' });
      expect(result.stdout).toBe(word);
    }
    expect(() => shellQuote('a\0b')).toThrow(ExecValidationError);
  });
});

describe('encodeShellCommand', () => {
  it('runs scripts with quotes, heredocs, unicode, stdin-reading commands and exit codes', () => {
    const script = `cat <<'EOF'\nit's "here" $HOME ✓\nEOF\ncat; echo "[$(cat)]"; echo err >&2\nprintf 'no newline'\nexit 42`;
    const encoded = encodeShellCommand(script);
    if (!encoded.fits) throw new Error(encoded.reason);
    currentMarker = encoded.marker;
    const result = run(encoded.argv, 'THIS MUST NOT BE READ');
    expect(result).toMatchObject({ stdout: `it's "here" $HOME ✓\n[]\nno newline`, stderr: 'err\n', exitCode: 42, status: 42 });
  });

  it('runs in execDir with env values passed safely', () => {
    const directory = join(scratch, "it's a dir");
    spawnSync('mkdir', ['-p', directory]);
    const encoded = encodeShellCommand('pwd; printf "%s|" "$A" "$B"', {
      execDir: directory,
      env: { A: 'quote \' and "double" $(not run)', B: 'line\nbreak' },
    });
    if (!encoded.fits) throw new Error(encoded.reason);
    currentMarker = encoded.marker;
    expect(run(encoded.argv).stdout).toBe(`${directory}\nquote ' and "double" $(not run)|line\nbreak|`);
    const missing = encodeShellCommand('echo never', { execDir: join(scratch, 'missing') });
    if (!missing.fits) throw new Error(missing.reason);
    currentMarker = missing.marker;
    expect(run(missing.argv)).toMatchObject({ stdout: '', exitCode: 1 });
    expect(() => encodeShellCommand('true', { env: { '1BAD': 'x' } })).toThrow(ExecValidationError);
    expect(() => encodeShellCommand('true', { env: { 'A B': 'x' } })).toThrow(ExecValidationError);
  });

  it('never prints the marker whole in its own command line', () => {
    const encoded = encodeShellCommand('true');
    expect(JSON.stringify(encoded.fits && encoded.argv)).not.toContain(encoded.marker);
  });

  it('seeded fuzz: whatever fits decodes to the exact script in real bash, and stays within every limit', () => {
    const next = random(4242);
    let fitted = 0;
    let packed = 0;
    let refused = 0;
    for (let round = 0; round < 250; round += 1) {
      const script = randomScript(next);
      const limits = randomLimits(next);
      const resolved = { ...DEFAULT_EXEC_LIMITS, ...limits };
      const encoded = encodeShellCommand(script, { limits });
      if (!encoded.fits) {
        refused += 1;
        expect(encoded.reason.length).toBeGreaterThan(0);
        continue;
      }
      fitted += 1;
      if (encoded.encoding === 'gzip-base64') packed += 1;
      expect(checkLimits(encoded.argv, resolved)).toBeUndefined();
      expect(encoded.argv.length).toBeLessThanOrEqual(resolved.maxArgs);
      for (const element of encoded.argv) expect(element.length).toBeLessThanOrEqual(resolved.maxArgChars);
      expect(Buffer.byteLength(JSON.stringify(encoded.argv))).toBeLessThanOrEqual(resolved.maxJsonBytes);
      currentMarker = encoded.marker;
      const decoded = run(decodeOnly(encoded.argv));
      expect(decoded.exitCode).toBe(0);
      expect(decoded.stdout).toBe(script);
    }
    // The fuzz must exercise every path.
    expect(fitted).toBeGreaterThan(50);
    expect(packed).toBeGreaterThan(10);
    expect(refused).toBeGreaterThan(10);
  });

  it('refuses what cannot fit, with a reason', () => {
    const noise = `: ${randomBytes(2000).toString('base64')}`;
    const encoded = encodeShellCommand(noise);
    expect(encoded.fits).toBe(false);
    if (!encoded.fits) expect(encoded.reason).toMatch(/stdin/);
    expect(encodeShellCommand('true', { limits: { maxArgChars: 50 } }).fits).toBe(false);
    expect(() => encodeShellCommand('a\0b')).toThrow(ExecValidationError);
  });
});

describe('encodeStdinScript', () => {
  it('reads exactly N bytes of script, runs it with stdin from /dev/null, and leaves later stdin alone', () => {
    const script = `${scriptPrologue({ env: { X: 'y' } })}echo "$X"; cat; exit 5`;
    const body = Buffer.from(script);
    const { argv, marker } = encodeStdinScript(body.length);
    currentMarker = marker;
    expect(run(argv, `${script}trailing input`)).toMatchObject({ stdout: 'y\n', exitCode: 5 });
    const withStdin = encodeStdinScript(Buffer.byteLength('head -c 5'), { stdin: true });
    currentMarker = withStdin.marker;
    expect(run(withStdin.argv, 'head -c 5abcdefg')).toMatchObject({ stdout: 'abcde', exitCode: 0 });
  });
});

describe('encodeArgvCommand', () => {
  it('runs a plain argv without shell parsing and reports its exit code', () => {
    const words = ["it's", '$HOME', '`x`', 'a b', '', 'é✓'];
    const encoded = encodeArgvCommand(['printf', '[%s]', ...words], { execDir: '/', env: { K: 'v' } });
    if (!encoded.fits) throw new Error(encoded.reason);
    currentMarker = encoded.marker;
    expect(run(encoded.argv)).toMatchObject({ stdout: words.map((word) => `[${word}]`).join(''), exitCode: 0 });
    const failing = encodeArgvCommand(['sh', '-c', 'exit 9']);
    if (!failing.fits) throw new Error(failing.reason);
    currentMarker = failing.marker;
    expect(run(failing.argv).exitCode).toBe(9);
    expect(encodeArgvCommand(Array.from({ length: 30 }, () => 'x')).fits).toBe(false);
    expect(() => encodeArgvCommand([])).toThrow(ExecValidationError);
  });
});
