/** A strict RFC 4180 reader, so tests can compare what a spreadsheet would see, cell by cell. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let i = 0;
  while (i < text.length) {
    let cell = '';
    if (text[i] === '"') {
      i += 1;
      for (;;) {
        const quote = text.indexOf('"', i);
        if (quote === -1) throw new Error('unclosed quote');
        cell += text.slice(i, quote);
        i = quote + 1;
        if (text[i] !== '"') break;
        cell += '"';
        i += 1;
      }
    } else {
      const end = text.slice(i).search(/[,\r"]/);
      const stop = end === -1 ? text.length : i + end;
      if (text[stop] === '"') throw new Error('quote inside an unquoted cell');
      cell = text.slice(i, stop);
      i = stop;
    }
    row.push(cell);
    if (text[i] === ',') {
      i += 1;
    } else if (text.startsWith('\r\n', i)) {
      rows.push(row);
      row = [];
      i += 2;
    } else {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i}`);
    }
  }
  if (row.length > 0) throw new Error('last row has no CR LF');
  return rows;
}
