import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { callV1, callV3Form, startTestEmulator, waitFor } from './helpers.js';

const container = { 'Container.1.Name': 'main', 'Container.1.Image': 'busybox' };

describe('bad input gets ECI error codes and the emulator keeps serving', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  async function expectError(response: Promise<{ status: number; body: Record<string, unknown> }>, code: string, status = 400) {
    const { status: httpStatus, body } = await response;
    expect(body.Code).toBe(code);
    expect(httpStatus).toBe(status);
    expect(body.RequestId).toMatch(/^[0-9A-F-]{36}$/);
    expect(body.HostId).toBe(emulator.host);
    expect(body.Recommend).toBe(`https://api.aliyun.com/troubleshoot?q=${code}&product=Eci&requestId=${body.RequestId}`);
    expect(typeof body.Message).toBe('string');
    return body;
  }

  it('serves a V1 request sent as a form body, and with GET', async () => {
    const form = await callV1(emulator, 'DescribeContainerGroups', {}, { form: true });
    expect(form.status).toBe(200);
    expect(form.body.TotalCount).toBe(0);
    const get = await callV1(emulator, 'DescribeContainerGroups', {}, { method: 'GET' });
    expect(get.status).toBe(200);
  });

  it('serves a V3 request with a form body and checks x-acs-content-sha256 against it', async () => {
    const ok = await callV3Form(emulator, 'DescribeContainerGroups', { Limit: '5' });
    expect(ok.status).toBe(200);
    await expectError(
      callV3Form(
        emulator,
        'DescribeContainerGroups',
        {},
        { payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' },
      ),
      'SignatureDoesNotMatch',
    );
  });

  it('refuses a tampered signature and shows the server string to sign', async () => {
    const body = await expectError(
      callV1(emulator, 'DescribeContainerGroups', { Limit: '5' }, { tamper: (signed) => ({ ...signed, Limit: '6' }) }),
      'SignatureDoesNotMatch',
    );
    expect(body.Message).toContain('server string to sign is:POST&%2F&');
    expect(body.Message).not.toContain(emulator.credentials.accessKeySecret);
  });

  it('refuses an unknown access key id', async () => {
    await expectError(
      callV1(emulator, 'DescribeContainerGroups', {}, { accessKeyId: 'LTAInobody' }),
      'InvalidAccessKeyId.NotFound',
      404,
    );
  });

  it('refuses a replayed nonce', async () => {
    const nonce = 'replayed-nonce-1';
    expect((await callV1(emulator, 'DescribeContainerGroups', {}, { nonce })).status).toBe(200);
    await expectError(callV1(emulator, 'DescribeContainerGroups', {}, { nonce }), 'SignatureNonceUsed');
  });

  it('refuses a timestamp more than 15 minutes off, and a malformed one', async () => {
    const stale = new Date(Date.now() - 16 * 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
    await expectError(callV1(emulator, 'DescribeContainerGroups', {}, { timestamp: stale }), 'InvalidTimeStamp.Expired');
    await expectError(callV1(emulator, 'DescribeContainerGroups', {}, { timestamp: 'yesterday' }), 'InvalidTimeStamp.Format');
  });

  it('names missing parameters', async () => {
    await expectError(callV1(emulator, 'CreateContainerGroup', container), 'MissingContainerGroupName');
    await expectError(callV1(emulator, 'CreateContainerGroup', { ContainerGroupName: 'abc' }), 'MissingContainer');
    await expectError(
      callV1(emulator, 'CreateContainerGroup', { ContainerGroupName: 'abc', 'Container.1.Name': 'main' }),
      'MissingParameter',
    );
    await expectError(callV1(emulator, 'DeleteContainerGroup', {}), 'MissingContainerGroupId');
    await expectError(callV1(emulator, 'DescribeContainerGroups', { RegionId: '' }), 'MissingRegionId');
  });

  it('refuses invalid names, 21 ids, Limit 50 and a bad restart policy', async () => {
    for (const name of ['a', 'Upper', '-lead', 'trail-', 'under_score', 'x'.repeat(129)]) {
      await expectError(callV1(emulator, 'CreateContainerGroup', { ContainerGroupName: name, ...container }), 'InvalidParameter');
    }
    const ids = Array.from({ length: 21 }, (_, index) => `eci-${String(index).padStart(20, '0')}`);
    await expectError(
      callV1(emulator, 'DescribeContainerGroups', { ContainerGroupIds: JSON.stringify(ids) }),
      'InvalidParameter',
    );
    await expectError(callV1(emulator, 'DescribeContainerGroups', { ContainerGroupIds: 'not json' }), 'InvalidParameter');
    await expectError(callV1(emulator, 'DescribeContainerGroups', { Limit: '50' }), 'InvalidParameter');
    await expectError(
      callV1(emulator, 'CreateContainerGroup', { ContainerGroupName: 'ok-name', RestartPolicy: 'Sometimes', ...container }),
      'InvalidParameter',
    );
  });

  it('answers an unknown action with InvalidApi.NotFound (404), and an unknown id with a NotFound code', async () => {
    await expectError(callV1(emulator, 'LaunchRocket', {}), 'InvalidApi.NotFound', 404);
    await expectError(
      callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: 'eci-doesnotexist000000' }),
      'InvalidContainerGroupId.NotFound',
      404,
    );
  });

  it('enforces ClientToken idempotency', async () => {
    const params = { ContainerGroupName: 'idem', ClientToken: 'token-1', ...container };
    const first = await callV1(emulator, 'CreateContainerGroup', params);
    const second = await callV1(emulator, 'CreateContainerGroup', params);
    expect(first.status).toBe(200);
    expect(second.body.ContainerGroupId).toBe(first.body.ContainerGroupId);
    const listed = await callV1(emulator, 'DescribeContainerGroups', { ContainerGroupName: 'idem' });
    expect(listed.body.TotalCount).toBe(1);
    await expectError(
      callV1(emulator, 'CreateContainerGroup', { ...params, 'Container.1.Image': 'alpine' }),
      'IdempotentParameterMismatch',
    );
    await callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: first.body.ContainerGroupId as string });
  });

  it('refuses exec on a group that is not Running, and checks the container name and Command', async () => {
    const created = await callV1(emulator, 'CreateContainerGroup', {
      ContainerGroupName: 'exec-checks',
      RestartPolicy: 'Never',
      ...container,
      'Container.1.Command.1': 'true',
    });
    const id = created.body.ContainerGroupId as string;
    const exec = (extra: Record<string, string>) =>
      callV1(emulator, 'ExecContainerCommand', {
        ContainerGroupId: id,
        ContainerName: 'main',
        Command: '["echo","hi"]',
        ...extra,
      });
    // Right after creation the group is Scheduling.
    await expectError(exec({}), 'IncorrectStatus');
    await waitFor(
      async () => {
        const described = await callV1(emulator, 'DescribeContainerGroups', { ContainerGroupIds: JSON.stringify([id]) });
        const groups = described.body.ContainerGroups as Array<{ Status: string }>;
        return groups[0]?.Status === 'Succeeded' ? true : undefined;
      },
      15_000,
      'Succeeded',
    );
    await expectError(exec({}), 'IncorrectStatus');
    await expectError(exec({ ContainerName: 'nope' }), 'InvalidParameter.ContainerName');
    await expectError(exec({ Command: JSON.stringify(Array.from({ length: 21 }, () => 'x')) }), 'InvalidParameter.ValueExceeded');
    await expectError(exec({ Command: JSON.stringify(['x'.repeat(257)]) }), 'InvalidParameter.ValueExceeded');
    await expectError(exec({ Command: 'echo hi' }), 'InvalidParameter');
    await expectError(exec({ ContainerName: '' }), 'MissingContainerName');
    const restart = await callV1(emulator, 'RestartContainerGroup', { ContainerGroupId: id });
    expect(restart.body.Code).toBe('IncorrectStatus');
    await callV1(emulator, 'DeleteContainerGroup', { ContainerGroupId: id });
  });

  it('is still serving, and logged every refusal with its code', async () => {
    const ok = await callV1(emulator, 'DescribeContainerGroups', {});
    expect(ok.status).toBe(200);
    expect(emulator.calls.count(undefined, 'SignatureNonceUsed')).toBe(1);
    expect(emulator.calls.count('LaunchRocket')).toBe(1);
    const refused = emulator.calls.list().find((call) => call.code === 'InvalidAccessKeyId.NotFound');
    expect(refused?.httpStatus).toBe(404);
  });
});
