import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { EMPTY_PAYLOAD_SHA256, signAcs3 } from './sign-acs3.js';

// Vector from docs/eci-protocol.md §1.3 (the official V3 documentation example).
const documented = {
  method: 'POST',
  pathname: '/',
  query: { ImageId: 'win2019_1809_x64_dtc_zh-cn_40G_alibase_20230811.vhd', RegionId: 'cn-shanghai' },
  headers: {
    host: 'ecs.cn-shanghai.aliyuncs.com',
    'x-acs-action': 'RunInstances',
    'x-acs-version': '2014-05-26',
    'x-acs-date': '2023-10-26T10:22:32Z',
    'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
    'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256,
  },
  payloadHash: EMPTY_PAYLOAD_SHA256,
  accessKeyId: 'YourAccessKeyId',
  accessKeySecret: 'YourAccessKeySecret',
};

describe('signAcs3', () => {
  it('reproduces the documented example', () => {
    const result = signAcs3(documented);
    expect(createHash('sha256').update(result.canonicalRequest).digest('hex')).toBe(
      '7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259',
    );
    expect(result.stringToSign).toBe('ACS3-HMAC-SHA256\n7ea06492da5221eba5297e897ce16e55f964061054b7695beedaac1145b1e259');
    expect(result.signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
    expect(result.signedHeaders).toBe('host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version');
    expect(result.authorization).toBe(
      'ACS3-HMAC-SHA256 Credential=YourAccessKeyId,SignedHeaders=host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-signature-nonce;x-acs-version,Signature=06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0',
    );
  });

  it('lower-cases, sorts and trims headers and ignores unsigned ones', () => {
    const shuffled = {
      ...documented,
      headers: {
        'X-Acs-Version': ' 2014-05-26 ',
        'user-agent': 'ignored',
        accept: 'application/json',
        'x-acs-signature-nonce': '3156853299f313e23d1673dc12e1703d',
        'x-acs-date': '2023-10-26T10:22:32Z',
        'X-ACS-ACTION': 'RunInstances',
        'x-acs-content-sha256': EMPTY_PAYLOAD_SHA256,
        Host: 'ecs.cn-shanghai.aliyuncs.com',
      },
    };
    expect(signAcs3(shuffled).signature).toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });

  it('signs content-type and x-acs-security-token when present', () => {
    const result = signAcs3({
      ...documented,
      headers: { ...documented.headers, 'content-type': 'application/json', 'x-acs-security-token': 'tok' },
    });
    expect(result.signedHeaders).toBe(
      'content-type;host;x-acs-action;x-acs-content-sha256;x-acs-date;x-acs-security-token;x-acs-signature-nonce;x-acs-version',
    );
    expect(result.signature).not.toBe('06563a9e1b43f5dfe96b81484da74bceab24a1d853912eee15083a6f0f3283c0');
  });
});
