import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EciCredentialsProvider } from '../options.js';
import { resolveConfig } from './resolve-config.js';

const noChain = (): EciCredentialsProvider => {
  throw new Error('the default chain must not be used here');
};
const fakeChain: EciCredentialsProvider = async () => ({ accessKeyId: 'chain-id', accessKeySecret: 'chain-secret' });

describe('resolveConfig', () => {
  let root: string;
  let nested: string;
  const envBefore = JSON.stringify(process.env);

  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'eci-sdk-config-'));
    nested = join(root, 'a', 'b');
    mkdirSync(nested, { recursive: true });
    writeFileSync(
      join(root, '.env'),
      'ALIBABA_CLOUD_ACCESS_KEY_ID=file-id\nALIBABA_CLOUD_ACCESS_KEY_SECRET=file-secret\nALIBABA_CLOUD_REGION_ID=cn-beijing\n',
    );
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    expect(JSON.stringify(process.env)).toBe(envBefore);
  });

  it('finds a .env file searched upward from cwd', () => {
    const config = resolveConfig({ env: {}, cwd: nested }, noChain);
    expect(config.staticCredentials).toEqual({ accessKeyId: 'file-id', accessKeySecret: 'file-secret' });
    expect(config.regionId).toBe('cn-beijing');
    expect(config.endpoint).toBe('eci.cn-beijing.aliyuncs.com');
    expect(config.credentialSource).toBe('environment');
    expect(config.envFile).toBe(join(root, '.env'));
  });

  it('ALIBABA_CLOUD_* beats .env, ECI_SANDBOX_* beats both, explicit options beat everything', () => {
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'alibaba-id',
      ALIBABA_CLOUD_ACCESS_KEY_SECRET: 'alibaba-secret',
      ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou',
    };
    expect(resolveConfig({ env, cwd: nested }, noChain).staticCredentials?.accessKeyId).toBe('alibaba-id');
    expect(resolveConfig({ env, cwd: nested }, noChain).regionId).toBe('cn-hangzhou');

    const withEci = {
      ...env,
      ECI_SANDBOX_ACCESS_KEY_ID: 'eci-id',
      ECI_SANDBOX_ACCESS_KEY_SECRET: 'eci-secret',
      ECI_SANDBOX_REGION_ID: 'cn-shenzhen',
      ECI_SANDBOX_TIMEOUT_MS: '1234',
    };
    const fromEci = resolveConfig({ env: withEci, cwd: nested }, noChain);
    expect(fromEci.staticCredentials).toEqual({ accessKeyId: 'eci-id', accessKeySecret: 'eci-secret' });
    expect(fromEci.regionId).toBe('cn-shenzhen');
    expect(fromEci.timeoutMs).toBe(1234);

    const explicit = resolveConfig(
      { env: withEci, cwd: nested, accessKeyId: 'my-id', accessKeySecret: 'my-secret', regionId: 'cn-qingdao', timeoutMs: 5 },
      noChain,
    );
    expect(explicit.staticCredentials).toEqual({ accessKeyId: 'my-id', accessKeySecret: 'my-secret' });
    expect(explicit.credentialSource).toBe('options');
    expect(explicit.regionId).toBe('cn-qingdao');
    expect(explicit.timeoutMs).toBe(5);
  });

  it('reads a named envFile instead of searching', () => {
    const other = join(root, 'other.env');
    writeFileSync(
      other,
      'ECI_SANDBOX_ACCESS_KEY_ID=other-id\nECI_SANDBOX_ACCESS_KEY_SECRET=other-secret\nECI_SANDBOX_ENDPOINT=http://127.0.0.1:1\n',
    );
    const config = resolveConfig({ env: {}, cwd: nested, envFile: other }, noChain);
    expect(config.staticCredentials?.accessKeyId).toBe('other-id');
    expect(config.endpoint).toBe('http://127.0.0.1:1');
    expect(config.regionId).toBe('cn-shanghai');
  });

  it('falls back to the default credential chain, or to none when that is off', () => {
    const empty = mkdtempSync(join(tmpdir(), 'eci-sdk-empty-'));
    try {
      const chained = resolveConfig({ env: {}, cwd: empty }, () => fakeChain);
      expect(chained.credentialSource).toBe('default-chain');
      expect(chained.provider).toBe(fakeChain);
      expect(chained.staticCredentials).toBeUndefined();
      const none = resolveConfig({ env: {}, cwd: empty, useDefaultCredentialChain: false }, noChain);
      expect(none.credentialSource).toBe('none');
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('names the missing half of a key pair', () => {
    const empty = mkdtempSync(join(tmpdir(), 'eci-sdk-empty-'));
    try {
      expect(() => resolveConfig({ env: { ECI_SANDBOX_ACCESS_KEY_ID: 'id-only' }, cwd: empty }, noChain)).toThrow(
        /accessKeySecret is missing/,
      );
    } finally {
      rmSync(empty, { recursive: true, force: true });
    }
  });

  it('reads the proxy and exec protocol from the environment', () => {
    const config = resolveConfig(
      { env: { HTTPS_PROXY: 'http://proxy:3128', ECI_SANDBOX_EXEC_PROTOCOL: 'v4' }, cwd: nested },
      noChain,
    );
    expect(config.proxy).toBe('http://proxy:3128');
    expect(config.execProtocol).toBe('v4');
    expect(() => resolveConfig({ env: { ECI_SANDBOX_EXEC_PROTOCOL: 'v9' }, cwd: nested }, noChain)).toThrow(
      /ECI_SANDBOX_EXEC_PROTOCOL/,
    );
  });
});
