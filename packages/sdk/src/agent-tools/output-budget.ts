/** Default size of what a tool hands back to the model: 16 KiB, about 4000 tokens. */
export const DEFAULT_OUTPUT_BUDGET_BYTES = 16 * 1024;

/** Share of the budget given to the head of a long output; the tail gets the rest. */
const HEAD_SHARE = 0.4;

/** How far back a cut may move to land on a line boundary instead of mid-line. */
const LINE_SNAP_BYTES = 256;

/** Where a cut output came from, so the notice can tell the model how to page through it. */
export interface TruncationSource {
  /** Path of the full text inside the sandbox, when it was saved there. */
  fullOutputPath?: string;
  /** Byte offset of the text's first byte in that file (for outputs read from an offset). */
  startOffset?: number;
}

/** A text cut to a budget. */
export interface BudgetedOutput {
  /** What to give the model: the whole text, or head + notice + tail. */
  text: string;
  /** Whether anything was left out. */
  truncated: boolean;
  /** Size of the whole text in UTF-8 bytes. */
  totalBytes: number;
  /** Bytes kept from the start. */
  headBytes: number;
  /** Byte offset (in the whole text) where the kept tail starts; equals `totalBytes` when nothing was cut. */
  tailStart: number;
}

/**
 * Cuts `text` to at most about `budgetBytes` UTF-8 bytes, keeping its head and tail and putting a
 * notice in between that says what was left out (byte offsets) and where the full text is.
 * Cuts land on UTF-8 character boundaries, and on line boundaries when one is near.
 */
export function budgetOutput(text: string, budgetBytes: number, source: TruncationSource = {}): BudgetedOutput {
  const bytes = Buffer.from(text, 'utf8');
  const totalBytes = bytes.length;
  if (totalBytes <= budgetBytes) {
    return { text, truncated: false, totalBytes, headBytes: totalBytes, tailStart: totalBytes };
  }
  const headLimit = Math.floor(budgetBytes * HEAD_SHARE);
  const tailLimit = budgetBytes - headLimit;
  const headBytes = snapHeadEnd(bytes, headLimit);
  const tailStart = snapTailStart(bytes, totalBytes - tailLimit);
  const notice = formatTruncationNotice({
    totalBytes,
    headBytes,
    tailStart,
    ...source,
  });
  return {
    text: bytes.subarray(0, headBytes).toString('utf8') + notice + bytes.subarray(tailStart).toString('utf8'),
    truncated: true,
    totalBytes,
    headBytes,
    tailStart,
  };
}

/** What a truncation notice needs to say. */
export interface TruncationNoticeOptions extends TruncationSource {
  totalBytes: number;
  headBytes: number;
  tailStart: number;
}

/**
 * The line placed between head and tail of a cut output. Offsets are absolute in the saved file
 * when `startOffset` is given.
 */
export function formatTruncationNotice(options: TruncationNoticeOptions): string {
  const base = options.startOffset ?? 0;
  const omitted = options.tailStart - options.headBytes;
  const lines = [
    '',
    `[… ${omitted} bytes omitted: showing bytes ${base}-${base + options.headBytes} and ${base + options.tailStart}-${base + options.totalBytes} of ${base + options.totalBytes} …]`,
  ];
  if (options.fullOutputPath !== undefined) {
    lines.push(
      `[full output saved in the sandbox at ${options.fullOutputPath}: page through it with read_file (offset/limit in lines) or bash, e.g. \`tail -c +${base + options.headBytes + 1} ${options.fullOutputPath} | head -c 8000\`]`,
    );
  }
  lines.push('');
  return lines.join('\n');
}

function isContinuationByte(byte: number | undefined): boolean {
  return byte !== undefined && (byte & 0xc0) === 0x80;
}

/** End of the head: at most `limit`, after a newline when one is near, never inside a character. */
function snapHeadEnd(bytes: Buffer, limit: number): number {
  const newline = bytes.lastIndexOf(0x0a, limit - 1);
  if (newline >= 0 && limit - (newline + 1) <= LINE_SNAP_BYTES) return newline + 1;
  let end = limit;
  while (end > 0 && isContinuationByte(bytes[end])) end -= 1;
  return end;
}

/** Start of the tail: at least `limit`, just after a newline when one is near, never inside a character. */
function snapTailStart(bytes: Buffer, limit: number): number {
  const newline = bytes.indexOf(0x0a, limit);
  if (newline >= 0 && newline + 1 - limit <= LINE_SNAP_BYTES && newline + 1 < bytes.length) return newline + 1;
  let start = limit;
  while (start < bytes.length && isContinuationByte(bytes[start])) start += 1;
  return start;
}
