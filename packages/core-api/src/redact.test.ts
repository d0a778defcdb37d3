import { describe, expect, it } from 'vitest';
import { redactSecrets } from './redact.js';

describe('redactSecrets', () => {
  it('masks the V1 Signature but keeps SignatureNonce and SignatureMethod', () => {
    const text = 'POST /?SignatureMethod=HMAC-SHA1&SignatureNonce=abc-123&Signature=Zm9v%2Bbar%3D&Action=X';
    expect(redactSecrets(text)).toBe('POST /?SignatureMethod=HMAC-SHA1&SignatureNonce=abc-123&Signature=***&Action=X');
  });

  it('masks the signature in an Authorization header', () => {
    const text = 'Authorization: ACS3-HMAC-SHA256 Credential=LTAIabc,SignedHeaders=host;x-acs-date,Signature=0123abcdef';
    expect(redactSecrets(text)).toBe(
      'Authorization: ACS3-HMAC-SHA256 Credential=LTAIabc,SignedHeaders=host;x-acs-date,Signature=***',
    );
  });

  it('masks security tokens in headers, queries, JSON and an encoded string to sign', () => {
    expect(redactSecrets('x-acs-security-token: CAIS.tok/en+1')).toBe('x-acs-security-token: ***');
    expect(redactSecrets('a=1&SecurityToken=CAIStoken&b=2')).toBe('a=1&SecurityToken=***&b=2');
    expect(redactSecrets('{"SecurityToken":"CAIS","x":1}')).toBe('{"SecurityToken":"***","x":1}');
    expect(redactSecrets('POST&%2F&Action%3DX%26SecurityToken%3DCAIS%252Fabc%26Timestamp%3D1')).toBe(
      'POST&%2F&Action%3DX%26SecurityToken%3D***%26Timestamp%3D1',
    );
  });

  it('masks AccessKeySecret values', () => {
    expect(redactSecrets('AccessKeySecret=s3cr3t&x=1')).toBe('AccessKeySecret=***&x=1');
    expect(redactSecrets("{ accessKeySecret: 's3cr3t' }")).toBe("{ accessKeySecret: '***' }");
  });

  it('masks exec URL tokens', () => {
    expect(redactSecrets('wss://eci-cn-shanghai.aliyun.com/exec/?s=ktHPx123 done')).toBe(
      'wss://eci-cn-shanghai.aliyun.com/exec/?s=*** done',
    );
    expect(redactSecrets('http://127.0.0.1:1/exec?x=1&s=abc')).toBe('http://127.0.0.1:1/exec?x=1&s=***');
  });

  it('masks literal secrets, raw and percent-encoded', () => {
    const secret = 'my secret/+=value';
    const text = `raw ${secret} encoded ${encodeURIComponent(secret)} twice ${encodeURIComponent(encodeURIComponent(secret))}`;
    const output = redactSecrets(text, [secret, undefined]);
    expect(output).toBe('raw *** encoded *** twice ***');
  });
});
