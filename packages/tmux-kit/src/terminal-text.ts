// Escape sequences a terminal program may print, per ECMA-48 and xterm's conventions:
// CSI (ESC [ params intermediates final), OSC (ESC ] ... BEL or ST), DCS/SOS/PM/APC (ESC P|X|^|_ ... ST),
// and the short ESC forms (charset designations such as ESC ( B, keypad modes, ESC 7/8, ...).
const ESCAPE_SEQUENCE =
  /\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[PX^_][^\x1b]*\x1b\\|[ -/]*[0-~])|[\u0080-\u009f]/g;
// Also catches an ESC whose sequence never ended (the output stopped mid-sequence).
const OTHER_CONTROLS = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g;

/**
 * Turns what a terminal program printed into plain text: removes ANSI/VT escape sequences
 * (colours, cursor moves, titles, hyperlinks), turns `\r\n` into `\n`, applies carriage-return
 * overwrites within a line the way a terminal shows them (`"50%\r100%"` → `"100%"`), applies
 * backspaces, and drops other control characters (tabs and newlines stay).
 */
export function stripTerminalEscapes(text: string): string {
  let result = text.replace(ESCAPE_SEQUENCE, '');
  result = result.replace(/\r+\n/g, '\n');
  if (result.includes('\r')) {
    result = result
      .split('\n')
      .map((line) => (line.includes('\r') ? overwriteLine(line) : line))
      .join('\n');
  }
  if (result.includes('\b')) result = applyBackspaces(result);
  return result.replace(OTHER_CONTROLS, '');
}

/** `"abcdef\rXY"` shows as `"XYcdef"`: each segment after a carriage return overwrites from column 0. */
function overwriteLine(line: string): string {
  let shown = '';
  for (const segment of line.split('\r')) {
    const chars = Array.from(segment);
    const previous = Array.from(shown);
    shown = chars.join('') + previous.slice(chars.length).join('');
  }
  return shown;
}

function applyBackspaces(text: string): string {
  const out: string[] = [];
  for (const char of text) {
    if (char === '\b') {
      if (out.length > 0 && out[out.length - 1] !== '\n') out.pop();
    } else {
      out.push(char);
    }
  }
  return out.join('');
}
