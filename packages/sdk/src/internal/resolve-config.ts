import { EciValidationError, loadConfig } from '@eci-sandbox/core-api';
import type { EciCredentials, EciCredentialsProvider, EciSandboxOptions } from '../options.js';

/** Everything `EciSandbox` needs, with every default filled in. */
export interface ResolvedConfig {
  regionId: string;
  endpoint: string;
  timeoutMs: number;
  /** Static keys, when configured (explicitly, in the environment or in `.env`). */
  staticCredentials?: EciCredentials;
  /** A provider, when given or when falling back to the default chain. */
  provider?: EciCredentialsProvider;
  /** Which source the credentials came from, for messages and logs (never the values). */
  credentialSource: 'options' | 'provider' | 'environment' | 'default-chain' | 'none';
  proxy?: string;
  execProtocol: 'none' | 'v4';
  /** The `.env` file that was read, if any. */
  envFile?: string;
}

/** The message for "no credentials anywhere": which variables to set. */
export const MISSING_CREDENTIALS_MESSAGE =
  'No Alibaba Cloud credentials found. Pass accessKeyId and accessKeySecret (or credentials) to new EciSandbox(), ' +
  'or set ECI_SANDBOX_ACCESS_KEY_ID and ECI_SANDBOX_ACCESS_KEY_SECRET (or ALIBABA_CLOUD_ACCESS_KEY_ID and ' +
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET) in the environment or a .env file, or configure the Alibaba Cloud default ' +
  'credential chain (~/.alibabacloud/credentials, an ECS RAM role, OIDC/RRSA).';

/**
 * Resolves options in this order: explicit options, then `ECI_SANDBOX_*`, then `ALIBABA_CLOUD_*`,
 * then a `.env` file searched upward from `cwd` (parsed, never loaded into `process.env`).
 * Credentials fall back to `defaultChain` when none are found and it is allowed.
 */
export function resolveConfig(options: EciSandboxOptions, defaultChain: () => EciCredentialsProvider): ResolvedConfig {
  const env = options.env ?? process.env;
  const loaded = loadConfig({
    env,
    cwd: options.cwd ?? process.cwd(),
    ...(options.envFile === undefined ? {} : { envFile: options.envFile }),
  });
  const regionId = options.regionId ?? loaded.regionId;
  const endpoint = options.endpoint ?? loaded.endpoint ?? `eci.${regionId}.aliyuncs.com`;
  const timeoutMs = options.timeoutMs ?? loaded.timeoutMs;

  const execProtocolValue = env.ECI_SANDBOX_EXEC_PROTOCOL?.trim();
  let execProtocol: 'none' | 'v4' = options.execProtocol ?? 'none';
  if (options.execProtocol === undefined && execProtocolValue) {
    if (execProtocolValue !== 'none' && execProtocolValue !== 'v4') {
      throw new EciValidationError(
        'ECI_SANDBOX_EXEC_PROTOCOL',
        `ECI_SANDBOX_EXEC_PROTOCOL must be "none" or "v4", got "${execProtocolValue}"`,
      );
    }
    execProtocol = execProtocolValue;
  }
  const proxy = options.proxy ?? (env.ECI_SANDBOX_PROXY || env.HTTPS_PROXY || env.https_proxy || undefined);

  const base = {
    regionId,
    endpoint,
    timeoutMs,
    execProtocol,
    ...(proxy ? { proxy } : {}),
    ...(loaded.envFile ? { envFile: loaded.envFile } : {}),
  };

  if (options.credentials !== undefined) return { ...base, provider: options.credentials, credentialSource: 'provider' };

  const accessKeyId = options.accessKeyId ?? loaded.accessKeyId;
  const accessKeySecret = options.accessKeySecret ?? loaded.accessKeySecret;
  const securityToken = options.securityToken ?? loaded.securityToken;
  if (accessKeyId !== undefined && accessKeySecret !== undefined) {
    const explicit = options.accessKeyId !== undefined && options.accessKeySecret !== undefined;
    return {
      ...base,
      staticCredentials: { accessKeyId, accessKeySecret, ...(securityToken ? { securityToken } : {}) },
      credentialSource: explicit ? 'options' : 'environment',
    };
  }
  if (accessKeyId !== undefined || accessKeySecret !== undefined) {
    const missing = accessKeyId === undefined ? 'accessKeyId' : 'accessKeySecret';
    throw new EciValidationError(
      missing,
      `${missing} is missing while ${missing === 'accessKeyId' ? 'accessKeySecret' : 'accessKeyId'} is set: ` +
        `set both (options, ECI_SANDBOX_ACCESS_KEY_ID/ECI_SANDBOX_ACCESS_KEY_SECRET, or ALIBABA_CLOUD_ACCESS_KEY_ID/ALIBABA_CLOUD_ACCESS_KEY_SECRET).`,
    );
  }
  if (options.useDefaultCredentialChain === false) return { ...base, credentialSource: 'none' };
  return { ...base, provider: defaultChain(), credentialSource: 'default-chain' };
}
