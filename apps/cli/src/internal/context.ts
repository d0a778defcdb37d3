import { createSpinner, type Spinner } from './spinner.js';
import { createStyle, shouldUseColor, type Style } from './style.js';
import { redact } from './redact.js';

/** Options every command accepts (declared once on the program). */
export interface GlobalOptions {
  json?: boolean;
  debug?: boolean;
}

/** What a command needs to talk to the user: streams, colour, JSON mode, spinners. */
export interface CommandContext {
  readonly json: boolean;
  readonly debug: boolean;
  readonly stdout: NodeJS.WriteStream;
  readonly stderr: NodeJS.WriteStream;
  /** Colour for stdout (off unless stdout is a TTY). */
  readonly style: Style;
  /** Colour for stderr (off unless stderr is a TTY). */
  readonly errorStyle: Style;
  /** Writes a line of human output to stdout (nothing in JSON mode). Secrets are masked. */
  print(line?: string): void;
  /** Writes a note to stderr (nothing in JSON mode). Secrets are masked. */
  note(line: string): void;
  /** Writes `value` as JSON to stdout, one document per call. */
  printJson(value: unknown): void;
  /** A spinner on stderr, drawn only when stderr is a TTY and the output is not JSON. */
  spinner(text: string): Spinner;
  /** Runs `work` under a spinner that is removed however `work` ends. */
  withSpinner<T>(text: string, work: (spinner: Spinner) => Promise<T>): Promise<T>;
}

export function createContext(
  options: GlobalOptions,
  streams: { stdout?: NodeJS.WriteStream; stderr?: NodeJS.WriteStream } = {},
): CommandContext {
  const stdout = streams.stdout ?? process.stdout;
  const stderr = streams.stderr ?? process.stderr;
  const json = options.json === true;
  const spinnerEnabled = !json && stderr.isTTY === true;
  const context: CommandContext = {
    json,
    debug: options.debug === true,
    stdout,
    stderr,
    style: createStyle(shouldUseColor(stdout)),
    errorStyle: createStyle(shouldUseColor(stderr)),
    print(line = '') {
      if (!json) stdout.write(`${redact(line)}\n`);
    },
    note(line) {
      if (!json) stderr.write(`${redact(line)}\n`);
    },
    printJson(value) {
      stdout.write(`${redact(JSON.stringify(value, null, 2))}\n`);
    },
    spinner(text) {
      return createSpinner(stderr, text, spinnerEnabled);
    },
    async withSpinner(text, work) {
      const spinner = createSpinner(stderr, text, spinnerEnabled);
      try {
        return await work(spinner);
      } finally {
        spinner.stop();
      }
    },
  };
  return context;
}
