import { randomBytes } from 'node:crypto';

export interface ExecGrant {
  groupId: string;
  containerName: string;
  argv: string[];
  tty: boolean;
  stdin: boolean;
  expiresAt: number;
}

/**
 * Tokens of exec WebSocket URLs: single use, and expiring when not opened in time (ECI documents
 * 30 s for the console URL; the WebSocket URL is assumed to behave alike).
 */
export class ExecTokenStore {
  private readonly grants = new Map<string, ExecGrant>();
  private readonly used = new Map<string, number>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  issue(grant: Omit<ExecGrant, 'expiresAt'>): string {
    this.sweep();
    const token = randomBytes(24).toString('base64url');
    this.grants.set(token, { ...grant, expiresAt: this.now() + this.ttlMs });
    return token;
  }

  /** Takes a token for one stream: the grant, or why it cannot be used. */
  consume(token: string): ExecGrant | 'used' | 'expired' | 'unknown' {
    this.sweep();
    if (this.used.has(token)) return 'used';
    const grant = this.grants.get(token);
    if (!grant) return 'unknown';
    this.grants.delete(token);
    this.used.set(token, this.now() + this.ttlMs * 10);
    if (grant.expiresAt < this.now()) return 'expired';
    return grant;
  }

  private sweep(): void {
    const now = this.now();
    for (const [token, grant] of this.grants) {
      if (grant.expiresAt < now - this.ttlMs * 10) this.grants.delete(token);
    }
    for (const [token, forgetAt] of this.used) {
      if (forgetAt < now) this.used.delete(token);
    }
  }
}
