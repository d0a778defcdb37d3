import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { ByteCollector } from './byte-collector.js';

function pieces(data: Buffer, size: number): Buffer[] {
  const result: Buffer[] = [];
  for (let offset = 0; offset < data.length; offset += size) result.push(data.subarray(offset, offset + size));
  return result;
}

describe('ByteCollector', () => {
  const data = randomBytes(10_000);

  it('joins pieces without an announced size', () => {
    const collector = new ByteCollector();
    for (const piece of pieces(data, 777)) collector.push(piece);
    expect(collector.bytes).toBe(data.length);
    expect(collector.take().equals(data)).toBe(true);
  });

  it('copies pieces into one preallocated buffer when the size is announced first', () => {
    const collector = new ByteCollector();
    expect(collector.expect(data.length)).toBe(true);
    const sent = pieces(Buffer.from(data), 1000);
    for (const piece of sent) collector.push(piece);
    // The pieces were copied: changing them afterwards changes nothing.
    for (const piece of sent) piece.fill(0);
    expect(collector.take().equals(data)).toBe(true);
  });

  it('handles fewer or more bytes than announced', () => {
    const fewer = new ByteCollector();
    fewer.expect(data.length + 50);
    for (const piece of pieces(data, 999)) fewer.push(piece);
    expect(fewer.take().equals(data)).toBe(true);

    const more = new ByteCollector();
    more.expect(data.length - 1234);
    for (const piece of pieces(data, 999)) more.push(piece);
    expect(more.bytes).toBe(data.length);
    expect(more.take().equals(data)).toBe(true);
  });

  it('ignores an announcement after the first piece, and impossible sizes', () => {
    const late = new ByteCollector();
    late.push(data.subarray(0, 10));
    expect(late.expect(data.length)).toBe(false);
    late.push(data.subarray(10));
    expect(late.take().equals(data)).toBe(true);
    for (const size of [0, -1, 1.5, Number.MAX_SAFE_INTEGER]) expect(new ByteCollector().expect(size)).toBe(false);
    expect(new ByteCollector().take().length).toBe(0);
  });
});
