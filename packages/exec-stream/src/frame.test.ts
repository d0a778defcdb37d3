import { describe, expect, it } from 'vitest';
import { Channel, decodeFrame, encodeClose, encodeExitStatus, encodeFrame, encodeResize, parseStatus } from './frame.js';

describe('frame codec', () => {
  it('round-trips a binary frame', () => {
    const message = encodeFrame(Channel.stderr, 'héllo');
    expect(message[0]).toBe(2);
    const frame = decodeFrame(message);
    expect(frame?.channel).toBe(Channel.stderr);
    expect(Buffer.from(frame!.payload).toString('utf8')).toBe('héllo');
  });

  it('ignores empty messages and reads a readiness frame as an empty payload', () => {
    expect(decodeFrame(new Uint8Array(0))).toBeUndefined();
    const ready = decodeFrame(Buffer.from([1]));
    expect(ready?.channel).toBe(1);
    expect(ready?.payload.length).toBe(0);
  });

  it('takes text messages as stdout', () => {
    expect(decodeFrame('abc')?.channel).toBe(Channel.stdout);
    expect(decodeFrame('')).toBeUndefined();
  });

  it('rejects channels outside a byte', () => {
    expect(() => encodeFrame(256)).toThrow(RangeError);
    expect(() => encodeFrame(-1)).toThrow(RangeError);
  });

  it('encodes resize and close messages', () => {
    const resize = encodeResize(120, 40);
    expect(resize[0]).toBe(Channel.resize);
    expect(JSON.parse(resize.subarray(1).toString())).toEqual({ Width: 120, Height: 40 });
    expect([...encodeClose(Channel.stdin)]).toEqual([255, 0]);
  });

  it('parses v4 exit statuses and plain error text', () => {
    expect(parseStatus(encodeExitStatus(0).subarray(1))).toEqual({ kind: 'exit', exitCode: 0 });
    expect(parseStatus(encodeExitStatus(137).subarray(1))).toEqual({ kind: 'exit', exitCode: 137 });
    expect(parseStatus(Buffer.from('container not found'))).toEqual({
      kind: 'error',
      message: 'container not found',
    });
    expect(parseStatus(Buffer.from('{"status":"Failure","message":"boom"}'))).toEqual({
      kind: 'error',
      message: 'boom',
    });
  });
});
