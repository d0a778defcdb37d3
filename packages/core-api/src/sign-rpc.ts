import { createHmac } from 'node:crypto';
import { percentEncode } from './percent-encode.js';

/**
 * The V1 (RPC, HMAC-SHA1) string to sign:
 * `METHOD&%2F&percentEncode(sorted k=v pairs joined by &)`, names and values percent-encoded.
 * `params` must not contain `Signature`.
 */
export function rpcStringToSign(method: string, params: Record<string, string>): string {
  const canonicalized = Object.keys(params)
    .map((name) => [percentEncode(name), percentEncode(params[name] ?? '')] as const)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
  return `${method}&${percentEncode('/')}&${percentEncode(canonicalized)}`;
}

/** Options of {@link signRpcV1}. */
export interface SignRpcV1Options {
  /** The HTTP method (`POST` for ECI's SDK transport). */
  method: string;
  /** Every request parameter (common and action parameters) except `Signature`. */
  params: Record<string, string>;
  accessKeySecret: string;
}

/** Computes the V1 `Signature` value: Base64(HMAC-SHA1(secret + "&", stringToSign)). */
export function signRpcV1({ method, params, accessKeySecret }: SignRpcV1Options): string {
  return createHmac('sha1', `${accessKeySecret}&`).update(rpcStringToSign(method, params), 'utf8').digest('base64');
}
