/** A CSV reader for small input tables (RFC 4180): quoted cells, "" inside quotes, CRLF or LF, a leading BOM. */
import { UserError } from './errors.js';

/** One data row: its cells and the line it starts on (1-based, as an editor numbers it). */
export interface CsvRow {
  readonly line: number;
  readonly cells: readonly string[];
}

/**
 * Splits CSV text into rows of cells. A quoted cell may hold commas, quotes (doubled) and line breaks; an unquoted
 * cell is trimmed, a quoted one kept as written. Blank lines are skipped but still counted, so that a row's line is
 * where a person finds it. An unterminated quote is a UserError naming `file` and the line it opened on.
 */
export function readCsvRows(text: string, file: string): CsvRow[] {
  const rows: CsvRow[] = [];
  let cells: string[] = [];
  let cell = '';
  let quoted = false; // The current cell was quoted (then it is not trimmed).
  let line = 1;
  let rowLine = 1;
  let blank = true; // Nothing but spaces on this row so far.
  const s = text.replace(/^\uFEFF/, '');
  const endCell = (): void => {
    cells.push(quoted ? cell : cell.trim());
    cell = '';
    quoted = false;
  };
  const endRow = (): void => {
    endCell();
    if (!blank) rows.push({ line: rowLine, cells });
    cells = [];
    blank = true;
  };
  for (let i = 0; i < s.length; i++) {
    const c = s.charAt(i);
    if (c === '"' && cell.trim() === '' && !quoted) {
      const opened = line;
      quoted = true;
      blank = false;
      cell = '';
      for (i++; ; i++) {
        if (i >= s.length) throw new UserError(file, `line ${String(opened)}`, 'a quoted cell is not closed (expected a closing ")');
        const d = s.charAt(i);
        if (d === '"') {
          if (s[i + 1] !== '"') break;
          i++;
        }
        if (d === '\n') line++;
        cell += d;
      }
      continue;
    }
    if (c === ',') {
      endCell();
      blank = false;
    } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    } else {
      if (quoted && (c === ' ' || c === '\t')) continue;
      if (quoted) throw new UserError(file, `line ${String(line)}`, `text after a quoted cell (got ${JSON.stringify(c)}; expected a comma or the end of the line)`);
      if (c !== ' ' && c !== '\t') blank = false;
      cell += c;
    }
  }
  endRow();
  return rows;
}
