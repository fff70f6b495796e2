import type { FiguresView } from '../../contract/figures';
import { boardPackSections, type BoardPackCell, type BoardPackTable } from './sections';

export const PDF_MEDIA_TYPE = 'application/pdf';

const MARGIN = 40;
const BODY = 10;
const CELL = 8.5;
const PAD = 3;

type Doc = PDFKit.PDFDocument;

/**
 * The board pack as one PDF a board member reads without Teams: A4 landscape, a title page with the
 * contents, then each section with what its figures mean and its tables. pdfkit is loaded when a pack is
 * made, not when the app starts (memory at idle, issue 18). Only its built-in Helvetica is used, so nothing
 * is read from outside the package.
 */
export async function boardPackPdf(view: FiguresView): Promise<Buffer> {
  const { default: PDFDocument } = await import('pdfkit');
  const title = `CTAC board pack, ${view.quarter.label}`;
  const doc: Doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: MARGIN,
    bufferPages: true,
    info: { Title: title, Author: 'CTAC', Subject: 'ICS cyber assurance figures' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const sections = boardPackSections(view);
  doc.font('Helvetica-Bold').fontSize(26).text(title, { align: 'left' });
  doc.moveDown(0.5);
  doc
    .font('Helvetica')
    .fontSize(13)
    .text(
      `${view.quarter.firstDayUk} to ${view.quarter.lastDayUk} (NHS financial year ${view.quarter.label.split(' ')[1]})`,
    );
  doc.text(`Made on ${view.madeAtUk} (UK time) from the CTAC app's records.`);
  doc.moveDown(1.5);
  doc.font('Helvetica-Bold').fontSize(14).text('Contents');
  doc.font('Helvetica').fontSize(BODY + 2);
  sections.forEach((s, i) => doc.text(`${i + 1}. ${s.title}`));
  doc.moveDown(1);
  doc
    .fontSize(BODY)
    .text(
      'Times are UK times. The same figures are in the Excel workbook of this board pack, one sheet per table.',
    );

  sections.forEach((section, i) => {
    doc.addPage();
    doc
      .font('Helvetica-Bold')
      .fontSize(18)
      .text(`${i + 1}. ${section.title}`);
    doc.moveDown(0.4);
    doc.font('Helvetica').fontSize(BODY);
    for (const note of section.notes) doc.text(note).moveDown(0.3);
    for (const table of section.tables) drawTable(doc, table);
  });

  const pages = doc.bufferedPageRange();
  for (let p = pages.start; p < pages.start + pages.count; p++) {
    doc.switchToPage(p);
    doc
      .font('Helvetica')
      .fontSize(8)
      .text(`${title}: page ${p + 1} of ${pages.count}`, MARGIN, doc.page.height - MARGIN + 10, {
        lineBreak: false,
      });
  }
  doc.end();
  return done;
}

const text = (cell: BoardPackCell): string =>
  typeof cell === 'number' ? cell.toLocaleString('en-GB') : cell;

/** A table with a bold header row, repeated on each page it runs onto. */
function drawTable(doc: Doc, table: BoardPackTable): void {
  doc.moveDown(0.6);
  ensureRoom(doc, 60);
  doc
    .font('Helvetica-Bold')
    .fontSize(BODY + 1)
    .text(table.caption, MARGIN);
  doc.moveDown(0.3);
  if (!table.rows.length) {
    doc.font('Helvetica').fontSize(BODY).text(table.empty, MARGIN);
    return;
  }
  const widths = columnWidths(doc, table);
  const row = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(CELL);
    const height =
      Math.max(...cells.map((c, i) => doc.heightOfString(c, { width: widths[i]! - 2 * PAD }))) +
      2 * PAD;
    if (ensureRoom(doc, height) && !bold) row(table.header, true);
    const top = doc.y;
    let x = MARGIN;
    cells.forEach((c, i) => {
      doc.text(c, x + PAD, top + PAD, { width: widths[i]! - 2 * PAD });
      x += widths[i]!;
    });
    doc
      .moveTo(MARGIN, top + height)
      .lineTo(x, top + height)
      .lineWidth(0.5)
      .strokeColor('#999999')
      .stroke();
    doc.x = MARGIN;
    doc.y = top + height;
  };
  row(table.header, true);
  for (const cells of table.rows) row(cells.map(text), false);
  doc.x = MARGIN;
}

/** Starts a new page unless `height` fits; true when it did. */
function ensureRoom(doc: Doc, height: number): boolean {
  if (doc.y + height <= doc.page.height - MARGIN - 12) return false;
  doc.addPage();
  return true;
}

/** Widths in proportion to each column's longest word and text, within the page. */
function columnWidths(doc: Doc, table: BoardPackTable): number[] {
  const usable = doc.page.width - 2 * MARGIN;
  doc.fontSize(CELL);
  const wants = table.header.map((h, i) => {
    const texts = [h, ...table.rows.map((r) => text(r[i] ?? ''))];
    const longestWord = Math.max(
      ...texts.flatMap((t) => t.split(/\s+/).map((w) => doc.widthOfString(w))),
    );
    const longest = Math.min(Math.max(...texts.map((t) => doc.widthOfString(t))), usable / 2);
    return { min: longestWord + 2 * PAD + 2, want: longest + 2 * PAD + 2 };
  });
  const total = wants.reduce((a, w) => a + w.want, 0);
  if (total <= usable) return wants.map((w) => w.want);
  const minTotal = wants.reduce((a, w) => a + w.min, 0);
  if (minTotal >= usable) return wants.map((w) => (w.min * usable) / minTotal);
  // Shrink the columns that want more than their longest word, in proportion to how much more.
  const spare = Math.max(0, usable - minTotal);
  const extra = wants.reduce((a, w) => a + (w.want - w.min), 0) || 1;
  return wants.map((w) => w.min + ((w.want - w.min) * spare) / extra);
}
