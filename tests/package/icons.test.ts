import * as fs from 'node:fs';
import * as path from 'node:path';
import { drawColourIcon, drawOutlineIcon, encodePng, NHS_BLUE } from '../../scripts/make-icons';
import { decodePng, type DecodedPng } from './png';
import { ROOT } from './samples';

const read = (name: string): DecodedPng =>
  decodePng(fs.readFileSync(path.join(ROOT, 'appPackage', name)));

function pixel(img: DecodedPng, x: number, y: number): [number, number, number, number] {
  const o = (y * img.width + x) * 4;
  return [img.rgba[o], img.rgba[o + 1], img.rgba[o + 2], img.rgba[o + 3]];
}

function pixels(img: DecodedPng): [number, number, number, number][] {
  const out: [number, number, number, number][] = [];
  for (let y = 0; y < img.height; y++)
    for (let x = 0; x < img.width; x++) out.push(pixel(img, x, y));
  return out;
}

describe('app icons', () => {
  it('color.png is 192x192, opaque, on NHS blue with a white shield in the middle', () => {
    const img = read('color.png');
    expect([img.width, img.height]).toEqual([192, 192]);
    const all = pixels(img);
    expect(all.every((p) => p[3] === 255)).toBe(true);
    const blue = [...NHS_BLUE];
    for (const [x, y] of [
      [0, 0],
      [191, 0],
      [0, 191],
      [191, 191],
      [96, 8],
    ]) {
      expect(pixel(img, x, y)).toEqual(blue);
    }
    // Inside the shield, above the pulse line: white.
    expect(pixel(img, 96, 60)).toEqual([255, 255, 255, 255]);
    const white = all.filter((p) => p[0] === 255 && p[1] === 255 && p[2] === 255).length;
    const nhsBlue = all.filter((p) => p.every((c, i) => c === blue[i])).length;
    expect(white / all.length).toBeGreaterThan(0.15);
    expect(nhsBlue / all.length).toBeGreaterThan(0.5);
  });

  it('outline.png is 32x32, white on transparent', () => {
    const img = read('outline.png');
    expect([img.width, img.height]).toEqual([32, 32]);
    expect(img.colourType).toBe(6);
    const all = pixels(img);
    // Every pixel is either fully transparent or white (antialiased edges vary only in alpha).
    const offending = all.filter(
      ([r, g, b, a]) => a !== 0 && (r !== 255 || g !== 255 || b !== 255),
    );
    expect(offending).toEqual([]);
    const transparent = all.filter((p) => p[3] === 0).length;
    const solid = all.filter((p) => p[3] === 255).length;
    expect(transparent / all.length).toBeGreaterThan(0.5);
    expect(solid).toBeGreaterThan(60);
    for (const [x, y] of [
      [0, 0],
      [31, 0],
      [0, 31],
      [31, 31],
    ]) {
      expect(pixel(img, x, y)[3]).toBe(0);
    }
  });

  it('the committed PNGs are exactly what scripts/make-icons.ts draws', () => {
    expect(
      encodePng(drawColourIcon()).equals(
        fs.readFileSync(path.join(ROOT, 'appPackage', 'color.png')),
      ),
    ).toBe(true);
    expect(
      encodePng(drawOutlineIcon()).equals(
        fs.readFileSync(path.join(ROOT, 'appPackage', 'outline.png')),
      ),
    ).toBe(true);
  });

  it('encodePng round-trips through an independent decoder', () => {
    const rgba = new Uint8Array(3 * 2 * 4).map((_, i) => (i * 37) % 256);
    const decoded = decodePng(encodePng({ width: 3, height: 2, rgba }));
    expect(decoded).toMatchObject({ width: 3, height: 2 });
    expect(Buffer.from(decoded.rgba).equals(Buffer.from(rgba))).toBe(true);
    expect(() => encodePng({ width: 2, height: 2, rgba: new Uint8Array(3) })).toThrow(
      'pixel data does not match the size',
    );
  });
});
