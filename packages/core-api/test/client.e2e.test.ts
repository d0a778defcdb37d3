import OpenApiClient, { Config, OpenApiRequest, Params } from '@alicloud/openapi-client';
import { RuntimeOptions } from '@alicloud/tea-util';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EciApiError, EciClient, type EciClientOptions } from '../src/index.js';
import { startFakeEci, type FakeEci } from './helpers/fake-eci.js';

const PLAIN = { accessKeyId: 'TestPlainKeyId', accessKeySecret: 'plain-secret-0123456789abcdefghij' };
const STS = {
  accessKeyId: 'STS.NUgYrLnoC37mZZCNnAbez2MX',
  accessKeySecret: 'sts-secret-9876543210zyxwvutsrqpo',
  securityToken: 'CAIS.sts/token+with=odd chars!*',
};

let eci: FakeEci;
beforeAll(async () => {
  eci = await startFakeEci({ accounts: [PLAIN, STS] });
});
afterAll(async () => {
  await eci.close();
});
beforeEach(() => eci.reset());

const variants = [
  { name: 'V3, AccessKey', signatureVersion: 'v3', credentials: PLAIN },
  { name: 'V3, STS', signatureVersion: 'v3', credentials: STS },
  { name: 'V1, AccessKey', signatureVersion: 'v1', credentials: PLAIN },
  { name: 'V1, STS', signatureVersion: 'v1', credentials: STS },
] as const;

function clientFor(variant: (typeof variants)[number], extra: EciClientOptions = {}) {
  return new EciClient({ ...variant.credentials, endpoint: eci.endpoint, signatureVersion: variant.signatureVersion, ...extra });
}

describe.each(variants)('every typed method ($name)', (variant) => {
  it('creates, lists, polls, execs, reads logs, restarts and deletes', async () => {
    const client = clientFor(variant);
    const created = await client.createContainerGroup({
      containerGroupName: 'sandbox-1',
      cpu: 2,
      memory: 4,
      restartPolicy: 'Never',
      tags: { owner: 'tests', 'odd key': "v!'()*~ 中文" },
      containers: [
        {
          name: 'main',
          image: 'alpine:3.20',
          cpu: 2,
          memory: 4,
          command: ['sleep', 'infinity'],
          env: { A: '1' },
          ports: [{ port: 8080 }],
        },
        { name: 'sidecar', image: 'busybox', command: [], args: [] },
      ],
    });
    expect(created.containerGroupId).toMatch(/^eci-fake/);
    expect(created.requestId).not.toBe('');

    const createHit = eci.hitsOf('CreateContainerGroup')[0];
    expect(createHit?.result).toBe('OK');
    expect(createHit?.signatureVersion).toBe(variant.signatureVersion);
    expect(createHit?.params).toMatchObject({
      RegionId: 'cn-shanghai',
      ContainerGroupName: 'sandbox-1',
      'Container.1.Name': 'main',
      'Container.1.Command.1': 'sleep',
      'Container.1.Command.2': 'infinity',
      'Container.1.EnvironmentVar.1.Key': 'A',
      'Container.1.Port.1.Port': '8080',
      'Container.2.Name': 'sidecar',
      'Tag.2.Key': 'odd key',
      'Tag.2.Value': "v!'()*~ 中文",
      RestartPolicy: 'Never',
    });
    // An empty command list is never sent (it would override the image entrypoint).
    expect(
      Object.keys(createHit?.params ?? {}).filter(
        (key) => key.startsWith('Container.2.Command') || key.startsWith('Container.2.Arg'),
      ),
    ).toEqual([]);
    expect(createHit?.params.ClientToken).toMatch(/^[\x21-\x7e]{1,64}$/);

    const page = await client.describeContainerGroups({ containerGroupIds: [created.containerGroupId], limit: 20 });
    expect(page.containerGroups).toHaveLength(1);
    const group = page.containerGroups[0];
    expect(group?.containerGroupName).toBe('sandbox-1');
    expect(group?.status).toBe('Running');
    expect(group?.tags).toEqual({ owner: 'tests', 'odd key': "v!'()*~ 中文" });
    expect(group?.containers[0]?.commands).toEqual(['sleep', 'infinity']);
    expect(group?.events[0]?.reason).toBe('Started');
    // Unknown fields are tolerated and kept in raw.
    expect(group?.raw.SomeFutureField).toEqual({ Nested: true });
    expect(eci.hitsOf('DescribeContainerGroups')[0]?.params.ContainerGroupIds).toBe(JSON.stringify([created.containerGroupId]));

    const status = await client.describeContainerGroupStatus({ containerGroupIds: [created.containerGroupId] });
    expect(status.data[0]).toMatchObject({ containerGroupId: created.containerGroupId, status: 'Running', namespace: 'default' });

    const waited = await client.waitForStatus(created.containerGroupId, { target: ['Running'], intervalMs: 5 });
    expect(waited).toMatchObject({ status: 'Running', reachedTarget: true });

    const exec = await client.execContainerCommand({
      containerGroupId: created.containerGroupId,
      containerName: 'main',
      command: ['/bin/sh', '-c', "echo 'hi there' && ls *"],
    });
    expect(exec.webSocketUri).toMatch(/^wss:\/\/.*\?s=tok/);
    const execHit = eci.hitsOf('ExecContainerCommand')[0];
    expect(execHit?.params).toMatchObject({
      Command: JSON.stringify(['/bin/sh', '-c', "echo 'hi there' && ls *"]),
      Stdin: 'false',
      TTY: 'false',
      Sync: 'false',
    });

    const sync = await client.execContainerCommand({
      containerGroupId: created.containerGroupId,
      containerName: 'main',
      command: ['echo', 'ok'],
      sync: true,
      stdin: true,
    });
    expect(sync.syncResponse).toBe('echo ok');
    expect(eci.hitsOf('ExecContainerCommand')[1]?.params).toMatchObject({ Stdin: 'true', Sync: 'true' });

    const log = await client.describeContainerLog({
      containerGroupId: created.containerGroupId,
      containerName: 'main',
      tail: 2000,
      timestamps: true,
    });
    expect(log.content).toContain('tail=2000');
    expect(log.containerName).toBe('main');

    await expect(client.restartContainerGroup({ containerGroupId: created.containerGroupId })).resolves.toMatchObject({
      requestId: expect.any(String),
    });
    expect(eci.hitsOf('RestartContainerGroup')[0]?.params.ClientToken).toBeTruthy();

    await client.deleteContainerGroup({ containerGroupId: created.containerGroupId, force: true, clientToken: 'delete-token-1' });
    expect(eci.hitsOf('DeleteContainerGroup')[0]?.params).toMatchObject({ Force: 'true', ClientToken: 'delete-token-1' });

    // Everything was signed correctly, with the right credentials.
    expect(eci.hits.every((hit) => hit.result === 'OK')).toBe(true);
    for (const hit of eci.hits) {
      if (variant.signatureVersion === 'v3') {
        expect(hit.headers['x-acs-security-token']).toBe('securityToken' in variant.credentials ? STS.securityToken : undefined);
        expect(hit.headers['x-acs-accesskey-id']).toBe('securityToken' in variant.credentials ? STS.accessKeyId : undefined);
        expect(hit.headers['x-acs-version']).toBe('2018-08-08');
      }
    }
  });

  it('calls any action through request() and passes ECI errors through', async () => {
    const client = clientFor(variant);
    const body = await client.request('DescribeContainerGroups', { Limit: 5, Tag: [{ Key: 'a b', Value: '(x)' }] });
    expect(body).toMatchObject({ RequestId: expect.any(String), ContainerGroups: [] });
    expect(eci.hits[0]?.params).toMatchObject({ Limit: '5', 'Tag.1.Key': 'a b', 'Tag.1.Value': '(x)', RegionId: 'cn-shanghai' });

    const error = await client.request('NoSuchAction').catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciApiError);
    expect(error).toMatchObject({
      code: 'InvalidApi.NotFound',
      httpStatus: 404,
      retryable: false,
      hostId: 'eci.cn-shanghai.aliyuncs.com',
    });
    expect((error as EciApiError).requestId).toMatch(/FAKEECI/);
    expect((error as EciApiError).recommend).toMatch(/^https:\/\/api\.aliyun\.com\/troubleshoot\?q=InvalidApi\.NotFound/);
  });

  it('rejects a request whose parameters were changed after signing', async () => {
    const tamper: typeof fetch = (input, init) =>
      fetch(String(input).replace('ContainerGroupName=sandbox-2', 'ContainerGroupName=sandbox-3'), init);
    const client = clientFor(variant, { fetch: tamper });
    const error = await client
      .createContainerGroup({ containerGroupName: 'sandbox-2', containers: [{ name: 'main', image: 'alpine' }] })
      .catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(EciApiError);
    expect((error as EciApiError).code).toBe('SignatureDoesNotMatch');
    // Not retried, and the message says how to fix it without leaking anything secret.
    expect(eci.hits).toHaveLength(1);
    expect((error as Error).message).toMatch(/secret.*clock|clock/i);
    const message = (error as Error).message;
    expect(message).not.toContain(variant.credentials.accessKeySecret);
    if ('securityToken' in variant.credentials) {
      expect(message).not.toContain(STS.securityToken);
      expect(message).not.toContain(encodeURIComponent(STS.securityToken));
    }
    expect(eci.hits[0]?.params.ContainerGroupName).toBe('sandbox-3');
  });
});

describe('verification oracle', () => {
  it('rejects a V3 request whose signed header was changed after signing', async () => {
    const tamper: typeof fetch = (input, init) => {
      const headers = new Headers(init?.headers);
      headers.set('x-acs-action', 'DescribeContainerGroupStatus');
      return fetch(input, { ...init, headers });
    };
    const client = new EciClient({ ...PLAIN, endpoint: eci.endpoint, fetch: tamper });
    await expect(client.describeContainerGroups()).rejects.toMatchObject({ code: 'SignatureDoesNotMatch' });
  });

  it('rejects a wrong secret', async () => {
    const client = new EciClient({ ...PLAIN, accessKeySecret: 'wrong-secret', endpoint: eci.endpoint });
    await expect(client.describeContainerGroups()).rejects.toMatchObject({ code: 'SignatureDoesNotMatch', retryable: false });
  });

  it('accepts requests from the official @alicloud/openapi-client (V3 and V1), so the checks are real', async () => {
    for (const signatureAlgorithm of [undefined, 'v2']) {
      for (const account of [PLAIN, STS]) {
        const config = new Config({
          ...account,
          endpoint: eci.endpoint.replace('http://', ''),
          protocol: 'http',
          regionId: 'cn-shanghai',
          ...(signatureAlgorithm ? { signatureAlgorithm } : {}),
        });
        const official = new OpenApiClient(config);
        const params = new Params({
          action: 'DescribeContainerGroups',
          version: '2018-08-08',
          protocol: 'HTTP',
          pathname: '/',
          method: 'POST',
          authType: 'AK',
          style: 'RPC',
          reqBodyType: 'formData',
          bodyType: 'json',
        });
        const request = new OpenApiRequest({
          query: { RegionId: 'cn-shanghai', Limit: '3', ContainerGroupName: "odd name !'()*~" },
        });
        const response = (await official.callApi(params, request, new RuntimeOptions({}))) as { body: { RequestId: string } };
        expect(response.body.RequestId).toMatch(/FAKEECI/);
      }
    }
    expect(eci.hits.map((hit) => `${hit.signatureVersion}:${hit.result}`)).toEqual(['v3:OK', 'v3:OK', 'v1:OK', 'v1:OK']);
  });
});

describe('credentials provider', () => {
  it('is cached until shortly before expiry, then asked again', async () => {
    let calls = 0;
    let expiration = Date.now() + 3_600_000;
    const client = new EciClient({
      endpoint: eci.endpoint,
      credentials: async () => {
        calls += 1;
        return { ...STS, expiration };
      },
    });
    await client.describeContainerGroups();
    await client.describeContainerGroups();
    expect(calls).toBe(1);
    expiration = Date.now() + 10_000;
    // Still cached: the previous answer expires in an hour.
    await client.describeContainerGroups();
    expect(calls).toBe(1);
  });

  it('refreshes credentials that are about to expire', async () => {
    let calls = 0;
    const client = new EciClient({
      endpoint: eci.endpoint,
      credentials: () => {
        calls += 1;
        return { ...PLAIN, expiration: new Date(Date.now() + 30_000) };
      },
    });
    await client.describeContainerGroups();
    await client.describeContainerGroups();
    expect(calls).toBe(2);
    expect(eci.hits.every((hit) => hit.result === 'OK')).toBe(true);
  });
});

describe('pagination and waiting', () => {
  it('iterateContainerGroups follows NextToken over every page', async () => {
    const client = new EciClient({ ...PLAIN, endpoint: eci.endpoint });
    const before = eci.groups.size;
    for (let index = 0; index < 7; index += 1) {
      await client.createContainerGroup({
        containerGroupName: `paged-${index}`,
        containers: [{ name: 'c', image: 'alpine' }],
        tags: { batch: 'paged' },
      });
    }
    eci.reset();
    const names: string[] = [];
    for await (const group of client.iterateContainerGroups({ limit: 3 })) names.push(group.containerGroupName ?? '');
    expect(names.filter((name) => name.startsWith('paged-'))).toEqual(Array.from({ length: 7 }, (_, index) => `paged-${index}`));
    expect(names).toHaveLength(before + 7);
    expect(eci.hitsOf('DescribeContainerGroups')).toHaveLength(Math.ceil((before + 7) / 3));
    expect(eci.hits[1]?.params.NextToken).toBe('3');
  });

  it('waitForStatus follows status changes, stops on terminal statuses and fails when the group vanishes', async () => {
    const client = new EciClient({ ...PLAIN, endpoint: eci.endpoint });
    const { containerGroupId } = await client.createContainerGroup({
      containerGroupName: 'waiter',
      containers: [{ name: 'c', image: 'alpine' }],
    });
    eci.state.statusSequence.set(containerGroupId, ['Scheduling', 'Pending', 'Pending', 'Running']);
    await expect(client.waitForStatus(containerGroupId, { target: ['Running'], intervalMs: 2 })).resolves.toMatchObject({
      status: 'Running',
      reachedTarget: true,
    });
    expect(eci.hitsOf('DescribeContainerGroupStatus').length).toBe(4);

    eci.state.statusSequence.set(containerGroupId, ['Failed']);
    await expect(client.waitForStatus(containerGroupId, { target: ['Running'], intervalMs: 2 })).resolves.toMatchObject({
      status: 'Failed',
      reachedTarget: false,
    });

    // The group disappears right after the first poll has seen it Pending.
    eci.state.statusSequence.set(containerGroupId, ['Pending']);
    const watcher = new EciClient({
      ...PLAIN,
      endpoint: eci.endpoint,
      logger: {
        debug: (line) => line.startsWith('DescribeContainerGroupStatus → HTTP 200') && eci.groups.delete(containerGroupId),
      },
    });
    const vanished = await watcher
      .waitForStatus(containerGroupId, { target: ['Running'], intervalMs: 2 })
      .catch((caught: unknown) => caught);
    expect(vanished).toMatchObject({ name: 'EciNotFoundError', containerGroupId });
    expect((vanished as Error).message).toMatch(/disappeared while Pending/);

    await expect(
      client.waitForStatus('eci-never-existed', { target: ['Running'], intervalMs: 2, notFoundGraceMs: 0 }),
    ).rejects.toMatchObject({ name: 'EciNotFoundError' });
  });

  it('waitForStatus times out with EciTimeoutError', async () => {
    const client = new EciClient({ ...PLAIN, endpoint: eci.endpoint });
    const { containerGroupId } = await client.createContainerGroup({
      containerGroupName: 'slow',
      containers: [{ name: 'c', image: 'alpine' }],
    });
    eci.state.statusSequence.set(
      containerGroupId,
      Array.from({ length: 1000 }, () => 'Pending'),
    );
    const error = await client
      .waitForStatus(containerGroupId, { target: ['Running'], intervalMs: 5, timeoutMs: 80 })
      .catch((caught: unknown) => caught);
    expect(error).toMatchObject({ name: 'EciTimeoutError' });
    expect((error as Error).message).toContain('still Pending');
  });

  it('a dry run that passes resolves with dryRun: true', async () => {
    const client = new EciClient({ ...PLAIN, endpoint: eci.endpoint });
    await expect(
      client.createContainerGroup({ containerGroupName: 'dry', dryRun: true, containers: [{ name: 'c', image: 'alpine' }] }),
    ).resolves.toMatchObject({ dryRun: true, containerGroupId: '' });
  });
});

describe('logging', () => {
  it('redacts every line and error message', async () => {
    const lines: string[] = [];
    const log = (line: string) => lines.push(line);
    const client = new EciClient({
      ...STS,
      endpoint: eci.endpoint,
      signatureVersion: 'v1',
      logger: { debug: log, info: log, warn: log, error: log },
      retryBaseDelayMs: 1,
    });
    eci.failNext('ExecContainerCommand', {
      status: 400,
      code: 'Throttling.User',
      message: `busy; your token ${STS.securityToken} and secret ${STS.accessKeySecret}`,
    });
    const { containerGroupId } = await client.createContainerGroup({
      containerGroupName: 'logged',
      containers: [{ name: 'c', image: 'alpine' }],
    });
    const exec = await client.execContainerCommand({ containerGroupId, containerName: 'c', command: ['true'] });
    expect(exec.webSocketUri).toBeTruthy();
    expect(lines.length).toBeGreaterThan(3);
    expect(lines.some((line) => line.includes('retry 1 of 2'))).toBe(true);
    const all = lines.join('\n');
    expect(all).not.toContain(STS.securityToken);
    expect(all).not.toContain(STS.accessKeySecret);
    expect(all).toContain('***');
  });
});
