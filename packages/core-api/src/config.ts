import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { EciValidationError } from './errors.js';
import { parseDotenv } from './internal/dotenv.js';

/** The region used when none is configured. */
export const DEFAULT_REGION_ID = 'cn-shanghai';
/** The per-call timeout used when none is configured. */
export const DEFAULT_TIMEOUT_MS = 60_000;

/** Options of {@link loadConfig}. */
export interface LoadConfigOptions {
  /** Environment to read. Default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Where the upward search for `.env` starts. Default `process.cwd()`. */
  cwd?: string;
  /**
   * A specific env file (absolute, or relative to `cwd`) instead of searching for `.env`;
   * `false` reads no file.
   */
  envFile?: string | false;
}

/** Settings found by {@link loadConfig}; spread it into `new EciClient(...)`. */
export interface EciConfig {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
  regionId: string;
  endpoint?: string;
  timeoutMs: number;
  /** The env file that was read, if any. */
  envFile?: string;
}

// Each setting, highest precedence first within one source.
const KEYS = {
  accessKeyId: ['ECI_SANDBOX_ACCESS_KEY_ID', 'ALIBABA_CLOUD_ACCESS_KEY_ID'],
  accessKeySecret: ['ECI_SANDBOX_ACCESS_KEY_SECRET', 'ALIBABA_CLOUD_ACCESS_KEY_SECRET'],
  securityToken: ['ECI_SANDBOX_SECURITY_TOKEN', 'ALIBABA_CLOUD_SECURITY_TOKEN'],
  regionId: ['ECI_SANDBOX_REGION_ID', 'ALIBABA_CLOUD_REGION_ID'],
  endpoint: ['ECI_SANDBOX_ENDPOINT'],
  timeoutMs: ['ECI_SANDBOX_TIMEOUT_MS'],
} as const;

/** Finds `.env` in `cwd` or the nearest parent directory. */
export function findEnvFile(cwd: string): string | undefined {
  let directory = resolve(cwd);
  for (;;) {
    const candidate = join(directory, '.env');
    if (existsSync(candidate)) return candidate;
    const parent = dirname(directory);
    if (parent === directory) return undefined;
    directory = parent;
  }
}

/**
 * Reads credentials and settings without touching `process.env`:
 * `ECI_SANDBOX_*` variables win over `ALIBABA_CLOUD_*` variables, which win over a `.env` file
 * (searched upward from `cwd`, parsed here, never loaded into the environment). Inside the file the
 * same order applies. Region defaults to `cn-shanghai`, timeout to 60000 ms.
 */
export function loadConfig(options: LoadConfigOptions = {}): EciConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  let envFile: string | undefined;
  if (options.envFile === undefined) envFile = findEnvFile(cwd);
  else if (options.envFile !== false) envFile = resolve(cwd, options.envFile);
  const file = envFile ? parseDotenv(readFileSync(envFile, 'utf8')) : {};

  const pick = (names: readonly string[]): { value: string; name: string } | undefined => {
    for (const source of [env, file]) {
      for (const name of names) {
        const value = source[name]?.trim();
        if (value) return { value, name };
      }
    }
    return undefined;
  };

  const config: EciConfig = {
    regionId: pick(KEYS.regionId)?.value ?? DEFAULT_REGION_ID,
    timeoutMs: DEFAULT_TIMEOUT_MS,
  };
  const accessKeyId = pick(KEYS.accessKeyId)?.value;
  const accessKeySecret = pick(KEYS.accessKeySecret)?.value;
  const securityToken = pick(KEYS.securityToken)?.value;
  const endpoint = pick(KEYS.endpoint)?.value;
  if (accessKeyId) config.accessKeyId = accessKeyId;
  if (accessKeySecret) config.accessKeySecret = accessKeySecret;
  if (securityToken) config.securityToken = securityToken;
  if (endpoint) config.endpoint = endpoint;
  if (envFile) config.envFile = envFile;

  const timeout = pick(KEYS.timeoutMs);
  if (timeout) {
    const timeoutMs = Number(timeout.value);
    if (!Number.isInteger(timeoutMs) || timeoutMs <= 0) {
      throw new EciValidationError(
        timeout.name,
        `${timeout.name} must be a positive whole number of milliseconds (for example 60000), got "${timeout.value}".`,
      );
    }
    config.timeoutMs = timeoutMs;
  }
  return config;
}
