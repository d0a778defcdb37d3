import { describe, expect, it } from 'vitest';
import { redact } from './redact.js';

describe('redact', () => {
  it('masks secret values from the environment', () => {
    const env = { ECI_SANDBOX_ACCESS_KEY_SECRET: 'topsecretvalue' };
    expect(redact('failed with key topsecretvalue here', env)).toBe('failed with key *** here');
  });

  it('masks exec stream tokens, signatures and authorization headers', () => {
    expect(redact('ws://127.0.0.1:1/exec/?s=abcDEF123&x=1', {})).toBe('ws://127.0.0.1:1/exec/?s=***&x=1');
    expect(redact('GET /?Action=X&Signature=zzzz%3D', {})).toBe('GET /?Action=X&Signature=***');
    expect(redact('Authorization: ACS3-HMAC-SHA256 Credential=AK,Signature=ff', {})).toBe(
      'Authorization: ACS3-HMAC-SHA256 Credential=AK,Signature=***',
    );
    expect(redact('{"accessKeySecret":"abc123"}', {})).toBe('{"accessKeySecret":"***"}');
  });

  it('leaves ordinary text alone', () => {
    expect(redact('sandbox eci-123 is Running', {})).toBe('sandbox eci-123 is Running');
  });
});
