import { createHash, createHmac } from 'node:crypto';
import { percentEncode } from './percent-encode.js';

/** The algorithm name of Alibaba Cloud's V3 signature. */
export const ACS3_ALGORITHM = 'ACS3-HMAC-SHA256';

/** Lower-hex SHA-256 of an empty payload, the `x-acs-content-sha256` of a body-less request. */
export const EMPTY_PAYLOAD_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** Options of {@link signAcs3}. */
export interface SignAcs3Options {
  method: string;
  /** The canonical URI, `/` for ECI's RPC-style actions. */
  pathname: string;
  /** Query parameters (already flattened to strings). */
  query: Record<string, string>;
  /** Request headers; `host`, `content-type` and every `x-acs-*` header are signed. */
  headers: Record<string, string | string[] | undefined>;
  /** Lower-hex SHA-256 of the body (the `x-acs-content-sha256` value). */
  payloadHash: string;
  accessKeyId: string;
  accessKeySecret: string;
}

/** What {@link signAcs3} computed; `authorization` is the `Authorization` header value. */
export interface SignAcs3Result {
  authorization: string;
  signature: string;
  signedHeaders: string;
  canonicalRequest: string;
  stringToSign: string;
}

function compare(left: string, right: string): number {
  return left < right ? -1 : left > right ? 1 : 0;
}

/**
 * Signs a request with ACS3-HMAC-SHA256 (Alibaba Cloud signature V3). Pure: no clock, no nonce,
 * no I/O — callers put `x-acs-date` and `x-acs-signature-nonce` into `headers`.
 *
 * Query names are percent-encoded too (the documented rule); for ECI's ASCII names
 * (`Tag.1.Key`) this is identical to the official TypeScript SDK, which leaves names alone.
 */
export function signAcs3(options: SignAcs3Options): SignAcs3Result {
  const { method, pathname, query, headers, payloadHash, accessKeyId, accessKeySecret } = options;

  const canonicalQuery = Object.keys(query)
    .sort(compare)
    .map((name) => `${percentEncode(name)}=${percentEncode(query[name] ?? '')}`)
    .join('&');

  const signed = new Map<string, string[]>();
  for (const [rawName, rawValue] of Object.entries(headers)) {
    if (rawValue === undefined) continue;
    const name = rawName.toLowerCase();
    if (name !== 'host' && name !== 'content-type' && !name.startsWith('x-acs-')) continue;
    const values = (Array.isArray(rawValue) ? rawValue : [rawValue]).map((value) => value.trim());
    signed.set(name, [...(signed.get(name) ?? []), ...values]);
  }
  const names = [...signed.keys()].sort(compare);
  const canonicalHeaders = names.map((name) => `${name}:${[...(signed.get(name) ?? [])].sort(compare).join(',')}\n`).join('');
  const signedHeaders = names.join(';');

  const canonicalRequest = [method, pathname, canonicalQuery, canonicalHeaders, signedHeaders, payloadHash].join('\n');
  const stringToSign = `${ACS3_ALGORITHM}\n${createHash('sha256').update(canonicalRequest, 'utf8').digest('hex')}`;
  const signature = createHmac('sha256', accessKeySecret).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${ACS3_ALGORITHM} Credential=${accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return { authorization, signature, signedHeaders, canonicalRequest, stringToSign };
}
