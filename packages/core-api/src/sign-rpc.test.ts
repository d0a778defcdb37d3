import { describe, expect, it } from 'vitest';
import { rpcStringToSign, signRpcV1 } from './sign-rpc.js';

// Vectors from docs/eci-protocol.md §1.2.
const documented = {
  AccessKeyId: 'testid',
  Action: 'DescribeRegions',
  Format: 'XML',
  SignatureMethod: 'HMAC-SHA1',
  SignatureNonce: '3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf',
  SignatureVersion: '1.0',
  Timestamp: '2016-02-23T12:46:24Z',
  Version: '2014-05-26',
};

describe('signRpcV1', () => {
  it('builds the documented string to sign (vector a′)', () => {
    expect(rpcStringToSign('GET', documented)).toBe(
      'GET&%2F&AccessKeyId%3Dtestid%26Action%3DDescribeRegions%26Format%3DXML%26SignatureMethod%3DHMAC-SHA1%26SignatureNonce%3D3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf%26SignatureVersion%3D1.0%26Timestamp%3D2016-02-23T12%253A46%253A24Z%26Version%3D2014-05-26',
    );
  });
  it('matches the documented ECS example signature (vector a)', () => {
    expect(signRpcV1({ method: 'GET', params: documented, accessKeySecret: 'testsecret' })).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
  it('matches the openapi-util unit-test vector (vector d)', () => {
    expect(signRpcV1({ method: '', params: { test: 'ok' }, accessKeySecret: 'accessKeySecret' })).toBe(
      'jHx/oHoHNrbVfhncHEvPdHXZwHU=',
    );
  });
  it('does not depend on parameter insertion order', () => {
    const reversed = Object.fromEntries(Object.entries(documented).reverse());
    expect(signRpcV1({ method: 'GET', params: reversed, accessKeySecret: 'testsecret' })).toBe('OLeaidS1JvxuMvnyHOwuJ+uX5qY=');
  });
});
