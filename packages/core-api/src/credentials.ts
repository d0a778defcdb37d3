import { EciError, EciValidationError } from './errors.js';

/** An AccessKey pair, optionally with an STS token and its expiry. */
export interface EciCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** STS security token; sent as `x-acs-security-token` (V3) or `SecurityToken` (V1). */
  securityToken?: string;
  /** When these credentials stop working; the provider is asked again shortly before. */
  expiration?: Date | string | number;
}

/** Returns current credentials; called again once the cached ones are about to expire. */
export type CredentialsProvider = () => EciCredentials | Promise<EciCredentials>;

/** Refresh this long before `expiration`, so a request signed now is not rejected in flight. */
export const CREDENTIALS_REFRESH_MARGIN_MS = 60_000;

function expiresAt(expiration: EciCredentials['expiration']): number | undefined {
  if (expiration === undefined) return undefined;
  const time =
    expiration instanceof Date ? expiration.getTime() : typeof expiration === 'number' ? expiration : Date.parse(expiration);
  return Number.isNaN(time) ? undefined : time;
}

/** Caches a provider's credentials until shortly before they expire; concurrent callers share one call. */
export class CredentialsCache {
  private cached: { credentials: EciCredentials; expiresAt: number | undefined } | undefined;
  private pending: Promise<EciCredentials> | undefined;

  constructor(
    private readonly provider: CredentialsProvider,
    private readonly now: () => number = Date.now,
  ) {}

  async get(): Promise<EciCredentials> {
    const cached = this.cached;
    if (cached && (cached.expiresAt === undefined || cached.expiresAt - CREDENTIALS_REFRESH_MARGIN_MS > this.now())) {
      return cached.credentials;
    }
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    return this.pending;
  }

  private async load(): Promise<EciCredentials> {
    let credentials: EciCredentials;
    try {
      credentials = await this.provider();
    } catch (error) {
      throw new EciError(`The credentials provider failed: ${error instanceof Error ? error.message : String(error)}`, {
        cause: error,
      });
    }
    if (!credentials || typeof credentials.accessKeyId !== 'string' || !credentials.accessKeyId) {
      throw new EciValidationError('credentials.accessKeyId', 'The credentials provider returned no accessKeyId.');
    }
    if (typeof credentials.accessKeySecret !== 'string' || !credentials.accessKeySecret) {
      throw new EciValidationError('credentials.accessKeySecret', 'The credentials provider returned no accessKeySecret.');
    }
    this.cached = { credentials, expiresAt: expiresAt(credentials.expiration) };
    return credentials;
  }
}
