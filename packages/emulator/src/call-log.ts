/** One API call the emulator served (or refused). */
export interface CallRecord {
  /** When the call arrived (ms since the epoch). */
  readonly time: number;
  /** The action name, or `''` when the request named none. */
  readonly action: string;
  /** Query and form parameters, without `Signature` and `SecurityToken`, `AccessKeyId` masked. */
  readonly params: Readonly<Record<string, string>>;
  /** `'OK'` or the error code returned (`'ConnectionReset'` when the connection was dropped). */
  readonly code: string;
  /** HTTP status sent; 0 when the connection was reset without a response. */
  readonly httpStatus: number;
  readonly requestId: string;
}

/**
 * A read-only view of the calls served, for tests and benchmarks that count API calls.
 * Iterable; `count(action)` counts one action; `list()` copies.
 */
export class CallLog implements Iterable<CallRecord> {
  private records: CallRecord[] = [];
  private streams = 0;

  /** @param maxRecords the most calls kept (the oldest go first), so a long-running server stays bounded. */
  constructor(private readonly maxRecords = 100_000) {}

  /** @internal */
  record(record: CallRecord): void {
    this.records.push(Object.freeze({ ...record, params: Object.freeze({ ...record.params }) }));
    if (this.records.length > this.maxRecords) this.records.splice(0, this.records.length - this.maxRecords);
  }

  /** @internal */
  recordStream(): void {
    this.streams += 1;
  }

  /** Calls so far (of one action, or all); `code` narrows to one result, e.g. `'OK'`. */
  count(action?: string, code?: string): number {
    return this.records.filter(
      (record) => (action === undefined || record.action === action) && (code === undefined || record.code === code),
    ).length;
  }

  /** Number of exec WebSocket streams opened. */
  get execStreams(): number {
    return this.streams;
  }

  get length(): number {
    return this.records.length;
  }

  list(): CallRecord[] {
    return [...this.records];
  }

  /** Forgets every recorded call and stream. */
  reset(): void {
    this.records = [];
    this.streams = 0;
  }

  [Symbol.iterator](): Iterator<CallRecord> {
    return this.records[Symbol.iterator]();
  }
}

const SECRET_PARAMS = new Set(['Signature', 'SecurityToken']);

/** Copies request parameters for the log: secrets dropped, the access key id masked. */
export function sanitizeParams(params: Record<string, string>): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(params)) {
    if (SECRET_PARAMS.has(name)) continue;
    result[name] = name === 'AccessKeyId' ? maskKey(value) : value;
  }
  return result;
}

export function maskKey(value: string): string {
  return value.length <= 8 ? '****' : `${value.slice(0, 4)}****${value.slice(-3)}`;
}
