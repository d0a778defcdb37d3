import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../src/index.js';
import { EciModule, REGION, officialClient, runExecStream, startTestEmulator, waitFor } from './helpers.js';

const {
  CreateContainerGroupRequest,
  CreateContainerGroupRequestContainer,
  CreateContainerGroupRequestContainerEnvironmentVar,
  CreateContainerGroupRequestTag,
} = EciModule;

async function lifecycle(emulator: Emulator, client: ReturnType<typeof officialClient>, name: string) {
  const created = await client.createContainerGroup(
    new CreateContainerGroupRequest({
      regionId: REGION,
      containerGroupName: name,
      restartPolicy: 'Always',
      container: [
        new CreateContainerGroupRequestContainer({
          name: 'main',
          image: 'alpine:3.20',
          cpu: 1,
          memory: 2,
          environmentVar: [
            new CreateContainerGroupRequestContainerEnvironmentVar({ key: 'GREETING', value: 'hello from eci' }),
            // Characters that percent-encoders disagree on must survive both signatures.
            new CreateContainerGroupRequestContainerEnvironmentVar({ key: 'SPECIAL', value: "it's (a) *test*! 你好 ~+=&%20" }),
          ],
        }),
      ],
      tag: [new CreateContainerGroupRequestTag({ key: 'owner', value: 'tests' })],
    }),
  );
  const id = created.body?.containerGroupId as string;
  expect(id).toMatch(/^eci-[a-z0-9]{20}$/);
  expect(created.body?.requestId).toBeTruthy();

  const group = await waitFor(
    async () => {
      const described = await client.describeContainerGroups(
        new EciModule.DescribeContainerGroupsRequest({ regionId: REGION, containerGroupIds: JSON.stringify([id]) }),
      );
      const found = described.body?.containerGroups?.[0];
      return found?.status === 'Running' ? found : undefined;
    },
    15_000,
    'Running',
  );
  expect(group.containerGroupName).toBe(name);
  expect(group.containers?.[0]?.name).toBe('main');
  expect(group.containers?.[0]?.image).toBe('alpine:3.20');
  expect(group.containers?.[0]?.ready).toBe(true);
  expect(group.containers?.[0]?.currentState?.state).toBe('Running');
  expect(group.containers?.[0]?.environmentVars?.[0]?.key).toBe('GREETING');
  expect(group.tags?.[0]?.key).toBe('owner');
  expect(group.regionId).toBe(REGION);
  expect(group.creationTime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

  const status = await client.describeContainerGroupStatus(
    new EciModule.DescribeContainerGroupStatusRequest({ regionId: REGION, containerGroupIds: JSON.stringify([id]) }),
  );
  expect(status.body?.data?.[0]?.status).toBe('Running');
  expect(status.body?.data?.[0]?.containerGroupId).toBe(id);

  const exec = await client.execContainerCommand(
    new EciModule.ExecContainerCommandRequest({
      regionId: REGION,
      containerGroupId: id,
      containerName: 'main',
      command: JSON.stringify(['/bin/sh', '-c', 'echo "$GREETING"; echo oops >&2; echo "$SPECIAL"']),
      stdin: false,
    }),
  );
  const uri = exec.body?.webSocketUri as string;
  expect(uri).toMatch(new RegExp(`^ws://${emulator.host.replace(/\./g, '\\.')}/exec/\\?s=`));
  expect(exec.body?.httpUrl).toBeTruthy();
  const stream = await runExecStream(uri);
  expect(stream.stdout).toBe("hello from eci\nit's (a) *test*! 你好 ~+=&%20\n");
  expect(stream.stderr).toBe('oops\n');
  expect(stream.statuses).toEqual([]);

  const sync = await client.execContainerCommand(
    new EciModule.ExecContainerCommandRequest({
      regionId: REGION,
      containerGroupId: id,
      containerName: 'main',
      command: JSON.stringify(['echo', 'synchronous']),
      sync: true,
      stdin: false,
    }),
  );
  expect(sync.body?.syncResponse).toBe('synchronous\n');

  await client.restartContainerGroup(new EciModule.RestartContainerGroupRequest({ regionId: REGION, containerGroupId: id }));
  const afterRestart = await waitFor(
    async () => {
      const described = await client.describeContainerGroups(
        new EciModule.DescribeContainerGroupsRequest({ regionId: REGION, containerGroupIds: JSON.stringify([id]) }),
      );
      const found = described.body?.containerGroups?.[0];
      return found?.status === 'Running' ? found : undefined;
    },
    15_000,
    'Running after restart',
  );
  expect(afterRestart.containers?.[0]?.restartCount).toBe(1);

  await client.deleteContainerGroup(new EciModule.DeleteContainerGroupRequest({ regionId: REGION, containerGroupId: id }));
  const gone = await client.describeContainerGroups(
    new EciModule.DescribeContainerGroupsRequest({ regionId: REGION, containerGroupIds: JSON.stringify([id]) }),
  );
  expect(gone.body?.containerGroups).toEqual([]);
  expect(gone.body?.totalCount).toBe(0);
}

describe('the official @alicloud/eci20180808 client', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator();
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('drives create → Running → exec → restart → delete with V3 signatures (the default)', async () => {
    await lifecycle(emulator, officialClient(emulator), 'official-v3');
    const actions = emulator.calls.list().map((call) => call.action);
    expect(actions).toContain('CreateContainerGroup');
    expect(emulator.calls.count('DeleteContainerGroup', 'OK')).toBe(1);
  });

  it('drives the same lifecycle with signatureAlgorithm v2 (V1, HMAC-SHA1)', async () => {
    emulator.resetCalls();
    await lifecycle(emulator, officialClient(emulator, { signatureAlgorithm: 'v2' }), 'official-v1');
    const create = emulator.calls.list().find((call) => call.action === 'CreateContainerGroup');
    expect(create?.params.SignatureMethod).toBe('HMAC-SHA1');
    expect(create?.params.Signature).toBeUndefined();
    expect(create?.params.AccessKeyId).toContain('****');
  });

  it('refuses a wrong secret with SignatureDoesNotMatch, for both signature versions', async () => {
    for (const signatureAlgorithm of [undefined, 'v2']) {
      const client = officialClient(emulator, { accessKeySecret: 'not-the-secret', signatureAlgorithm });
      const error = await client.describeContainerGroups(new EciModule.DescribeContainerGroupsRequest({ regionId: REGION })).then(
        () => undefined,
        (caught: { code?: string; data?: { statusCode?: number; Recommend?: string; HostId?: string } }) => caught,
      );
      expect(error?.code).toBe('SignatureDoesNotMatch');
      expect(error?.data?.statusCode).toBe(400);
      expect(error?.data?.Recommend).toMatch(
        /^https:\/\/api\.aliyun\.com\/troubleshoot\?q=SignatureDoesNotMatch&product=Eci&requestId=/,
      );
    }
  });
});

describe('the official client with an STS token', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startTestEmulator({ credentials: { securityToken: 'sts-token-for-tests' } });
  });
  afterAll(async () => {
    await emulator?.close();
  });

  it('works with the token under V3 and V1, and is refused without it or with another one', async () => {
    for (const signatureAlgorithm of [undefined, 'v2']) {
      const client = officialClient(emulator, { signatureAlgorithm });
      const listed = await client.describeContainerGroups(new EciModule.DescribeContainerGroupsRequest({ regionId: REGION }));
      expect(listed.body?.totalCount).toBe(0);
      const wrong = officialClient(emulator, { signatureAlgorithm, securityToken: 'another-token' });
      const error = await wrong.describeContainerGroups(new EciModule.DescribeContainerGroupsRequest({ regionId: REGION })).then(
        () => undefined,
        (caught: { code?: string }) => caught,
      );
      expect(error?.code).toBe('InvalidSecurityToken.MismatchWithAccessKey');
    }
    for (const signatureAlgorithm of [undefined, 'v2']) {
      const badSecret = officialClient(emulator, { signatureAlgorithm, accessKeySecret: 'wrong' });
      const error = await badSecret
        .describeContainerGroups(new EciModule.DescribeContainerGroupsRequest({ regionId: REGION }))
        .then(
          () => undefined,
          (caught: { code?: string; message?: string }) => caught,
        );
      expect(error?.code).toBe('SignatureDoesNotMatch');
      expect(error?.message).not.toContain('sts-token-for-tests');
    }
    const calls = emulator.calls.list();
    expect(calls.every((call) => call.params.SecurityToken === undefined)).toBe(true);
  });
});
