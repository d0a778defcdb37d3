import { describe, expect, it } from 'vitest';
import { MarkerScanner } from './marker-scanner.js';

const MARKER = '__ECI_EXIT_00112233aabbccdd__';

function scan(chunks: Array<string | Buffer>, mode: 'end' | 'first' = 'end'): { output: string; exitCode: number | undefined } {
  const scanner = new MarkerScanner(MARKER, mode);
  const parts: Buffer[] = [];
  for (const chunk of chunks) parts.push(Buffer.from(scanner.push(Buffer.from(chunk)).output));
  const end = scanner.finish();
  parts.push(Buffer.from(end.output));
  return { output: Buffer.concat(parts).toString('utf8'), exitCode: end.exitCode };
}

/** Every way of cutting `text` in two, plus one byte at a time. */
function cuts(text: string): Buffer[][] {
  const bytes = Buffer.from(text);
  const result: Buffer[][] = [];
  for (let at = 0; at <= bytes.length; at += 1) result.push([bytes.subarray(0, at), bytes.subarray(at)]);
  result.push([...bytes].map((byte) => Buffer.from([byte])));
  return result;
}

/** Seeded PRNG (mulberry32), so a failure can be replayed. */
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

describe('MarkerScanner', () => {
  it('strips exactly the marker line, including its leading newline, at every cut', () => {
    for (const [body, code] of [
      ['hello\n', 0],
      ['no newline', 3],
      ['', 137],
      ['\n\n', 1],
    ] as const) {
      for (const chunks of cuts(`${body}\n${MARKER}${code}\n`)) {
        expect(scan(chunks)).toEqual({ output: body, exitCode: code });
      }
    }
  });

  it('accepts the carriage returns a terminal adds', () => {
    const scanner = new MarkerScanner(MARKER, 'end', { carriageReturn: true });
    const { output } = scanner.push(Buffer.from(`out\r\n\r\n${MARKER}42\r\n`));
    expect(Buffer.from(output).toString()).toBe('out\r\n');
    expect(scanner.finish()).toMatchObject({ exitCode: 42 });
    // Without a terminal a trailing \r is the command's own output.
    expect(scan([`out\r\n${MARKER}42\n`])).toEqual({ output: 'out\r', exitCode: 42 });
  });

  it('keeps output that only looks like a marker', () => {
    const fakes = [
      `\n__ECI_EXIT_ffffffffffffffff__0\n`, // another nonce
      `\n${MARKER}0\nmore output after it`, // the right nonce, but not at the end
      `\n${MARKER}\n`, // no digits
      `\n${MARKER}12345678901\n`, // too many digits
      `${MARKER}0\n`.slice(0, 20), // a cut-off prefix
    ];
    for (const fake of fakes) {
      for (const chunks of cuts(`start${fake}`)) expect(scan(chunks)).toEqual({ output: `start${fake}`, exitCode: undefined });
      const real = `start${fake}\n${MARKER}9\n`;
      for (const chunks of cuts(real)) expect(scan(chunks)).toEqual({ output: `start${fake}`, exitCode: 9 });
    }
  });

  it('holds back no more than a marker line', () => {
    const scanner = new MarkerScanner(MARKER);
    const { output } = scanner.push(Buffer.from(`${'x'.repeat(100)}\n__ECI_EX`));
    expect(Buffer.from(output).toString()).toBe('x'.repeat(100));
    const next = scanner.push(Buffer.from('IT_other'));
    expect(Buffer.from(next.output).toString()).toBe('\n__ECI_EXIT_other');
  });

  it('in first mode ends at the first complete marker and returns what follows', () => {
    for (const chunks of cuts(`one\n${MARKER}5\nrest`)) {
      const scanner = new MarkerScanner(MARKER, 'first');
      let output = '';
      let done: { exitCode: number; rest: string } | undefined;
      for (const chunk of chunks) {
        if (done) break;
        const result = scanner.push(chunk);
        output += Buffer.from(result.output).toString();
        if (result.done) done = { exitCode: result.done.exitCode, rest: Buffer.from(result.done.rest).toString() };
      }
      expect(output).toBe('one');
      expect(done?.exitCode).toBe(5);
    }
  });

  it('passes a seeded fuzz of binary output with marker fragments in it', () => {
    const next = random(20261126);
    const fragments = ['\n', '\r', MARKER, '__ECI_', '0', '12', 'text', `\n${MARKER}`, '\xff\xfe'];
    for (let round = 0; round < 300; round += 1) {
      const pieces: Buffer[] = [];
      const count = Math.floor(next() * 30);
      for (let index = 0; index < count; index += 1) {
        if (next() < 0.5) pieces.push(Buffer.from(fragments[Math.floor(next() * fragments.length)] as string, 'latin1'));
        else pieces.push(Buffer.from(Array.from({ length: Math.floor(next() * 20) }, () => Math.floor(next() * 256))));
      }
      const body = Buffer.concat(pieces);
      const code = Math.floor(next() * 256);
      const stream = Buffer.concat([body, Buffer.from(`\n${MARKER}${code}\n`)]);
      const scanner = new MarkerScanner(MARKER);
      const out: Buffer[] = [];
      for (let offset = 0; offset < stream.length; ) {
        const size = 1 + Math.floor(next() * 40);
        out.push(Buffer.from(scanner.push(stream.subarray(offset, offset + size)).output));
        offset += size;
      }
      const end = scanner.finish();
      out.push(Buffer.from(end.output));
      expect(end.exitCode).toBe(code);
      expect(Buffer.concat(out).equals(body)).toBe(true);
    }
  });
});
