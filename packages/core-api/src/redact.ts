import { percentEncode } from './percent-encode.js';

const MASK = '***';

// Secret-bearing names, not preceded by a letter and followed by a separator, so `SignatureNonce=` or `SignatureMethod=` stay visible.
// The separator covers query strings (`=`), headers (`: `), JSON (`":"`) and the percent-encoded
// forms found in a V1 string to sign (`%3D`, `%253D`).
const NAMED_SECRET =
  /(?<![A-Za-z])(Signature|SecurityToken|AccessKeySecret|x-acs-security-token|x-acs-bearer-token)("?\s*[:=]\s*['"]?|%3D|%253D)((?:(?!%26|%2526)[^\s&"',;}<>])+)/gi;

// Exec stream URLs (`wss://…/exec/?s=<token>`) carry their only credential in `s`.
const EXEC_URL_TOKEN = /([?&]s=)([^\s&"'#<>]+)/g;

// Shorter literals would mask ordinary words; real secrets and tokens are far longer.
const MIN_LITERAL_LENGTH = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * Masks credentials in a piece of text before it is logged or put into an error message:
 * `Signature=…` (query, `Authorization` header, string to sign), `SecurityToken=…`,
 * `x-acs-security-token: …`, `AccessKeySecret=…`, exec URL tokens (`?s=…`, `&s=…`), and every
 * literal in `extraSecrets` (also in its percent-encoded and doubly encoded forms).
 */
export function redactSecrets(text: string, extraSecrets: ReadonlyArray<string | undefined> = []): string {
  let output = text;
  const literals = new Set<string>();
  for (const secret of extraSecrets) {
    if (!secret || secret.length < MIN_LITERAL_LENGTH) continue;
    literals.add(secret);
    literals.add(percentEncode(secret));
    literals.add(percentEncode(percentEncode(secret)));
  }
  // Longest first, so a secret's encoded form is not half-masked by a shorter literal.
  for (const literal of [...literals].sort((left, right) => right.length - left.length)) {
    output = output.replace(new RegExp(escapeRegExp(literal), 'g'), MASK);
  }
  output = output.replace(NAMED_SECRET, (_match, name: string, separator: string) => `${name}${separator}${MASK}`);
  output = output.replace(EXEC_URL_TOKEN, (_match, prefix: string) => `${prefix}${MASK}`);
  return output;
}
