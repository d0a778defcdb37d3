import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { percentEncode, rpcStringToSign, signAcs3, signRpcV1 } from '@eci-sandbox/core-api';
import { ApiError, missingParameter } from './api-error.js';

/** The access key the emulator accepts. */
export interface EmulatorCredentials {
  accessKeyId: string;
  accessKeySecret: string;
  /** When set, the key is an STS key: every request must carry this token. */
  securityToken?: string;
}

/** What an RPC request carries once the HTTP layer has read it. */
export interface RpcRequest {
  method: string;
  pathname: string;
  /** Query and form parameters merged (form wins, as it comes later on the wire). */
  params: Record<string, string>;
  /** Query parameters alone (V3 signs these; the form is covered by the payload hash). */
  query: Record<string, string>;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface Authenticated {
  signatureVersion: 'v1' | 'v3';
  action: string;
  version: string | undefined;
  accessKeyId: string;
}

const MAX_SKEW_MS = 15 * 60_000;
const NONCE_TTL_MS = 15 * 60_000;
const ACS3 = 'ACS3-HMAC-SHA256';
const TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

/** Masks a security token in text echoed back to the client (raw and percent-encoded forms). */
function redactToken(text: string, token: string | undefined): string {
  if (!token) return text;
  let result = text;
  for (const form of [percentEncode(percentEncode(token)), percentEncode(token), token]) {
    result = result.split(form).join('****');
  }
  return result;
}

function equalText(left: string, right: string): boolean {
  const a = Buffer.from(left);
  const b = Buffer.from(right);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Remembers signature nonces for 15 minutes (the timestamp window), so a replay is refused. */
export class NonceCache {
  private readonly seen = new Map<string, number>();
  constructor(private readonly now: () => number = Date.now) {}

  /** Records the nonce; `false` if it was already used within the window. */
  use(key: string): boolean {
    const now = this.now();
    // Entries are in insertion order, hence in expiry order: drop the expired prefix.
    for (const [seenKey, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(seenKey);
    }
    if (this.seen.has(key)) return false;
    this.seen.set(key, now + NONCE_TTL_MS);
    return true;
  }
}

/**
 * Verifies a request the way ECI's gateway does: V3 (`Authorization: ACS3-HMAC-SHA256 …`) or V1
 * (`Signature` parameter), the timestamp window, the STS token and the nonce. Throws ApiError.
 */
export class Authenticator {
  constructor(
    private readonly credentials: EmulatorCredentials,
    private readonly nonces: NonceCache,
    private readonly now: () => number = Date.now,
  ) {}

  authenticate(request: RpcRequest): Authenticated {
    const authorization = header(request.headers, 'authorization');
    if (authorization?.startsWith(ACS3)) return this.verifyV3(request, authorization);
    return this.verifyV1(request);
  }

  private checkTimestamp(value: string | undefined, name: string): void {
    if (value === undefined || value === '') throw missingParameter(name);
    const time = Date.parse(value);
    if (!TIMESTAMP.test(value) || Number.isNaN(time)) {
      throw new ApiError(
        'InvalidTimeStamp.Format',
        400,
        `Specified time stamp or date value is not well formatted: ${value} (use UTC yyyy-MM-ddTHH:mm:ssZ).`,
      );
    }
    if (Math.abs(this.now() - time) > MAX_SKEW_MS) {
      throw new ApiError(
        'InvalidTimeStamp.Expired',
        400,
        `Specified time stamp or date value is expired: ${value} differs from the server time by more than 15 minutes.`,
      );
    }
  }

  private checkAccessKey(accessKeyId: string | undefined): string {
    if (!accessKeyId) throw missingParameter('AccessKeyId');
    if (accessKeyId !== this.credentials.accessKeyId) {
      throw new ApiError('InvalidAccessKeyId.NotFound', 404, 'Specified access key is not found.');
    }
    return accessKeyId;
  }

  private checkSecurityToken(token: string | undefined): void {
    const expected = this.credentials.securityToken;
    if (expected === undefined) {
      if (token) {
        throw new ApiError(
          'InvalidSecurityToken.MismatchWithAccessKey',
          400,
          'Specified SecurityToken mismatch with the AccessKey: this access key is not an STS key.',
        );
      }
      return;
    }
    if (!token) throw missingParameter('SecurityToken');
    if (!equalText(token, expected)) {
      throw new ApiError(
        'InvalidSecurityToken.MismatchWithAccessKey',
        400,
        'Specified SecurityToken mismatch with the AccessKey.',
      );
    }
  }

  private checkNonce(accessKeyId: string, nonce: string): void {
    if (!this.nonces.use(`${accessKeyId}\n${nonce}`)) {
      throw new ApiError('SignatureNonceUsed', 400, `Specified signature nonce was used already: ${nonce}.`);
    }
  }

  private verifyV1(request: RpcRequest): Authenticated {
    const params = request.params;
    const action = params.Action;
    if (!action) throw missingParameter('Action');
    const signature = params.Signature;
    if (!signature) throw missingParameter('Signature');
    const nonce = params.SignatureNonce;
    if (!nonce) throw missingParameter('SignatureNonce');
    if (params.SignatureMethod && params.SignatureMethod !== 'HMAC-SHA1') {
      throw new ApiError(
        'InvalidSignatureMethod',
        400,
        `Specified signature method is not supported: ${params.SignatureMethod}.`,
      );
    }
    this.checkTimestamp(params.Timestamp, 'Timestamp');
    const accessKeyId = this.checkAccessKey(params.AccessKeyId);
    this.checkSecurityToken(params.SecurityToken);

    const { Signature: _signature, ...signed } = params;
    const expected = signRpcV1({ method: request.method, params: signed, accessKeySecret: this.credentials.accessKeySecret });
    if (!equalText(expected, signature)) {
      throw new ApiError(
        'SignatureDoesNotMatch',
        400,
        `Specified signature is not matched with our calculation. server string to sign is:${redactToken(rpcStringToSign(request.method, signed), params.SecurityToken)}`,
      );
    }
    this.checkNonce(accessKeyId, nonce);
    return { signatureVersion: 'v1', action, version: params.Version, accessKeyId };
  }

  private verifyV3(request: RpcRequest, authorization: string): Authenticated {
    const fields = new Map<string, string>();
    for (const part of authorization.slice(ACS3.length).trim().split(',')) {
      const index = part.indexOf('=');
      if (index > 0) fields.set(part.slice(0, index).trim(), part.slice(index + 1).trim());
    }
    const credential = fields.get('Credential');
    const signedHeaderList = fields.get('SignedHeaders');
    const signature = fields.get('Signature');
    if (!credential || !signedHeaderList || !signature) {
      throw new ApiError(
        'IncompleteSignature',
        400,
        'The Authorization header must be "ACS3-HMAC-SHA256 Credential=<id>,SignedHeaders=<names>,Signature=<hex>".',
      );
    }
    const action = header(request.headers, 'x-acs-action') ?? request.params.Action;
    if (!action) throw missingParameter('Action');
    const nonce = header(request.headers, 'x-acs-signature-nonce');
    if (!nonce) throw missingParameter('SignatureNonce');
    const payloadHash = header(request.headers, 'x-acs-content-sha256');
    if (!payloadHash) throw missingParameter('XAcsContentSha256');
    const signedNames = signedHeaderList.split(';').map((name) => name.trim().toLowerCase());
    for (const required of ['host', 'x-acs-date', 'x-acs-signature-nonce', 'x-acs-content-sha256', 'x-acs-action']) {
      if (header(request.headers, required) !== undefined && !signedNames.includes(required)) {
        throw new ApiError('IncompleteSignature', 400, `The header "${required}" must be signed (listed in SignedHeaders).`);
      }
    }
    this.checkTimestamp(header(request.headers, 'x-acs-date'), 'XAcsDate');
    const accessKeyId = this.checkAccessKey(credential);
    this.checkSecurityToken(header(request.headers, 'x-acs-security-token'));

    const bodyHash = createHash('sha256').update(request.body).digest('hex');
    if (payloadHash.toLowerCase() !== bodyHash) {
      throw new ApiError(
        'SignatureDoesNotMatch',
        400,
        `The x-acs-content-sha256 header (${payloadHash}) does not match the SHA-256 of the body (${bodyHash}).`,
      );
    }
    const headers: Record<string, string | string[] | undefined> = {};
    for (const name of signedNames) headers[name] = request.headers[name];
    const result = signAcs3({
      method: request.method,
      pathname: request.pathname,
      query: request.query,
      headers,
      payloadHash,
      accessKeyId,
      accessKeySecret: this.credentials.accessKeySecret,
    });
    if (result.signedHeaders !== signedNames.join(';')) {
      throw new ApiError(
        'SignatureDoesNotMatch',
        400,
        `SignedHeaders must list host, content-type and x-acs-* headers only, sorted and lower-case; got "${signedHeaderList}".`,
      );
    }
    if (!equalText(result.signature, signature.toLowerCase())) {
      throw new ApiError(
        'SignatureDoesNotMatch',
        400,
        `The request signature does not conform to Aliyun standards. server string to sign is:${result.stringToSign} canonical request is:${redactToken(result.canonicalRequest, header(request.headers, 'x-acs-security-token'))}`,
      );
    }
    this.checkNonce(accessKeyId, nonce);
    return {
      signatureVersion: 'v3',
      action,
      version: header(request.headers, 'x-acs-version') ?? request.params.Version,
      accessKeyId,
    };
  }
}
