import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import type { EciSandbox, Sandbox } from '@eci-sandbox/sdk';
import type { TestBed } from './support/test-bed.js';
import { startTestBed, waitFor } from './support/test-bed.js';
import { send, signV1, signV3 } from './support/signed-request.js';

/** Opens an exec URL; resolves 'open' (then closes it) or the HTTP status of a refused handshake. */
function tryOpen(url: string): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.on('open', () => {
      socket.close();
      resolve('open');
    });
    socket.on('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      response.resume();
      request.destroy();
    });
    socket.on('error', (error) => reject(error));
  });
}

describe('the emulator refuses tampered, replayed and stale requests, and used exec URLs', () => {
  let bed: TestBed;
  let client: EciSandbox;
  let sandbox: Sandbox;
  const list = () => ({ RegionId: bed.emulator.regionId, Limit: '20' });

  beforeAll(async () => {
    bed = await startTestBed({ quotas: false, exec: { urlTtlMs: 200 } });
    client = bed.newClient();
    const created = await client.create({ image: 'ubuntu:24.04', waitUntilRunning: true });
    expect(created.errorMessage).toBe('');
    sandbox = created.sandbox!;
  });
  afterAll(async () => {
    await sandbox?.delete({ force: true });
    await bed?.close();
  });

  for (const [version, sign] of [
    ['V3 (ACS3-HMAC-SHA256)', signV3],
    ['V1 (HMAC-SHA1)', signV1],
  ] as const) {
    describe(version, () => {
      it('accepts a signed request once and refuses its replay', async () => {
        const request = sign(bed.emulator, 'DescribeContainerGroups', list());
        const first = await send(request);
        expect(first.status).toBe(200);
        expect(first.body.ContainerGroups).toHaveLength(1);
        const replay = await send(request);
        expect(replay.status).toBe(400);
        expect(replay.body.Code).toBe('SignatureNonceUsed');
      });

      it('refuses a request changed after signing', async () => {
        const request = sign(bed.emulator, 'DescribeContainerGroups', list());
        // Another parameter value in the query (a larger page), signature unchanged.
        const tampered = { ...request, url: request.url.replace('Limit=20', 'Limit=10') };
        expect(tampered.url).not.toBe(request.url);
        const answer = await send(tampered);
        expect(answer.status).toBe(400);
        expect(answer.body.Code).toBe('SignatureDoesNotMatch');

        // The action swapped for a destructive one: refused, and the sandbox is still there.
        const deleting = sign(bed.emulator, 'DescribeContainerGroups', {
          RegionId: bed.emulator.regionId,
          ContainerGroupId: sandbox.id,
        });
        const swapped = version.startsWith('V3')
          ? { ...deleting, headers: { ...deleting.headers, 'x-acs-action': 'DeleteContainerGroup' } }
          : { ...deleting, url: deleting.url.replace('Action=DescribeContainerGroups', 'Action=DeleteContainerGroup') };
        const refused = await send(swapped);
        expect(refused.status).toBe(400);
        expect(refused.body.Code).toBe('SignatureDoesNotMatch');
        expect(bed.emulator.containerGroupIds()).toContain(sandbox.id);
      });

      it('refuses a correctly signed request whose timestamp is more than 15 minutes off', async () => {
        for (const skewMs of [-16 * 60_000, 16 * 60_000]) {
          const stale = await send(sign(bed.emulator, 'DescribeContainerGroups', list(), Date.now() + skewMs));
          expect(stale.status).toBe(400);
          expect(stale.body.Code).toBe('InvalidTimeStamp.Expired');
        }
      });

      it('refuses a request signed with another secret', async () => {
        const request = sign(
          { ...bed.emulator, credentials: { ...bed.emulator.credentials, accessKeySecret: 'not-the-secret' } },
          'DescribeContainerGroups',
          list(),
        );
        const answer = await send(request);
        expect(answer.status).toBe(400);
        expect(answer.body.Code).toBe('SignatureDoesNotMatch');
      });
    });
  }

  it('serves an exec URL once: a second open, an unknown token and an expired one are refused', async () => {
    const launch = async () => {
      const request = signV3(bed.emulator, 'ExecContainerCommand', {
        RegionId: bed.emulator.regionId,
        ContainerGroupId: sandbox.id,
        ContainerName: 'sandbox',
        Command: JSON.stringify(['true']),
        Stdin: 'false',
        TTY: 'false',
      });
      const answer = await send(request);
      expect(answer.status).toBe(200);
      return String(answer.body.WebSocketUri);
    };
    const url = await launch();
    expect(await tryOpen(url)).toBe('open');
    expect(await tryOpen(url)).toBeGreaterThanOrEqual(400);

    const unknown = new URL(url);
    unknown.searchParams.set('s', 'A'.repeat(32));
    expect(await tryOpen(unknown.toString())).toBeGreaterThanOrEqual(400);
    const missing = new URL(url);
    missing.search = '';
    expect(await tryOpen(missing.toString())).toBeGreaterThanOrEqual(400);

    // Never opened within its time to live (200 ms here, 30 s by default).
    const issuedAt = Date.now();
    const late = await launch();
    await waitFor(() => Date.now() > issuedAt + 400, 5_000, 'the exec URL to expire');
    expect(await tryOpen(late)).toBeGreaterThanOrEqual(400);
  });
});
