// Signer: pure functions, no clock, no I/O (also used by the emulator to verify requests).
export { percentEncode } from './percent-encode.js';
export { flattenParams } from './flatten-params.js';
export { rpcStringToSign, signRpcV1 } from './sign-rpc.js';
export type { SignRpcV1Options } from './sign-rpc.js';
export { ACS3_ALGORITHM, EMPTY_PAYLOAD_SHA256, signAcs3 } from './sign-acs3.js';
export type { SignAcs3Options, SignAcs3Result } from './sign-acs3.js';

// Client.
export { ECI_API_VERSION, EciClient } from './client.js';
export type {
  CallOptions,
  EciClientOptions,
  EciLogger,
  WaitForStatusOptions,
  WaitForStatusResult,
} from './client.js';
export { CREDENTIALS_REFRESH_MARGIN_MS } from './credentials.js';
export type { CredentialsProvider, EciCredentials } from './credentials.js';

// Actions: option and result types (zod-inferred) and the schemas behind them.
export { CONTAINER_GROUP_STATUSES, TERMINAL_STATUSES } from './actions/shared.js';
export type { ContainerGroupStatus } from './actions/shared.js';
export {
  containerGroupNameSchema,
  containerSpecSchema,
  createContainerGroupResultSchema,
  createContainerGroupSchema,
} from './actions/create-container-group.js';
export type {
  ContainerSpec,
  CreateContainerGroupOptions,
  CreateContainerGroupResult,
} from './actions/create-container-group.js';
export {
  containerGroupSchema,
  describeContainerGroupsResultSchema,
  describeContainerGroupsSchema,
} from './actions/describe-container-groups.js';
export type {
  ContainerGroup,
  ContainerGroupEvent,
  ContainerGroupFilters,
  ContainerInfo,
  DescribeContainerGroupsOptions,
  DescribeContainerGroupsResult,
} from './actions/describe-container-groups.js';
export {
  describeContainerGroupStatusResultSchema,
  describeContainerGroupStatusSchema,
} from './actions/describe-container-group-status.js';
export type {
  ContainerGroupStatusItem,
  DescribeContainerGroupStatusOptions,
  DescribeContainerGroupStatusResult,
} from './actions/describe-container-group-status.js';
export { deleteContainerGroupSchema, requestIdResultSchema } from './actions/delete-container-group.js';
export type { DeleteContainerGroupOptions, RequestIdResult } from './actions/delete-container-group.js';
export { restartContainerGroupSchema } from './actions/restart-container-group.js';
export type { RestartContainerGroupOptions } from './actions/restart-container-group.js';
export { execContainerCommandResultSchema, execContainerCommandSchema } from './actions/exec-container-command.js';
export type { ExecContainerCommandOptions, ExecContainerCommandResult } from './actions/exec-container-command.js';
export { describeContainerLogResultSchema, describeContainerLogSchema } from './actions/describe-container-log.js';
export type { DescribeContainerLogOptions, DescribeContainerLogResult } from './actions/describe-container-log.js';

// Errors.
export {
  createApiError,
  EciAbortError,
  EciApiError,
  EciConnectionError,
  EciError,
  EciNotFoundError,
  EciTimeoutError,
  EciValidationError,
  hintForCode,
  isRetryableApiError,
  isThrottlingCode,
} from './errors.js';
export type { EciApiErrorDetails, EciErrorOptions } from './errors.js';

// Retries and rate limits.
export {
  backoffDelayMs,
  DEFAULT_MAX_RETRIES,
  DEFAULT_RETRY_BASE_DELAY_MS,
  DEFAULT_RETRY_MAX_DELAY_MS,
  parseRetryAfter,
  retryPolicyFor,
  shouldRetry,
} from './retry.js';
export type { BackoffOptions, RetryPolicy } from './retry.js';
export { DEFAULT_RATE_LIMITS, DEFAULT_RATE_WINDOW_MS, RateLimitDeadlineError, RateLimiter } from './rate-limiter.js';
export type { AcquireOptions, RateLimit, RateLimiterOptions, RateLimitsOption } from './rate-limiter.js';

// Configuration and redaction.
export { DEFAULT_REGION_ID, DEFAULT_TIMEOUT_MS, findEnvFile, loadConfig } from './config.js';
export type { EciConfig, LoadConfigOptions } from './config.js';
export { redactSecrets } from './redact.js';
export { VERSION } from './version.js';
