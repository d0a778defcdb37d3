import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { EciClient } from './client.js';
import { VERSION } from './version.js';

const KEYS = { accessKeyId: 'LTAIexample', accessKeySecret: 'secret-example' };

/** A fetch that records what would be sent and answers like ECI. */
function recorder() {
  const sent: Array<{ url: URL; headers: Headers }> = [];
  const fetch: typeof globalThis.fetch = async (input, init) => {
    sent.push({ url: new URL(String(input)), headers: new Headers(init?.headers) });
    return new Response(JSON.stringify({ RequestId: 'R', ContainerGroups: [] }), { status: 200 });
  };
  return { sent, fetch };
}

describe('EciClient configuration', () => {
  it('defaults to cn-shanghai over HTTPS with V3', async () => {
    const { sent, fetch } = recorder();
    const client = new EciClient({ ...KEYS, fetch });
    expect(client.regionId).toBe('cn-shanghai');
    expect(client.endpoint).toBe('https://eci.cn-shanghai.aliyuncs.com/');
    expect(client.signatureVersion).toBe('v3');
    await client.describeContainerGroups();
    const [request] = sent;
    expect(request?.url.origin).toBe('https://eci.cn-shanghai.aliyuncs.com');
    expect(request?.url.pathname).toBe('/');
    expect(request?.url.searchParams.get('RegionId')).toBe('cn-shanghai');
    expect(request?.headers.get('x-acs-action')).toBe('DescribeContainerGroups');
    expect(request?.headers.get('x-acs-version')).toBe('2018-08-08');
    expect(request?.headers.get('x-acs-date')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(request?.headers.get('x-acs-content-sha256')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(request?.headers.get('authorization')).toMatch(
      /^ACS3-HMAC-SHA256 Credential=LTAIexample,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=[0-9a-f]{64}$/,
    );
    expect(request?.headers.get('user-agent')).toContain(`eci-sandbox-core-api/${VERSION}`);
  });

  it('derives the endpoint from the region, accepts a host or a URL', () => {
    expect(new EciClient({ ...KEYS, regionId: 'ap-southeast-1' }).endpoint).toBe('https://eci.ap-southeast-1.aliyuncs.com/');
    expect(new EciClient({ ...KEYS, endpoint: 'eci-vpc.cn-hangzhou.aliyuncs.com' }).endpoint).toBe(
      'https://eci-vpc.cn-hangzhou.aliyuncs.com/',
    );
    expect(new EciClient({ ...KEYS, endpoint: 'http://127.0.0.1:8745' }).endpoint).toBe('http://127.0.0.1:8745/');
  });

  it('sends V1 common parameters with a timestamp without milliseconds', async () => {
    const { sent, fetch } = recorder();
    await new EciClient({
      ...KEYS,
      securityToken: 'token-value',
      signatureVersion: 'v1',
      userAgent: 'my-app/1.0',
      fetch,
    }).describeContainerGroups();
    const query = sent[0]?.url.searchParams;
    expect(Object.fromEntries(query ?? [])).toMatchObject({
      Action: 'DescribeContainerGroups',
      Version: '2018-08-08',
      Format: 'JSON',
      AccessKeyId: 'LTAIexample',
      SignatureMethod: 'HMAC-SHA1',
      SignatureVersion: '1.0',
      SecurityToken: 'token-value',
      RegionId: 'cn-shanghai',
    });
    expect(query?.get('Timestamp')).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(query?.get('SignatureNonce')).toMatch(/^[0-9a-f-]{36}$/);
    expect(query?.get('Signature')).toMatch(/^[A-Za-z0-9+/]{27}=$/);
    expect(sent[0]?.headers.get('authorization')).toBeNull();
    expect(sent[0]?.headers.get('user-agent')).toMatch(/ my-app\/1\.0$/);
  });

  it('fromEnv reads loadConfig settings', () => {
    const client = EciClient.fromEnv(
      {},
      {
        env: { ALIBABA_CLOUD_ACCESS_KEY_ID: 'id', ALIBABA_CLOUD_ACCESS_KEY_SECRET: 's', ECI_SANDBOX_REGION_ID: 'cn-beijing' },
        envFile: false,
      },
    );
    expect(client.regionId).toBe('cn-beijing');
    expect(client.endpoint).toBe('https://eci.cn-beijing.aliyuncs.com/');
  });

  it('keeps VERSION equal to package.json', () => {
    const manifest = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(VERSION).toBe(manifest.version);
  });
});
