import OpenApiUtil from '@alicloud/openapi-util';
import { describe, expect, it } from 'vitest';
import { createRandom, randomName, randomParams, randomValue, type Random } from '../test/helpers/prng.js';
import { flattenParams } from './flatten-params.js';
import { percentEncode } from './percent-encode.js';
import { signAcs3 } from './sign-acs3.js';
import { signRpcV1 } from './sign-rpc.js';

// The official @alicloud/openapi-util is the oracle. Seeds are fixed so any failure reproduces;
// the failing seed is part of the assertion message.
const SEEDS = Array.from({ length: 400 }, (_, index) => 0x5eed + index * 7919);

function randomSecret(random: Random): string {
  return random.next() < 0.2
    ? randomValue(random) || 'x'
    : Array.from({ length: 30 }, () => random.pick([...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'])).join(
        '',
      );
}

describe('signatures equal @alicloud/openapi-util over random inputs', () => {
  it('percentEncode matches the SDK encoding used in getRPCSignature', () => {
    for (const seed of SEEDS) {
      const random = createRandom(seed);
      const value = randomValue(random);
      // getRPCSignature over { v: value } with a fixed secret equals ours iff the encodings agree.
      expect(signRpcV1({ method: 'GET', params: { v: value }, accessKeySecret: 's' }), `seed ${seed}`).toBe(
        OpenApiUtil.getRPCSignature({ v: value }, 'GET', 's'),
      );
      expect(percentEncode(value), `seed ${seed}`).not.toMatch(/[!'()*]/);
    }
  });

  it('V1 (HMAC-SHA1) signatures match getRPCSignature', () => {
    for (const seed of SEEDS) {
      const random = createRandom(seed);
      const params = randomParams(random);
      const method = random.pick(['POST', 'GET']);
      const secret = randomSecret(random);
      const ours = signRpcV1({ method, params, accessKeySecret: secret });
      expect(ours, `seed ${seed}`).toBe(OpenApiUtil.getRPCSignature(params, method, secret));
    }
  });

  it('V3 (ACS3-HMAC-SHA256) authorizations match getAuthorization', () => {
    for (const seed of SEEDS) {
      const random = createRandom(seed);
      const query = randomParams(random);
      const headers: Record<string, string> = {
        host: random.pick(['eci.cn-shanghai.aliyuncs.com', '127.0.0.1:8745', 'eci.ap-southeast-1.aliyuncs.com']),
        'x-acs-action': random.pick(['CreateContainerGroup', 'DescribeContainerGroups', 'ExecContainerCommand']),
        'x-acs-version': '2018-08-08',
        'x-acs-date': '2026-01-02T03:04:05Z',
        'x-acs-signature-nonce': randomValue(random).replace(/[^\x21-\x7e]/g, '') || 'nonce',
        'user-agent': 'not signed',
      };
      // Extra signed headers with padding that must be trimmed, mixed-case names, and an unsigned one.
      const extraCount = random.int(0, 3);
      for (let index = 0; index < extraCount; index += 1) {
        const name = `x-acs-${randomName(random).toLowerCase().replace(/\./g, '-')}`;
        headers[random.next() < 0.5 ? name : name.toUpperCase()] =
          `${random.pick(['', ' ', '  '])}${randomValue(random).replace(/[\t\n\r]/g, ' ')}${random.pick(['', ' '])}`;
      }
      if (random.next() < 0.3) headers['content-type'] = 'application/x-www-form-urlencoded';
      if (random.next() < 0.3) {
        headers['x-acs-security-token'] = randomSecret(random);
        headers['x-acs-accesskey-id'] = 'LTAIexample';
      }
      const payloadHash = Array.from({ length: 64 }, () => random.pick([...'0123456789abcdef'])).join('');
      const method = random.pick(['POST', 'GET']);
      const secret = randomSecret(random);
      const ours = signAcs3({
        method,
        pathname: '/',
        query,
        headers,
        payloadHash,
        accessKeyId: 'LTAIexample',
        accessKeySecret: secret,
      });
      const theirs = OpenApiUtil.getAuthorization(
        { method, pathname: '/', query, headers } as never,
        'ACS3-HMAC-SHA256',
        payloadHash,
        'LTAIexample',
        secret,
      );
      expect(ours.authorization, `seed ${seed}`).toBe(theirs);
    }
  });

  it('flattenParams matches OpenApiUtil.query on random nested objects', () => {
    const build = (random: Random, depth: number): unknown => {
      const kind = random.int(0, depth > 2 ? 2 : 5);
      if (kind === 0) return randomValue(random);
      if (kind === 1) return random.pick([true, false, random.int(-100, 100), 0.5, null, undefined]);
      if (kind === 2) return random.int(0, 1000);
      if (kind === 3) return Array.from({ length: random.int(0, 3) }, () => build(random, depth + 1));
      return Object.fromEntries(
        Array.from({ length: random.int(0, 3) }, () => [
          random.pick(['Name', 'Key', 'Value', 'Command', 'Port']),
          build(random, depth + 1),
        ]),
      );
    };
    for (const seed of SEEDS) {
      const random = createRandom(seed);
      const input = Object.fromEntries(
        Array.from({ length: random.int(1, 4) }, () => [
          random.pick(['Container', 'Tag', 'RegionId', 'Limit']),
          build(random, 0),
        ]),
      );
      expect(flattenParams(input), `seed ${seed}`).toEqual(OpenApiUtil.query(input));
    }
  });
});
