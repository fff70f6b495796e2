/**
 * Draws the CTAC app icons and writes them to appPackage/ as PNG files:
 *   - color.png   192x192, a white shield with an NHS blue pulse line on NHS blue (#005EB8);
 *   - outline.png  32x32, the same shield and pulse line in white on a transparent background,
 *                  as Teams requires for the outline icon.
 *
 * Uses nothing but Node: the shapes are rasterised here with 4x4 supersampling and the PNG is
 * written with zlib. Run after changing the design:
 *   npm run build && node dist/scripts/make-icons.js
 * tests/package/icons.test.ts checks that the committed PNGs are exactly what this script draws.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';

export interface Image {
  width: number;
  height: number;
  /** Row-major RGBA, 4 bytes a pixel. */
  rgba: Uint8Array;
}

type Point = readonly [number, number];
type Rgba = readonly [number, number, number, number];

export const NHS_BLUE: Rgba = [0x00, 0x5e, 0xb8, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const CLEAR: Rgba = [0, 0, 0, 0];

// ---------------------------------------------------------------------------------------------
// Geometry, in shield units: u runs -1 (left edge) to 1 (right edge), v runs 0 (top) to 1 (tip).

function quadratic(p0: Point, p1: Point, p2: Point, steps: number): Point[] {
  const out: Point[] = [];
  for (let i = 1; i <= steps; i++) {
    const t = i / steps;
    const a = (1 - t) * (1 - t);
    const b = 2 * (1 - t) * t;
    const c = t * t;
    out.push([a * p0[0] + b * p1[0] + c * p2[0], a * p0[1] + b * p1[1] + c * p2[1]]);
  }
  return out;
}

/** The shield's outline: a top edge rising to the centre, straight sides, curves to a tip. */
function shieldOutline(): Point[] {
  const pts: Point[] = [];
  for (let i = 0; i <= 24; i++) {
    const u = -1 + (2 * i) / 24;
    pts.push([u, 0.12 * u * u]);
  }
  pts.push([1, 0.45]);
  pts.push(...quadratic([1, 0.45], [1, 0.8], [0, 1], 24));
  pts.push(...quadratic([0, 1], [-1, 0.8], [-1, 0.45], 24));
  return pts;
}

/** A heartbeat trace across the shield: flat, a spike up, a deep spike down, a bump, flat. */
function pulseLine(halfWidth: number): Point[] {
  return [
    [-halfWidth, 0.47],
    [-0.32, 0.47],
    [-0.18, 0.24],
    [0.02, 0.74],
    [0.2, 0.36],
    [0.32, 0.47],
    [halfWidth, 0.47],
  ];
}

interface Placement {
  /** Pixel position of the shield's top centre (u = 0, v = 0). */
  cx: number;
  top: number;
  /** Pixels per shield unit horizontally (half the shield's width) and the shield's height. */
  halfWidth: number;
  height: number;
}

function place(points: Point[], p: Placement): Point[] {
  return points.map(([u, v]) => [p.cx + u * p.halfWidth, p.top + v * p.height] as const);
}

/**
 * Even-odd point-in-polygon test, with each row's edge crossings computed once: the renderer asks
 * about SAMPLES points a pixel on only height x SAMPLES distinct rows.
 */
function polygonTest(poly: Point[]): (x: number, y: number) => boolean {
  const rows = new Map<number, number[]>();
  return (x, y) => {
    let crossings = rows.get(y);
    if (!crossings) {
      crossings = [];
      for (let i = 0, j = poly.length - 1; i < poly.length; j = i++) {
        const [xi, yi] = poly[i];
        const [xj, yj] = poly[j];
        if (yi > y !== yj > y) crossings.push(((xj - xi) * (y - yi)) / (yj - yi) + xi);
      }
      rows.set(y, crossings);
    }
    let inside = false;
    for (const cx of crossings) if (x < cx) inside = !inside;
    return inside;
  };
}

function distanceToSegment(x: number, y: number, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - a[0]) * dx + (y - a[1]) * dy) / len2));
  const ex = x - (a[0] + t * dx);
  const ey = y - (a[1] + t * dy);
  return Math.sqrt(ex * ex + ey * ey);
}

function distanceToPath(x: number, y: number, path: Point[], closed: boolean): number {
  let best = Infinity;
  const last = closed ? path.length : path.length - 1;
  for (let i = 0; i < last; i++) {
    best = Math.min(best, distanceToSegment(x, y, path[i], path[(i + 1) % path.length]));
  }
  return best;
}

// ---------------------------------------------------------------------------------------------
// Rasterising

const SAMPLES = 4;

/** Renders by averaging `paint` over SAMPLES x SAMPLES points in each pixel (premultiplied). */
function render(width: number, height: number, paint: (x: number, y: number) => Rgba): Image {
  const rgba = new Uint8Array(width * height * 4);
  const n = SAMPLES * SAMPLES;
  for (let py = 0; py < height; py++) {
    for (let px = 0; px < width; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < SAMPLES; sy++) {
        for (let sx = 0; sx < SAMPLES; sx++) {
          const c = paint(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
          r += c[0] * c[3];
          g += c[1] * c[3];
          b += c[2] * c[3];
          a += c[3];
        }
      }
      const o = (py * width + px) * 4;
      if (a > 0) {
        rgba[o] = Math.round(r / a);
        rgba[o + 1] = Math.round(g / a);
        rgba[o + 2] = Math.round(b / a);
      }
      rgba[o + 3] = Math.round(a / n);
    }
  }
  return { width, height, rgba };
}

/** 192x192: NHS blue square, white shield, NHS blue pulse line across the shield. */
export function drawColourIcon(): Image {
  const p: Placement = { cx: 96, top: 38, halfWidth: 50, height: 118 };
  const insideShield = polygonTest(place(shieldOutline(), p));
  const pulse = place(pulseLine(0.78), p);
  const halfStroke = 4.5;
  return render(192, 192, (x, y) => {
    if (!insideShield(x, y)) return NHS_BLUE;
    return distanceToPath(x, y, pulse, false) <= halfStroke ? NHS_BLUE : WHITE;
  });
}

/** 32x32: a white shield outline and pulse line on a transparent background. */
export function drawOutlineIcon(): Image {
  const p: Placement = { cx: 16, top: 2, halfWidth: 12.5, height: 28 };
  const shield = place(shieldOutline(), p);
  const insideShield = polygonTest(shield);
  const pulse = place(pulseLine(0.62), p);
  const border = 2.2;
  const halfStroke = 1.1;
  return render(32, 32, (x, y) => {
    if (!insideShield(x, y)) return CLEAR;
    if (distanceToPath(x, y, shield, true) <= border) return WHITE;
    return distanceToPath(x, y, pulse, false) <= halfStroke ? WHITE : CLEAR;
  });
}

// ---------------------------------------------------------------------------------------------
// PNG

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(data: Uint8Array): number {
  let c = 0xffffffff;
  for (const byte of data) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** Encodes 8-bit RGBA as a PNG (colour type 6, no interlace, filter 0 on every row). */
export function encodePng(image: Image): Buffer {
  const { width, height, rgba } = image;
  if (rgba.length !== width * height * 4) throw new Error('pixel data does not match the size');
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type: RGBA
  header[10] = 0; // compression
  header[11] = 0; // filter method
  header[12] = 0; // no interlace
  const stride = width * 4;
  const raw = Buffer.alloc((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (stride + 1)] = 0;
    Buffer.from(rgba.buffer, rgba.byteOffset + y * stride, stride).copy(raw, y * (stride + 1) + 1);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Writes color.png and outline.png into the given folder; returns their paths. */
export function writeIcons(dir: string): string[] {
  const files: [string, Image][] = [
    ['color.png', drawColourIcon()],
    ['outline.png', drawOutlineIcon()],
  ];
  return files.map(([name, image]) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, encodePng(image));
    return file;
  });
}

if (require.main === module) {
  let root = __dirname;
  while (!fs.existsSync(path.join(root, 'package.json'))) {
    const up = path.dirname(root);
    if (up === root) throw new Error('cannot find the project root (no package.json above)');
    root = up;
  }
  for (const file of writeIcons(path.join(root, 'appPackage'))) {
    console.log(`wrote ${path.relative(root, file)}`);
  }
}
