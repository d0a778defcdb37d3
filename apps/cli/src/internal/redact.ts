import { redactSecrets } from '@eci-sandbox/sdk';

const SECRET_ENV_NAMES = [
  'ECI_SANDBOX_ACCESS_KEY_SECRET',
  'ALIBABA_CLOUD_ACCESS_KEY_SECRET',
  'ECI_SANDBOX_SECURITY_TOKEN',
  'ALIBABA_CLOUD_SECURITY_TOKEN',
];

/**
 * Masks secrets in text about to be printed: the secret values found in `env` (access key
 * secrets, STS tokens) and anything shaped like a signature, token or exec stream URL token
 * (core-api's `redactSecrets`). The SDK redacts its own errors; this is the CLI's last line of
 * defence before output.
 */
export function redact(text: string, env: NodeJS.ProcessEnv = process.env): string {
  return redactSecrets(
    text,
    SECRET_ENV_NAMES.map((name) => env[name]),
  );
}
