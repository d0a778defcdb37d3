import { createHash } from 'node:crypto';
import { signAcs3, signRpcV1 } from '@eci-sandbox/core-api';
import { describe, expect, it } from 'vitest';
import { ApiError } from './api-error.js';
import { Authenticator, NonceCache, type RpcRequest } from './authenticate.js';

const credentials = { accessKeyId: 'LTAItest', accessKeySecret: 'secret' };
const NOW = Date.parse('2026-01-02T03:04:05Z');

function v1Request(overrides: Record<string, string> = {}, secret = 'secret'): RpcRequest {
  const params: Record<string, string> = {
    Action: 'DescribeContainerGroups',
    Version: '2018-08-08',
    AccessKeyId: 'LTAItest',
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: 'nonce-1',
    Timestamp: '2026-01-02T03:04:05Z',
    RegionId: 'cn-hangzhou',
    ...overrides,
  };
  params.Signature = signRpcV1({ method: 'POST', params, accessKeySecret: secret });
  return { method: 'POST', pathname: '/', params, query: params, headers: {}, body: Buffer.alloc(0) };
}

function codeOf(action: () => unknown): string | undefined {
  try {
    action();
    return undefined;
  } catch (error) {
    return error instanceof ApiError ? error.code : `unexpected ${String(error)}`;
  }
}

describe('Authenticator', () => {
  it('accepts a good V1 request once, then refuses the replayed nonce', () => {
    const authenticator = new Authenticator(credentials, new NonceCache(() => NOW), () => NOW);
    expect(authenticator.authenticate(v1Request())).toMatchObject({ signatureVersion: 'v1', action: 'DescribeContainerGroups' });
    expect(codeOf(() => authenticator.authenticate(v1Request()))).toBe('SignatureNonceUsed');
  });

  it('forgets nonces after 15 minutes', () => {
    let now = NOW;
    const authenticator = new Authenticator(credentials, new NonceCache(() => now), () => now);
    authenticator.authenticate(v1Request());
    now += 15 * 60_000 + 1;
    expect(
      codeOf(() => authenticator.authenticate(v1Request({ Timestamp: new Date(now).toISOString().replace(/\.\d{3}Z$/, 'Z') }))),
    ).toBeUndefined();
  });

  it('checks the clock window, the key and the signature', () => {
    const authenticator = new Authenticator(credentials, new NonceCache(() => NOW), () => NOW + 16 * 60_000);
    expect(codeOf(() => authenticator.authenticate(v1Request()))).toBe('InvalidTimeStamp.Expired');
    const onTime = new Authenticator(credentials, new NonceCache(() => NOW), () => NOW);
    expect(codeOf(() => onTime.authenticate(v1Request({ AccessKeyId: 'other', SignatureNonce: 'n2' })))).toBe(
      'InvalidAccessKeyId.NotFound',
    );
    expect(codeOf(() => onTime.authenticate(v1Request({ SignatureNonce: 'n3' }, 'wrong')))).toBe('SignatureDoesNotMatch');
  });

  it('verifies a V3 request over the headers it lists', () => {
    const authenticator = new Authenticator(credentials, new NonceCache(() => NOW), () => NOW);
    const body = Buffer.from('RegionId=cn-hangzhou');
    const headers: Record<string, string> = {
      host: '127.0.0.1:1234',
      'content-type': 'application/x-www-form-urlencoded',
      'x-acs-action': 'DescribeContainerGroups',
      'x-acs-version': '2018-08-08',
      'x-acs-date': '2026-01-02T03:04:05Z',
      'x-acs-signature-nonce': 'v3-nonce',
      'x-acs-content-sha256': createHash('sha256').update(body).digest('hex'),
    };
    const signed = signAcs3({
      method: 'POST',
      pathname: '/',
      query: {},
      headers,
      payloadHash: headers['x-acs-content-sha256']!,
      ...credentials,
    });
    const request: RpcRequest = {
      method: 'POST',
      pathname: '/',
      params: { RegionId: 'cn-hangzhou' },
      query: {},
      headers: { ...headers, authorization: signed.authorization, 'user-agent': 'not signed' },
      body,
    };
    expect(authenticator.authenticate(request)).toMatchObject({ signatureVersion: 'v3', version: '2018-08-08' });
    const tampered = {
      ...request,
      headers: { ...request.headers, 'x-acs-signature-nonce': 'other', 'x-acs-version': '2019-01-01' },
    };
    expect(codeOf(() => authenticator.authenticate(tampered))).toBe('SignatureDoesNotMatch');
  });
});
