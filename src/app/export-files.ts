import { stringify } from 'csv-stringify/sync';

/** One table of an export: a worksheet in Excel; a CSV file holds one. */
export interface ExportSheet {
  /** The worksheet's name (at most 31 characters, as Excel allows). */
  name: string;
  header: readonly string[];
  rows: readonly (readonly (string | number)[])[];
}

export const CSV_MEDIA_TYPE = 'text/csv; charset=utf-8';
export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * A sheet as CSV, by the registers' rules (src/app/register-csv.ts): RFC 4180 with CRLF, UTF-8 with a byte
 * order mark for Excel, fields holding a line break quoted, and a cell that starts like a formula (`=`, `+`,
 * `-`, `@`, tab, carriage return) given a leading apostrophe so Excel shows it as text (OWASP "CSV
 * Injection").
 */
export function sheetCsv(sheet: ExportSheet): Buffer {
  const text = stringify(sheet.rows as unknown[][], {
    bom: true,
    header: true,
    columns: sheet.header.map((name, i) => ({ key: String(i), header: name })),
    record_delimiter: 'windows',
    quote_record_delimiter: true,
    escape_formulas: true,
  });
  return Buffer.from(text, 'utf8');
}

/**
 * The sheets as one Excel workbook. Every text is written as a string cell, never a formula, so a title
 * such as `=HYPERLINK(...)` stays text. exceljs is loaded on the first export, not when the app starts
 * (memory at idle, issue 18).
 */
export async function sheetsXlsx(sheets: readonly ExportSheet[]): Promise<Buffer> {
  const { Workbook } = await import('exceljs');
  const workbook = new Workbook();
  workbook.creator = 'CTAC';
  for (const sheet of sheets) {
    const ws = workbook.addWorksheet(sheet.name.slice(0, 31), {
      views: [{ state: 'frozen', ySplit: 1 }],
    });
    ws.columns = sheet.header.map((header) => ({
      header,
      width: Math.min(60, Math.max(12, header.length + 2)),
    }));
    ws.getRow(1).font = { bold: true };
    for (const row of sheet.rows) ws.addRow([...row]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
