import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { EciClient, EciValidationError } from '../src/index.js';
import { startFakeEci, type FakeEci } from './helpers/fake-eci.js';

const ACCOUNT = { accessKeyId: 'TestValidKeyId', accessKeySecret: 'valid-secret-0123456789abcdef' };

let eci: FakeEci;
let client: EciClient;
beforeAll(async () => {
  eci = await startFakeEci({ accounts: [ACCOUNT] });
  client = new EciClient({ ...ACCOUNT, endpoint: eci.endpoint });
});
afterAll(async () => {
  await eci.close();
});
beforeEach(() => eci.reset());
// Every test below must leave the server untouched: validation happens before anything is sent.
afterEach(() => {
  expect(eci.hits).toHaveLength(0);
});

async function rejection(promise: Promise<unknown>): Promise<EciValidationError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(EciValidationError);
  return error as EciValidationError;
}

function thrown(build: () => unknown): EciValidationError {
  try {
    build();
  } catch (error) {
    expect(error).toBeInstanceOf(EciValidationError);
    return error as EciValidationError;
  }
  throw new Error('expected an EciValidationError');
}

const container = { name: 'main', image: 'alpine' };

describe('bad input is rejected before anything is sent', () => {
  it('missing credentials', () => {
    expect(thrown(() => new EciClient({ endpoint: eci.endpoint })).field).toBe('accessKeyId');
    const error = thrown(() => new EciClient({ accessKeyId: 'LTAI', endpoint: eci.endpoint }));
    expect(error.field).toBe('accessKeySecret');
    expect(error.message).toMatch(/ALIBABA_CLOUD_ACCESS_KEY_SECRET/);
    expect(thrown(() => new EciClient({ ...ACCOUNT, credentials: () => ACCOUNT })).field).toBe('credentials');
  });

  it('a bad region or endpoint', () => {
    const error = thrown(() => new EciClient({ ...ACCOUNT, regionId: 'Shanghai' }));
    expect(error.field).toBe('regionId');
    expect(error.message).toMatch(/cn-shanghai/);
    expect(thrown(() => new EciClient({ ...ACCOUNT, regionId: 'cn_shanghai' })).field).toBe('regionId');
    expect(thrown(() => new EciClient({ ...ACCOUNT, endpoint: 'ftp://host' })).field).toBe('endpoint');
    expect(thrown(() => new EciClient({ ...ACCOUNT, endpoint: 'not a host' })).field).toBe('endpoint');
    expect(thrown(() => new EciClient({ ...ACCOUNT, timeoutMs: -1 })).field).toBe('timeoutMs');
    expect(thrown(() => new EciClient({ ...ACCOUNT, accesKeyId: 'typo' } as never)).field).toBe('accesKeyId');
  });

  it('a negative cpu', async () => {
    const error = await rejection(
      client.createContainerGroup({ containerGroupName: 'ok-name', containers: [{ ...container, cpu: -1 }] }),
    );
    expect(error.field).toBe('containers.0.cpu');
    expect(error.message).toMatch(/containers\.0\.cpu must be greater than 0/);
    expect(
      (await rejection(client.createContainerGroup({ containerGroupName: 'ok-name', cpu: -2, containers: [container] }))).field,
    ).toBe('cpu');
  });

  it('21 container group IDs', async () => {
    const ids = Array.from({ length: 21 }, (_, index) => `eci-${index}`);
    const error = await rejection(client.describeContainerGroups({ containerGroupIds: ids }));
    expect(error.field).toBe('containerGroupIds');
    expect(error.message).toMatch(/at most 20/);
    expect((await rejection(client.describeContainerGroupStatus({ containerGroupIds: ids }))).field).toBe('containerGroupIds');
  });

  it('a container group name with uppercase letters, or a bad shape', async () => {
    for (const name of ['Sandbox', 'a', '-lead', 'trail-', 'under_score', 'x'.repeat(129)]) {
      const error = await rejection(client.createContainerGroup({ containerGroupName: name, containers: [container] }));
      expect(error.field).toBe('containerGroupName');
      expect(error.message).toMatch(/lowercase letters, digits and hyphens/);
    }
    await expect(
      client.createContainerGroup({ containerGroupName: 'x'.repeat(128), containers: [container] }),
    ).resolves.toBeTruthy();
    await expect(client.createContainerGroup({ containerGroupName: 'a1', containers: [container] })).resolves.toBeTruthy();
    // Those two valid names did reach the server; forget them for the no-hits check.
    expect(eci.hits).toHaveLength(2);
    eci.reset();
  });

  it('limit: 50', async () => {
    const error = await rejection(client.describeContainerGroups({ limit: 50 }));
    expect(error.field).toBe('limit');
    expect(error.message).toMatch(/at most 20/);
  });

  it('other mistakes name their field', async () => {
    const cases: Array<[Promise<unknown>, string]> = [
      [client.createContainerGroup({ containerGroupName: 'ok', containers: [] }), 'containers'],
      [client.createContainerGroup({ containerGroupName: 'ok', containers: [{ name: 'c' }] } as never), 'containers.0.image'],
      [
        client.createContainerGroup({ containerGroupName: 'ok', containers: [container], clientToken: 'x'.repeat(65) }),
        'clientToken',
      ],
      [
        client.createContainerGroup({
          containerGroupName: 'ok',
          containers: [container],
          tags: Object.fromEntries(Array.from({ length: 21 }, (_, index) => [`k${index}`, 'v'])),
        }),
        'tags',
      ],
      [
        client.createContainerGroup({ containerGroupName: 'ok', containers: [container], restartPolicy: 'Sometimes' } as never),
        'restartPolicy',
      ],
      [
        client.createContainerGroup({ containerGroupName: 'ok', containers: [container], containerGroupname: 'typo' } as never),
        'containerGroupname',
      ],
      [
        client.execContainerCommand({ containerGroupId: 'eci-1', containerName: 'c', command: ['sh'], sync: true, tty: true }),
        'tty',
      ],
      [client.execContainerCommand({ containerGroupId: 'eci-1', containerName: 'c', command: [] }), 'command'],
      [client.execContainerCommand({ containerGroupId: 'eci-1', containerName: 'c', command: 'ls -l' } as never), 'command'],
      [client.describeContainerLog({ containerGroupId: 'eci-1', containerName: 'c', tail: 2001 }), 'tail'],
      [client.describeContainerGroups({ status: 'running' } as never), 'status'],
      [client.deleteContainerGroup({ containerGroupId: '' }), 'containerGroupId'],
      [client.describeContainerGroups({}, { timeoutMs: 0 }), 'callOptions.timeoutMs'],
      [client.describeContainerGroups({}, { maxRetries: -1 }), 'callOptions.maxRetries'],
      [client.waitForStatus('eci-1', { target: [] }), 'options.target'],
      [client.request('Bad Action'), 'action'],
    ];
    for (const [promise, field] of cases) {
      const error = await rejection(promise);
      expect(error.field, error.message).toBe(field);
      expect(error.message).toContain(field.split('.').pop() ?? field);
    }
  });
});
