import type { FiguresView } from '../../contract/figures';
import { boardPackSections } from './sections';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * The board pack's figures as an Excel workbook: a Contents sheet, then one sheet per table, each with its
 * caption, a bold header row and the figures, numbers as numbers. Every text is written as a string
 * value, never a formula, so a risk titled `=HYPERLINK(...)` stays text. exceljs is loaded when a pack is
 * made, not when the app starts (memory at idle, issue 18).
 */
export async function boardPackXlsx(view: FiguresView): Promise<Buffer> {
  const { Workbook } = await import('exceljs');
  const workbook = new Workbook();
  workbook.creator = 'CTAC';
  workbook.title = `CTAC board pack, ${view.quarter.label}`;
  const sections = boardPackSections(view);

  const contents = workbook.addWorksheet('Contents');
  contents.addRow([`CTAC board pack, ${view.quarter.label}`]).font = { bold: true, size: 14 };
  contents.addRow([`${view.quarter.firstDayUk} to ${view.quarter.lastDayUk}`]);
  contents.addRow([`Made on ${view.madeAtUk} (UK time)`]);
  contents.addRow([]);
  contents.addRow(['Section', 'Sheet', 'What it shows']).font = { bold: true };
  for (const section of sections)
    for (const table of section.tables)
      contents.addRow([section.title, table.sheet, table.caption]);
  for (const section of sections) {
    contents.addRow([]);
    contents.addRow([section.title]).font = { bold: true };
    for (const note of section.notes) contents.addRow([note]);
  }
  contents.getColumn(1).width = 34;
  contents.getColumn(2).width = 26;
  contents.getColumn(3).width = 70;

  for (const section of sections)
    for (const table of section.tables) {
      const sheet = workbook.addWorksheet(table.sheet.slice(0, 31));
      sheet.addRow([table.caption]).font = { bold: true };
      sheet.addRow(table.header).font = { bold: true };
      if (!table.rows.length) sheet.addRow([table.empty]);
      for (const row of table.rows) sheet.addRow(row);
      sheet.views = [{ state: 'frozen', ySplit: 2 }];
      table.header.forEach((h, i) => {
        const longest = Math.max(h.length, ...table.rows.map((r) => String(r[i] ?? '').length));
        sheet.getColumn(i + 1).width = Math.min(60, Math.max(10, longest + 2));
      });
    }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
