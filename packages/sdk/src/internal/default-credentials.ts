import type { EciCredentials } from '../options.js';

interface CredentialModelLike {
  accessKeyId?: string;
  accessKeySecret?: string;
  securityToken?: string;
}

interface CredentialClientLike {
  getCredential(): Promise<CredentialModelLike>;
}

type CredentialClass = new () => CredentialClientLike;

/**
 * A provider over the Alibaba Cloud default credential chain (`@alicloud/credentials`: the
 * credentials file, ECS RAM role, OIDC/RRSA, …). The package is imported on first use only, so
 * programs that pass keys never load it.
 */
export function createDefaultChainProvider(): () => Promise<EciCredentials> {
  let client: Promise<CredentialClientLike> | undefined;
  return async () => {
    client ??= import('@alicloud/credentials').then((module: Record<string, unknown>) => {
      // A CommonJS module: its class is `default`, possibly wrapped once more by the ESM loader.
      const outer = module.default as Record<string, unknown> | CredentialClass | undefined;
      const Credential = (typeof outer === 'function' ? outer : (outer?.default as CredentialClass | undefined)) as
        | CredentialClass
        | undefined;
      if (Credential === undefined) throw new Error('@alicloud/credentials did not export a Credential class');
      return new Credential();
    });
    const credential = await (await client).getCredential();
    if (!credential.accessKeyId || !credential.accessKeySecret) {
      throw new Error('the Alibaba Cloud default credential chain returned no access key');
    }
    return {
      accessKeyId: credential.accessKeyId,
      accessKeySecret: credential.accessKeySecret,
      ...(credential.securityToken ? { securityToken: credential.securityToken } : {}),
    };
  };
}
