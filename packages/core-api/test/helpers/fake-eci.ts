import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import OpenApiUtil from '@alicloud/openapi-util';

/**
 * A small ECI look-alike on 127.0.0.1:0 for end-to-end tests. Every request's signature is
 * recomputed with the official `@alicloud/openapi-util` (the oracle), not with our signer.
 * Answers look like ECI's: success bodies with RequestId, errors with RequestId, HostId, Code,
 * Message and Recommend.
 */

export interface Account {
  accessKeyId: string;
  accessKeySecret: string;
  securityToken?: string;
}

export interface Hit {
  action: string;
  signatureVersion: 'v1' | 'v3' | 'none';
  /** Action parameters (without the V1 common parameters). */
  params: Record<string, string>;
  headers: Record<string, string | string[] | undefined>;
  nonce: string | undefined;
  /** The signature sent (V3 hex from Authorization, V1 `Signature`). */
  signature: string | undefined;
  /** Code of the answer, `OK` on success. */
  result: string;
  at: number;
}

export interface Fault {
  status: number;
  code: string;
  message?: string;
  headers?: Record<string, string>;
}

interface Group {
  id: string;
  name: string;
  status: string;
  clientToken: string | undefined;
  containers: Array<Record<string, unknown>>;
  tags: Array<{ Key: string; Value: string }>;
  created: string;
  extra: Record<string, string>;
}

const V1_COMMON = new Set([
  'Action',
  'Version',
  'Format',
  'AccessKeyId',
  'SignatureMethod',
  'SignatureVersion',
  'SignatureNonce',
  'Timestamp',
  'SecurityToken',
  'Signature',
]);

export interface FakeEciOptions {
  accounts: Account[];
  /** Enforce a quota on arrival, like ECI would: more than `limit` calls in `windowMs` → Throttling.User. */
  throttle?: { action: string; limit: number; windowMs: number };
}

export async function startFakeEci(options: FakeEciOptions) {
  const hits: Hit[] = [];
  const faults = new Map<string, Fault[]>();
  const groups = new Map<string, Group>();
  const seenNonces = new Set<string>();
  const arrivals: number[] = [];
  let counter = 0;
  /** Status that newly created groups report; tests change it. */
  const state = { createdStatus: 'Running', statusSequence: new Map<string, string[]>() };

  const requestId = () => `${(++counter).toString(16).padStart(8, '0').toUpperCase()}-0000-4000-8000-FAKEECI00000`;

  function sendJson(
    response: ServerResponse,
    status: number,
    body: Record<string, unknown>,
    headers: Record<string, string> = {},
  ) {
    response.writeHead(status, { 'content-type': 'application/json;charset=utf-8', ...headers });
    response.end(JSON.stringify(body));
  }

  function sendError(
    response: ServerResponse,
    hit: Hit | undefined,
    status: number,
    code: string,
    message: string,
    headers: Record<string, string> = {},
  ) {
    const id = requestId();
    if (hit) hit.result = code;
    sendJson(
      response,
      status,
      {
        RequestId: id,
        HostId: 'eci.cn-shanghai.aliyuncs.com',
        Code: code,
        Message: message,
        Recommend: `https://api.aliyun.com/troubleshoot?q=${code}&product=Eci&requestId=${id}`,
      },
      headers,
    );
  }

  /** Returns an error code and message, or undefined when the signature checks out. */
  function verify(
    request: IncomingMessage,
    url: URL,
    body: Buffer,
  ): { version: Hit['signatureVersion']; failure?: [number, string, string]; nonce?: string } {
    const query = Object.fromEntries(url.searchParams);
    const authorization = request.headers.authorization;
    if (authorization) {
      const match = /^ACS3-HMAC-SHA256 Credential=([^,]+),SignedHeaders=([^,]+),Signature=([0-9a-f]+)$/.exec(authorization);
      if (!match) return { version: 'v3', failure: [400, 'IncompleteSignature', 'The Authorization header is malformed.'] };
      const account = options.accounts.find((candidate) => candidate.accessKeyId === match[1]);
      if (!account) return { version: 'v3', failure: [404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'] };
      const payloadHash = String(request.headers['x-acs-content-sha256'] ?? '');
      if (payloadHash !== createHash('sha256').update(body).digest('hex')) {
        return { version: 'v3', failure: [400, 'ContentLengthDontMatch', 'x-acs-content-sha256 does not match the body.'] };
      }
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === 'string' && name !== 'authorization') headers[name] = value;
      }
      const expected = OpenApiUtil.getAuthorization(
        { method: request.method, pathname: url.pathname, query, headers } as never,
        'ACS3-HMAC-SHA256',
        payloadHash,
        account.accessKeyId,
        account.accessKeySecret,
      );
      const nonce = headers['x-acs-signature-nonce'];
      if (expected !== authorization) {
        return {
          version: 'v3',
          nonce,
          failure: [
            400,
            'SignatureDoesNotMatch',
            `Specified signature is not matched with our calculation. server string to sign is:${expected} SecurityToken=${account.securityToken ?? ''}`,
          ],
        };
      }
      if (
        account.securityToken &&
        (headers['x-acs-security-token'] !== account.securityToken || headers['x-acs-accesskey-id'] !== account.accessKeyId)
      ) {
        return {
          version: 'v3',
          nonce,
          failure: [400, 'InvalidSecurityToken.Mismatch', 'The security token is missing or does not match.'],
        };
      }
      if (
        !headers['x-acs-date'] ||
        Math.abs(Date.parse(headers['x-acs-date']) - Date.now()) > 15 * 60_000 ||
        !/Z$/.test(headers['x-acs-date'])
      ) {
        return {
          version: 'v3',
          nonce,
          failure: [400, 'InvalidTimeStamp.Expired', 'Specified time stamp or date value is expired.'],
        };
      }
      if (headers['x-acs-version'] !== '2018-08-08')
        return { version: 'v3', nonce, failure: [400, 'InvalidVersion', 'Specified parameter Version is not valid.'] };
      return { version: 'v3', nonce };
    }
    if (query.Signature) {
      const account = options.accounts.find((candidate) => candidate.accessKeyId === query.AccessKeyId);
      if (!account) return { version: 'v1', failure: [404, 'InvalidAccessKeyId.NotFound', 'Specified access key is not found.'] };
      const { Signature: signature, ...signed } = query;
      const expected = OpenApiUtil.getRPCSignature(signed, request.method ?? '', account.accessKeySecret);
      const nonce = query.SignatureNonce;
      if (expected !== signature) {
        const canonical = Object.keys(signed)
          .sort()
          .map((key) => `${percent(key)}=${percent(signed[key] ?? '')}`)
          .join('&');
        return {
          version: 'v1',
          nonce,
          failure: [
            400,
            'SignatureDoesNotMatch',
            `Specified signature is not matched with our calculation. server string to sign is:${request.method}&%2F&${percent(canonical)}`,
          ],
        };
      }
      if (account.securityToken && query.SecurityToken !== account.securityToken) {
        return {
          version: 'v1',
          nonce,
          failure: [400, 'InvalidSecurityToken.Mismatch', 'The security token is missing or does not match.'],
        };
      }
      if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(query.Timestamp ?? '')) {
        return {
          version: 'v1',
          nonce,
          failure: [400, 'InvalidTimeStamp.Format', 'Specified time stamp or date value is not well formatted.'],
        };
      }
      if (
        query.SignatureMethod !== 'HMAC-SHA1' ||
        query.SignatureVersion !== '1.0' ||
        query.Version !== '2018-08-08' ||
        query.Format?.toUpperCase() !== 'JSON'
      ) {
        return { version: 'v1', nonce, failure: [400, 'InvalidParameter', 'A common parameter is missing or wrong.'] };
      }
      return { version: 'v1', nonce };
    }
    return { version: 'none', failure: [400, 'MissingSignature', 'The request is not signed.'] };
  }

  function percent(value: string) {
    return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
  }

  function describeGroup(group: Group) {
    return {
      ContainerGroupId: group.id,
      ContainerGroupName: group.name,
      Status: group.status,
      RegionId: 'cn-shanghai',
      ZoneId: 'cn-shanghai-b',
      Cpu: 2,
      Memory: 4,
      CreationTime: group.created,
      IntranetIp: '172.16.0.10',
      Tags: group.tags,
      Containers: group.containers,
      Events: [
        {
          Count: 1,
          Type: 'Normal',
          Name: group.id,
          Reason: 'Started',
          Message: 'Started container',
          FirstTimestamp: group.created,
          LastTimestamp: group.created,
        },
      ],
      SomeFutureField: { Nested: true },
    };
  }

  function nextStatus(group: Group) {
    const sequence = state.statusSequence.get(group.id);
    if (sequence && sequence.length > 0) group.status = sequence.shift() ?? group.status;
  }

  function handle(action: string, params: Record<string, string>, hit: Hit, response: ServerResponse) {
    const ok = (body: Record<string, unknown>) => {
      hit.result = 'OK';
      sendJson(response, 200, { RequestId: requestId(), ...body });
    };
    if (params.RegionId !== 'cn-shanghai')
      return sendError(response, hit, 400, 'InvalidRegionId', `The region ${params.RegionId} does not exist.`);
    const group = params.ContainerGroupId ? groups.get(params.ContainerGroupId) : undefined;
    const needGroup = () => {
      sendError(response, hit, 400, 'InvalidContainerGroup.NotFound', 'The specified container group does not exist.');
    };
    switch (action) {
      case 'CreateContainerGroup': {
        if (params.DryRun === 'true')
          return sendError(response, hit, 400, 'DryRunOperation', 'Request validation has been passed with DryRun flag set.');
        const existing = [...groups.values()].find(
          (candidate) => candidate.clientToken && candidate.clientToken === params.ClientToken,
        );
        if (existing) return ok({ ContainerGroupId: existing.id });
        const id = `eci-fake${String(groups.size + 1).padStart(12, '0')}`;
        const containers: Array<Record<string, unknown>> = [];
        for (let index = 1; params[`Container.${index}.Name`]; index += 1) {
          const commands: string[] = [];
          for (let command = 1; params[`Container.${index}.Command.${command}`] !== undefined; command += 1)
            commands.push(params[`Container.${index}.Command.${command}`] ?? '');
          containers.push({
            Name: params[`Container.${index}.Name`],
            Image: params[`Container.${index}.Image`],
            Cpu: Number(params[`Container.${index}.Cpu`] ?? 0),
            Memory: Number(params[`Container.${index}.Memory`] ?? 0),
            Commands: commands,
            Args: [],
            Ready: true,
            RestartCount: 0,
            CurrentState: { State: 'Running', StartTime: new Date().toISOString() },
            EnvironmentVars: [],
          });
        }
        const tags: Array<{ Key: string; Value: string }> = [];
        for (let index = 1; params[`Tag.${index}.Key`] !== undefined; index += 1)
          tags.push({ Key: params[`Tag.${index}.Key`] ?? '', Value: params[`Tag.${index}.Value`] ?? '' });
        groups.set(id, {
          id,
          name: params.ContainerGroupName ?? '',
          status: state.createdStatus,
          clientToken: params.ClientToken,
          containers,
          tags,
          created: new Date().toISOString(),
          extra: params,
        });
        return ok({ ContainerGroupId: id });
      }
      case 'DescribeContainerGroups': {
        let list = [...groups.values()];
        if (params.ContainerGroupIds) {
          const ids = JSON.parse(params.ContainerGroupIds) as string[];
          list = list.filter((candidate) => ids.includes(candidate.id));
        }
        if (params.ContainerGroupName) list = list.filter((candidate) => candidate.name === params.ContainerGroupName);
        if (params.Status) list = list.filter((candidate) => candidate.status === params.Status);
        const limit = Number(params.Limit ?? 20);
        if (limit > 20) return sendError(response, hit, 400, 'InvalidParameter.Limit', 'Limit must be at most 20.');
        const start = params.NextToken ? Number(params.NextToken) : 0;
        const page = list.slice(start, start + limit);
        const nextToken = start + limit < list.length ? String(start + limit) : '';
        return ok({ TotalCount: list.length, NextToken: nextToken, ContainerGroups: page.map(describeGroup) });
      }
      case 'DescribeContainerGroupStatus': {
        const ids = params.ContainerGroupIds ? (JSON.parse(params.ContainerGroupIds) as string[]) : [...groups.keys()];
        const data = ids.flatMap((id) => {
          const found = groups.get(id);
          if (!found) return [];
          nextStatus(found);
          return [
            {
              ContainerGroupId: found.id,
              Name: found.name,
              Namespace: 'default',
              Status: found.status,
              uuid: `uuid-${found.id}`,
              PodStatus: { phase: found.status },
            },
          ];
        });
        return ok({ TotalCount: data.length, NextToken: '', Data: data });
      }
      case 'DeleteContainerGroup':
        if (!group) return needGroup();
        groups.delete(group.id);
        return ok({});
      case 'RestartContainerGroup':
        if (!group) return needGroup();
        if (group.status !== 'Running' && group.status !== 'Pending')
          return sendError(response, hit, 400, 'IncorrectStatus', `The container group is ${group.status}.`);
        group.status = 'Restarting';
        return ok({});
      case 'ExecContainerCommand': {
        if (!group) return needGroup();
        if (params.Stdin === undefined)
          return sendError(response, hit, 400, 'Test.StdinNotSent', 'The client must always send Stdin.');
        const command = JSON.parse(params.Command ?? '[]') as string[];
        const token = `tok${counter}`;
        if (params.Sync === 'true') return ok({ SyncResponse: command.join(' ') });
        return ok({
          WebSocketUri: `wss://eci-cn-shanghai.aliyun.com/exec/?s=${token}`,
          HttpUrl: `https://eci.console.aliyun.com/terminal?param=${token}`,
        });
      }
      case 'DescribeContainerLog':
        if (!group) return needGroup();
        return ok({ ContainerName: params.ContainerName, Content: `line 1\nline 2 tail=${params.Tail ?? ''}\n` });
      default:
        return sendError(response, hit, 404, 'InvalidApi.NotFound', `Specified api ${action} is not found.`);
    }
  }

  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks);
      const url = new URL(request.url ?? '/', 'http://fake-eci');
      const query = Object.fromEntries(url.searchParams);
      const action = String(request.headers['x-acs-action'] ?? query.Action ?? '');
      const params = Object.fromEntries(Object.entries(query).filter(([key]) => !V1_COMMON.has(key)));
      const checked = verify(request, url, body);
      const hit: Hit = {
        action,
        signatureVersion: checked.version,
        params,
        headers: { ...request.headers },
        nonce: checked.nonce,
        signature: query.Signature ?? /Signature=([0-9a-f]+)$/.exec(String(request.headers.authorization ?? ''))?.[1],
        result: 'pending',
        at: performance.now(),
      };
      hits.push(hit);
      if (checked.failure) return sendError(response, hit, ...checked.failure);
      if (checked.nonce) {
        if (seenNonces.has(checked.nonce))
          return sendError(response, hit, 400, 'SignatureNonceUsed', 'Specified signature nonce was used already.');
        seenNonces.add(checked.nonce);
      }
      if (request.method !== 'POST' || url.pathname !== '/')
        return sendError(response, hit, 400, 'InvalidRequest', 'ECI actions are POST /.');
      if (options.throttle && options.throttle.action === action) {
        const now = performance.now();
        while (arrivals.length && (arrivals[0] ?? 0) <= now - options.throttle.windowMs) arrivals.shift();
        if (arrivals.length >= options.throttle.limit)
          return sendError(response, hit, 400, 'Throttling.User', 'Request was denied due to user flow control.');
        arrivals.push(now);
      }
      const queue = faults.get(action);
      const fault = queue?.shift();
      if (fault) {
        if (fault.status === 0) {
          // Drop the connection without an answer.
          hit.result = 'connection-reset';
          request.socket.destroy();
          return;
        }
        return sendError(response, hit, fault.status, fault.code, fault.message ?? `Injected ${fault.code}.`, fault.headers);
      }
      handle(action, params, hit, response);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;

  return {
    endpoint: `http://127.0.0.1:${port}`,
    hits,
    groups,
    state,
    /** Answers the next `count` calls of `action` with `fault` (status 0 drops the connection). */
    failNext(action: string, fault: Fault, count = 1) {
      const queue = faults.get(action) ?? [];
      for (let index = 0; index < count; index += 1) queue.push(fault);
      faults.set(action, queue);
    },
    hitsOf(action: string) {
      return hits.filter((hit) => hit.action === action);
    },
    reset() {
      hits.length = 0;
      faults.clear();
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export type FakeEci = Awaited<ReturnType<typeof startFakeEci>>;
