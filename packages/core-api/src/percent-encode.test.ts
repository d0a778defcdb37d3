import { describe, expect, it } from 'vitest';
import { percentEncode } from './percent-encode.js';

describe('percentEncode', () => {
  it('encodes the characters encodeURIComponent leaves alone', () => {
    expect(percentEncode("!'()*")).toBe('%21%27%28%29%2A');
  });
  it('keeps the unreserved set literal, including ~', () => {
    expect(percentEncode('AZaz09-_.~')).toBe('AZaz09-_.~');
  });
  it('encodes space as %20 and UTF-8 with uppercase hex', () => {
    expect(percentEncode('a b')).toBe('a%20b');
    expect(percentEncode('é/+=&')).toBe('%C3%A9%2F%2B%3D%26');
    expect(percentEncode('中')).toBe('%E4%B8%AD');
  });
});
