/**
 * Parses `.env` text: `KEY=value` lines, an optional `export ` prefix, `#` comments (whole-line, or
 * after whitespace in an unquoted value), single quotes (literal), double quotes (with `\n`, `\t`,
 * `\"`, `\\` escapes, may span lines). Lines that are not assignments are ignored.
 */
export function parseDotenv(text: string): Record<string, string> {
  const output: Record<string, string> = {};
  const source = text.replace(/\r\n?/g, '\n');
  // Anchored at line starts (`m`), so lines that are not assignments are skipped by the search.
  const assignment = /^[ \t]*(?:export[ \t]+)?([A-Za-z_][A-Za-z0-9_.-]*)[ \t]*=[ \t]*/gm;
  let position = 0;
  while (position < source.length) {
    assignment.lastIndex = position;
    const match = assignment.exec(source);
    if (!match) break;
    const key = match[1] ?? '';
    let cursor = assignment.lastIndex;
    const quote = source[cursor];
    let value: string;
    if (quote === '"' || quote === "'") {
      const end = findClosingQuote(source, cursor + 1, quote);
      if (end === -1) {
        // Unterminated quote: take the rest of the line literally.
        const lineEnd = source.indexOf('\n', cursor);
        value = source.slice(cursor, lineEnd === -1 ? undefined : lineEnd).trim();
        cursor = lineEnd === -1 ? source.length : lineEnd;
      } else {
        const raw = source.slice(cursor + 1, end);
        value = quote === '"' ? unescapeDoubleQuoted(raw) : raw;
        cursor = end + 1;
      }
    } else {
      const lineEnd = source.indexOf('\n', cursor);
      const line = source.slice(cursor, lineEnd === -1 ? undefined : lineEnd);
      value = line.replace(/(^|[ \t])#.*$/, '').trim();
      cursor = lineEnd === -1 ? source.length : lineEnd;
    }
    output[key] = value;
    const nextLine = source.indexOf('\n', cursor);
    position = nextLine === -1 ? source.length : nextLine + 1;
  }
  return output;
}

function findClosingQuote(source: string, from: number, quote: string): number {
  for (let index = from; index < source.length; index += 1) {
    const character = source[index];
    if (character === '\\' && quote === '"') {
      index += 1;
      continue;
    }
    if (character === quote) return index;
  }
  return -1;
}

function unescapeDoubleQuoted(raw: string): string {
  return raw.replace(/\\([nrt"\\$])/g, (_match, character: string) => {
    switch (character) {
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case 't':
        return '\t';
      default:
        return character;
    }
  });
}
