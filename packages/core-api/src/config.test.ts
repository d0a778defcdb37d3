import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';
import { EciValidationError } from './errors.js';
import { parseDotenv } from './internal/dotenv.js';

function project(envText?: string) {
  const root = mkdtempSync(join(tmpdir(), 'core-api-config-'));
  const nested = join(root, 'a', 'b');
  mkdirSync(nested, { recursive: true });
  if (envText !== undefined) writeFileSync(join(root, '.env'), envText);
  return { root, nested };
}

describe('parseDotenv', () => {
  it('handles quotes, comments, export and blank lines', () => {
    const text = [
      '# a comment',
      '',
      'export A=plain value # trailing comment',
      "B='single # kept \\n literal'",
      'C="double\\nline \\"quoted\\" # kept"',
      'D=url#fragment',
      '  E = spaced  ',
      'not an assignment',
      'F=',
      'G="multi',
      'line"',
    ].join('\n');
    expect(parseDotenv(text)).toEqual({
      A: 'plain value',
      B: 'single # kept \\n literal',
      C: 'double\nline "quoted" # kept',
      D: 'url#fragment',
      E: 'spaced',
      F: '',
      G: 'multi\nline',
    });
  });

  it('accepts CRLF line endings', () => {
    expect(parseDotenv('A=1\r\nB=2\r\n')).toEqual({ A: '1', B: '2' });
  });
});

describe('loadConfig', () => {
  it('applies defaults when nothing is set', () => {
    const { nested } = project();
    expect(loadConfig({ env: {}, cwd: nested, envFile: false })).toEqual({ regionId: 'cn-shanghai', timeoutMs: 60_000 });
  });

  it('prefers ECI_SANDBOX_* over ALIBABA_CLOUD_* over .env (searched upward)', () => {
    const { root, nested } = project(
      'ALIBABA_CLOUD_ACCESS_KEY_ID=file-id\nexport ALIBABA_CLOUD_ACCESS_KEY_SECRET="file secret"\nECI_SANDBOX_REGION_ID=cn-beijing\nALIBABA_CLOUD_SECURITY_TOKEN=file-token\n',
    );
    const env = {
      ALIBABA_CLOUD_ACCESS_KEY_ID: 'env-id',
      ECI_SANDBOX_ACCESS_KEY_ID: 'sandbox-id',
      ALIBABA_CLOUD_REGION_ID: 'cn-hangzhou',
      ECI_SANDBOX_ENDPOINT: 'http://127.0.0.1:8745',
      ECI_SANDBOX_TIMEOUT_MS: '5000',
    };
    const config = loadConfig({ env, cwd: nested });
    expect(config).toEqual({
      accessKeyId: 'sandbox-id',
      accessKeySecret: 'file secret',
      securityToken: 'file-token',
      regionId: 'cn-hangzhou',
      endpoint: 'http://127.0.0.1:8745',
      timeoutMs: 5000,
      envFile: join(root, '.env'),
    });
  });

  it('never writes into the environment it reads', () => {
    const { nested } = project('ECI_SANDBOX_ACCESS_KEY_ID=from-file\n');
    const env: Record<string, string> = {};
    expect(loadConfig({ env, cwd: nested }).accessKeyId).toBe('from-file');
    expect(env).toEqual({});
    expect(process.env.ECI_SANDBOX_ACCESS_KEY_ID).toBeUndefined();
  });

  it('reads an explicit env file relative to cwd', () => {
    const { root } = project();
    writeFileSync(join(root, 'custom.env'), 'ECI_SANDBOX_ACCESS_KEY_SECRET=abc\n');
    expect(loadConfig({ env: {}, cwd: root, envFile: 'custom.env' }).accessKeySecret).toBe('abc');
  });

  it('rejects a bad timeout naming the variable', () => {
    const { root } = project();
    const call = () => loadConfig({ env: { ECI_SANDBOX_TIMEOUT_MS: '-1' }, cwd: root, envFile: false });
    expect(call).toThrow(EciValidationError);
    expect(call).toThrow(/ECI_SANDBOX_TIMEOUT_MS/);
  });
});
