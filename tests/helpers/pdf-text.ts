import { execFile } from 'child_process';
import { mkdtemp, rm, writeFile } from 'fs/promises';
import { tmpdir } from 'os';
import { join } from 'path';
import { promisify } from 'util';

// pdf-parse (pdf.js) starts its worker with a dynamic import, which Jest's module sandbox refuses without
// --experimental-vm-modules: the PDF is read in a plain Node process instead.
const READ = `
const { PDFParse } = require('pdf-parse');
const { readFileSync } = require('fs');
(async () => {
  const parser = new PDFParse({ data: new Uint8Array(readFileSync(process.argv[1])) });
  const { text } = await parser.getText();
  await parser.destroy();
  process.stdout.write(text);
})().catch((e) => { console.error(e.message); process.exit(1); });
`;

/** The text of a PDF as pdf-parse reads it, page by page. */
export async function pdfText(pdf: Buffer): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ctac-pdf-'));
  try {
    const file = join(dir, 'read.pdf');
    await writeFile(file, pdf);
    const { stdout } = await promisify(execFile)(process.execPath, ['-e', READ, file], {
      cwd: process.cwd(),
      maxBuffer: 16 * 1024 * 1024,
    });
    return stdout;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
