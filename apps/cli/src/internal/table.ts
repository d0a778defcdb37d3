import { stripAnsi } from './style.js';

export interface TableColumn<Row> {
  header: string;
  value: (row: Row) => string;
}

/**
 * Formats rows as a plain-text table: a header line and one line per row, columns separated by
 * two spaces. Widths are measured without colour codes so coloured cells still line up.
 */
export function formatTable<Row>(
  rows: readonly Row[],
  columns: readonly TableColumn<Row>[],
  headerStyle: (text: string) => string = (text) => text,
): string {
  const cells = rows.map((row) => columns.map((column) => column.value(row)));
  const widths = columns.map((column, index) =>
    Math.max(column.header.length, ...cells.map((line) => stripAnsi(line[index] ?? '').length)),
  );
  const render = (line: string[]): string =>
    line
      .map((cell, index) => (index === line.length - 1 ? cell : cell + ' '.repeat((widths[index] ?? 0) - stripAnsi(cell).length)))
      .join('  ')
      .trimEnd();
  const header = headerStyle(render(columns.map((column) => column.header)));
  return [header, ...cells.map(render)].join('\n');
}
