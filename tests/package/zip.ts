import * as zlib from 'node:zlib';

/**
 * Reads a zip archive for the tests, from its central directory (as unzip tools do), checking
 * that each local header agrees with it and that each entry's CRC-32 and size are right.
 */
export function readZip(zip: Buffer): Map<string, Buffer> {
  const endAt = zip.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
  if (endAt < 0) throw new Error('no end of central directory record');
  const count = zip.readUInt16LE(endAt + 10);
  const dirSize = zip.readUInt32LE(endAt + 12);
  let at = zip.readUInt32LE(endAt + 16);
  if (at + dirSize !== endAt) throw new Error('central directory size and offset disagree');
  const entries = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    if (zip.readUInt32LE(at) !== 0x02014b50) throw new Error('bad central directory header');
    const method = zip.readUInt16LE(at + 10);
    const crc = zip.readUInt32LE(at + 16);
    const compressedSize = zip.readUInt32LE(at + 20);
    const size = zip.readUInt32LE(at + 24);
    const nameLength = zip.readUInt16LE(at + 28);
    const extraLength = zip.readUInt16LE(at + 30);
    const commentLength = zip.readUInt16LE(at + 32);
    const localAt = zip.readUInt32LE(at + 42);
    const name = zip.subarray(at + 46, at + 46 + nameLength).toString('utf8');
    at += 46 + nameLength + extraLength + commentLength;

    if (zip.readUInt32LE(localAt) !== 0x04034b50) throw new Error(`${name}: bad local header`);
    const localName = zip
      .subarray(localAt + 30, localAt + 30 + zip.readUInt16LE(localAt + 26))
      .toString('utf8');
    if (localName !== name) throw new Error(`${name}: local header names ${localName}`);
    if (zip.readUInt32LE(localAt + 14) !== crc) throw new Error(`${name}: CRCs disagree`);
    const dataAt = localAt + 30 + zip.readUInt16LE(localAt + 26) + zip.readUInt16LE(localAt + 28);
    const stored = zip.subarray(dataAt, dataAt + compressedSize);
    const data =
      method === 0
        ? Buffer.from(stored)
        : method === 8
          ? zlib.inflateRawSync(stored)
          : (() => {
              throw new Error(`${name}: unsupported method ${method}`);
            })();
    if (data.length !== size) throw new Error(`${name}: size ${data.length}, expected ${size}`);
    if (zlib.crc32(data) !== crc) throw new Error(`${name}: CRC mismatch`);
    entries.set(name, data);
  }
  return entries;
}
