/**
 * Percent-encodes a string the way Alibaba Cloud's signers do (RFC 3986 unreserved set):
 * UTF-8, uppercase hex, `A–Z a–z 0–9 - _ . ~` literal, space → `%20`, and `! ' ( ) *`
 * encoded too (JavaScript's `encodeURIComponent` leaves those five alone, which breaks signatures).
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}
