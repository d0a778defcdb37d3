import { randomUUID } from 'node:crypto';
import type { Emulator } from '@eci-sandbox/emulator';
import { EMPTY_PAYLOAD_SHA256, percentEncode, signAcs3, signRpcV1 } from '@eci-sandbox/core-api';

/** A request signed by hand, as it goes on the wire: replayable and tamperable by tests. */
export interface WireRequest {
  url: string;
  headers: Record<string, string>;
}

export const isoSeconds = (time: number): string => new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z');

export function encodeQuery(params: Record<string, string>): string {
  return Object.keys(params)
    .sort()
    .map((name) => `${percentEncode(name)}=${percentEncode(params[name] ?? '')}`)
    .join('&');
}

/** An ACS3-HMAC-SHA256 (V3) request for `action` with `query`, signed at `time`. */
export function signV3(emulator: Emulator, action: string, query: Record<string, string>, time = Date.now()): WireRequest {
  const url = new URL(emulator.endpoint);
  const headers: Record<string, string> = {
    host: url.host,
    'x-acs-action': action,
    'x-acs-version': '2018-08-08',
    'x-acs-date': isoSeconds(time),
    'x-acs-signature-nonce': randomUUID(),
    'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256,
  };
  const { authorization } = signAcs3({
    method: 'POST',
    pathname: '/',
    query,
    headers,
    payloadHash: EMPTY_PAYLOAD_SHA256,
    accessKeyId: emulator.credentials.accessKeyId,
    accessKeySecret: emulator.credentials.accessKeySecret,
  });
  const { host: _host, ...sent } = headers;
  return { url: `${url.origin}/?${encodeQuery(query)}`, headers: { ...sent, authorization } };
}

/** An HMAC-SHA1 (V1) request: every parameter and the signature in the query. */
export function signV1(emulator: Emulator, action: string, query: Record<string, string>, time = Date.now()): WireRequest {
  const params: Record<string, string> = {
    ...query,
    Action: action,
    Version: '2018-08-08',
    Format: 'JSON',
    AccessKeyId: emulator.credentials.accessKeyId,
    SignatureMethod: 'HMAC-SHA1',
    SignatureVersion: '1.0',
    SignatureNonce: randomUUID(),
    Timestamp: isoSeconds(time),
  };
  const signature = signRpcV1({ method: 'POST', params, accessKeySecret: emulator.credentials.accessKeySecret });
  return { url: `${emulator.endpoint}/?${encodeQuery({ ...params, Signature: signature })}`, headers: {} };
}

/** Sends a wire request; returns the HTTP status and the parsed body. */
export async function send(request: WireRequest): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(request.url, { method: 'POST', headers: request.headers });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}
