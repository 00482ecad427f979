// Draws the add-in icons (a blue rounded square with a white check mark) as PNG files, so the
// manifest's icon URLs point at files the build produces without binary files in git.
import { deflateSync } from "node:zlib";

const crcTable = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = crcTable[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function pngChunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, "ascii"), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

function distanceToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy));
}

export function iconPng(size) {
  const raw = Buffer.alloc((size * 4 + 1) * size);
  const radius = size * 0.2;
  const stroke = Math.max(1.2, size * 0.09);
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const cx = x + 0.5;
      const cy = y + 0.5;
      // Rounded-square mask with a one-pixel soft edge.
      const qx = Math.max(radius - cx, 0, cx - (size - radius));
      const qy = Math.max(radius - cy, 0, cy - (size - radius));
      const outside = Math.hypot(qx, qy) - radius;
      const alpha = Math.max(0, Math.min(1, 0.5 - outside));
      const d = Math.min(
        distanceToSegment(cx, cy, size * 0.27, size * 0.53, size * 0.43, size * 0.69),
        distanceToSegment(cx, cy, size * 0.43, size * 0.69, size * 0.74, size * 0.33),
      );
      const ink = Math.max(0, Math.min(1, stroke - d + 0.5));
      const o = y * (size * 4 + 1) + 1 + x * 4;
      raw[o] = Math.round(15 + (255 - 15) * ink);
      raw[o + 1] = Math.round(108 + (255 - 108) * ink);
      raw[o + 2] = Math.round(189 + (255 - 189) * ink);
      raw[o + 3] = Math.round(255 * alpha);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8;
  header[9] = 6;
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk("IHDR", header),
    pngChunk("IDAT", deflateSync(raw)),
    pngChunk("IEND", Buffer.alloc(0)),
  ]);
}

export const ICON_SIZES = [16, 32, 64, 80, 128];
