import { redactSecrets } from './redact.js';

/** Options shared by every error of this package. */
export interface EciErrorOptions {
  /** The underlying error, kept as `error.cause`. */
  cause?: unknown;
  /** Literal secrets to mask in the message (the client passes its secret and token). */
  secrets?: ReadonlyArray<string | undefined>;
}

/** Root of every error thrown by `@eci-sandbox/core-api`. */
export class EciError extends Error {
  override name = 'EciError';
  /** Whether sending the same request again may succeed. */
  readonly retryable: boolean = false;

  constructor(message: string, options: EciErrorOptions = {}) {
    // Every message is redacted here, so no subclass or call site can leak a credential.
    super(redactSecrets(message, options.secrets), options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** What {@link createApiError} needs: the fields of ECI's error body plus the HTTP status. */
export interface EciApiErrorDetails {
  code: string;
  message?: string;
  requestId?: string;
  hostId?: string;
  recommend?: string;
  httpStatus: number;
  /** The action that failed, e.g. `CreateContainerGroup`. */
  action?: string;
  /** The whole parsed error body, for fields this class does not model (`AccessDeniedDetail`…). */
  data?: Record<string, unknown>;
  /** Seconds the server asked us to wait (`Retry-After`), if any. */
  retryAfterMs?: number;
}

/** ECI answered with an error body (`Code`, `Message`, `RequestId`, `HostId`, `Recommend`). */
export class EciApiError extends EciError {
  override name = 'EciApiError';
  /** ECI's error code, e.g. `Throttling.User`, `SignatureDoesNotMatch`, `IncorrectStatus`. */
  readonly code: string;
  readonly requestId: string | undefined;
  readonly hostId: string | undefined;
  /** ECI's diagnosis link (`https://api.aliyun.com/troubleshoot?q=…`). */
  readonly recommend: string | undefined;
  readonly httpStatus: number;
  readonly action: string | undefined;
  /** ECI's own message, redacted. */
  readonly serverMessage: string | undefined;
  readonly data: Record<string, unknown> | undefined;
  /** Delay the server asked for before a retry, in milliseconds. */
  readonly retryAfterMs: number | undefined;
  override readonly retryable: boolean;

  constructor(message: string, details: EciApiErrorDetails, options: EciErrorOptions = {}) {
    super(message, options);
    this.code = details.code;
    this.requestId = details.requestId;
    this.hostId = details.hostId;
    this.recommend = details.recommend;
    this.httpStatus = details.httpStatus;
    this.action = details.action;
    this.serverMessage = details.message === undefined ? undefined : redactSecrets(details.message, options.secrets);
    this.data = details.data;
    this.retryAfterMs = details.retryAfterMs;
    this.retryable = isRetryableApiError(details.code, details.httpStatus);
  }
}

/** The request never got an answer: DNS failure, refused or reset connection, TLS failure. */
export class EciConnectionError extends EciError {
  override name = 'EciConnectionError';
  override readonly retryable = true;
  /**
   * True when the failure certainly happened before the request reached the server (connection
   * refused, DNS failure, connect timeout). Used to decide whether a non-idempotent action may be retried.
   */
  readonly beforeRequestSent: boolean;

  constructor(message: string, options: EciErrorOptions & { beforeRequestSent?: boolean } = {}) {
    super(message, options);
    this.beforeRequestSent = options.beforeRequestSent ?? false;
  }
}

/** The call's `timeoutMs` ran out (while waiting for a rate-limit slot, a response or a backoff). */
export class EciTimeoutError extends EciError {
  override name = 'EciTimeoutError';
  override readonly retryable = false;
}

/** The caller's `AbortSignal` fired. Never retried. */
export class EciAbortError extends EciError {
  override name = 'EciAbortError';
  override readonly retryable = false;
}

/** Input was rejected before anything was sent; `field` names the offending option. */
export class EciValidationError extends EciError {
  override name = 'EciValidationError';
  override readonly retryable = false;
  /** Path of the invalid option, e.g. `containers.0.cpu` or `regionId`. */
  readonly field: string;

  constructor(field: string, message: string, options: EciErrorOptions = {}) {
    super(message, options);
    this.field = field;
  }
}

/** A container group that `waitForStatus` was watching no longer exists. */
export class EciNotFoundError extends EciError {
  override name = 'EciNotFoundError';
  override readonly retryable = false;
  readonly containerGroupId: string;

  constructor(containerGroupId: string, message: string, options: EciErrorOptions = {}) {
    super(message, options);
    this.containerGroupId = containerGroupId;
  }
}

// Codes that describe a bad request: sending it again cannot help, whatever the HTTP status.
const NON_RETRYABLE_CODE =
  /^(Signature|IncompleteSignature|InvalidAccessKeyId|InvalidSecurityToken|InvalidTimeStamp|InvalidParameter|MissingParameter|Missing[A-Z]|Forbidden|NoPermission|InvalidApi|IdempotentParameterMismatch|InvalidAction|DryRunOperation)/;

/** Whether an ECI error code (and HTTP status) is worth retrying: throttling, unavailable, internal, 5xx. */
export function isRetryableApiError(code: string, httpStatus: number): boolean {
  if (NON_RETRYABLE_CODE.test(code)) return false;
  if (isThrottlingCode(code)) return true;
  if (code === 'ServiceUnavailable' || code === 'InternalError' || code === 'Degrade.Api') return true;
  return httpStatus >= 500;
}

/** Throttling codes (`Throttling`, `Throttling.User`, `Throttling.Api`, `Rejected.Throttling`…). */
export function isThrottlingCode(code: string): boolean {
  return code.includes('Throttling') || code === 'Degrade.Api';
}

const HINTS: ReadonlyArray<readonly [RegExp, string]> = [
  [
    /^SignatureDoesNotMatch$/,
    'Check that the AccessKey secret belongs to the AccessKey ID and has no stray whitespace, and that the local clock is accurate.',
  ],
  [
    /^IncompleteSignature$/,
    'The request was not fully signed; check the AccessKey secret and that no proxy rewrites the request.',
  ],
  [
    /^InvalidTimeStamp\.Expired$/,
    'The local clock differs from the server by more than 15 minutes; synchronise it (NTP) and try again.',
  ],
  [/^InvalidTimeStamp/, 'The request timestamp was rejected; check the local clock and time zone.'],
  [/^SignatureNonceUsed$/, 'A signature nonce was reused; send the request again (each attempt gets a new nonce).'],
  [
    /^InvalidAccessKeyId/,
    'Check the AccessKey ID (option accessKeyId, ECI_SANDBOX_ACCESS_KEY_ID or ALIBABA_CLOUD_ACCESS_KEY_ID) and that the key is enabled.',
  ],
  [/^InvalidSecurityToken/, 'The STS security token is invalid or expired; obtain fresh STS credentials.'],
  [
    /^(Forbidden|NoPermission)/,
    'The RAM identity lacks permission for this action; grant it an ECI policy (for example AliyunECIFullAccess).',
  ],
  [/Throttling|^Degrade\.Api$/, 'ECI is rate-limiting this account; lower the request rate (see the rateLimits option).'],
  [/^IdempotentParameterMismatch$/, 'The clientToken was already used with different parameters; use a new clientToken.'],
  [
    /^IncorrectStatus/,
    'The container group is not in a status that allows this action; check it with describeContainerGroupStatus.',
  ],
  [/^Account\.Arrearage$/, 'The account has an overdue payment; settle it in the Alibaba Cloud console.'],
  [/^InvalidRegionId|^InvalidRegion/, 'Check the regionId option (for example cn-shanghai) and the endpoint.'],
  [/^(ServiceUnavailable|InternalError)$/, 'A transient ECI failure; retrying later usually helps.'],
];

/** A short instruction for fixing the error, when one is known for `code`. */
export function hintForCode(code: string): string | undefined {
  return HINTS.find(([pattern]) => pattern.test(code))?.[1];
}

/**
 * Builds an {@link EciApiError} from ECI's error body: the message names the action, the code, ECI's
 * message, a fix when known, the request ID and the diagnosis link, all redacted.
 */
export function createApiError(details: EciApiErrorDetails, options: EciErrorOptions = {}): EciApiError {
  const hint = hintForCode(details.code);
  const parts = [
    `${details.action ? `${details.action} failed: ` : ''}${details.code}${details.message ? `: ${details.message}` : ''}`,
    hint,
    `(HTTP ${details.httpStatus}${details.requestId ? `, RequestId ${details.requestId}` : ''})`,
    details.recommend ? `See ${details.recommend}` : undefined,
  ];
  return new EciApiError(parts.filter(Boolean).join(' '), details, options);
}
