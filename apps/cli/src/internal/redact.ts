const SECRET_ENV_NAMES = [
  'ECI_SANDBOX_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ECI_SANDBOX_SECURITY_TOKEN',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
];

// Query parameters and headers that carry credentials: signatures, STS tokens, the exec stream's `s`.
const PATTERNS: Array<[RegExp, string]> = [
  [/([?&](?:s|Signature|SecurityToken|AccessKeySecret)=)[^&\s"']+/gi, '$1***'],
  [/((?:"|')?(?:Signature|SecurityToken|AccessKeySecret|accessKeySecret|securityToken)(?:"|')?\s*[:=]\s*(?:"|')?)[^"'\s,&}]+/g, '$1***'],
  [/(Authorization:?\s*(?:ACS3-HMAC-SHA256\s+)?)[^\n]+/gi, '$1***'],
  [/(x-acs-security-token:?\s*)[^\s]+/gi, '$1***'],
];

/**
 * Masks secrets in text about to be printed: the secret values found in `env` (access key
 * secrets, STS tokens) and anything shaped like a signature, token or exec stream URL token.
 * The SDK redacts its own errors; this is the CLI's last line of defence before output.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  let result = text;
  for (const name of SECRET_ENV_NAMES) {
    const value = env[name];
    if (value && value.length >= 4) result = result.split(value).join('***');
  }
  for (const [pattern, replacement] of PATTERNS) result = result.replace(pattern, replacement);
  return result;
}
