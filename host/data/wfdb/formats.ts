import { WfdbUnsupportedError } from './errors.ts';

/**
 * Byte layouts of the WFDB storage formats this reader decodes. All work on a flat stream of interleaved values
 * (frame after frame, signal after signal within a frame), because format 212 packs value pairs regardless of
 * frame boundaries.
 */
interface FormatCodec {
  bytesFor(values: number): number;
  valuesIn(bytes: number): number;
  decode(bytes: Uint8Array, values: number): Int16Array;
}

const codecs: ReadonlyMap<number, FormatCodec> = new Map<number, FormatCodec>([
  [212, {
    // Two 12-bit two's-complement values in 3 bytes; an odd last value takes 2 bytes.
    bytesFor: (n) => Math.floor(n / 2) * 3 + (n % 2) * 2,
    valuesIn: (b) => Math.floor(b / 3) * 2 + (b % 3 === 2 ? 1 : 0),
    decode: decode212,
  }],
  [16, {
    bytesFor: (n) => n * 2,
    valuesIn: (b) => Math.floor(b / 2),
    decode: (bytes, n) => decode16(bytes, n, true),
  }],
  [61, {
    bytesFor: (n) => n * 2,
    valuesIn: (b) => Math.floor(b / 2),
    decode: (bytes, n) => decode16(bytes, n, false),
  }],
  [80, {
    bytesFor: (n) => n,
    valuesIn: (b) => b,
    decode: decode80,
  }],
]);

export const SUPPORTED_FORMATS: readonly number[] = [...codecs.keys()];

export function codecFor(format: number, where: string): FormatCodec {
  const codec = codecs.get(format);
  if (!codec) {
    throw new WfdbUnsupportedError(`${where}: storage format ${format} is unsupported (supported: ${SUPPORTED_FORMATS.join(', ')})`);
  }
  return codec;
}

function decode212(bytes: Uint8Array, n: number): Int16Array {
  const out = new Int16Array(n);
  const pairs = n >> 1;
  let b = 0;
  for (let i = 0; i < 2 * pairs; i += 2, b += 3) {
    const middle = bytes[b + 1]!;
    // Shift the 12-bit value to the top of 32 bits and back to sign-extend it.
    out[i] = ((bytes[b]! | ((middle & 0x0f) << 8)) << 20) >> 20;
    out[i + 1] = ((bytes[b + 2]! | ((middle & 0xf0) << 4)) << 20) >> 20;
  }
  if (n % 2 === 1) out[n - 1] = ((bytes[b]! | ((bytes[b + 1]! & 0x0f) << 8)) << 20) >> 20;
  return out;
}

function decode16(bytes: Uint8Array, n: number, littleEndian: boolean): Int16Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, n * 2);
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = view.getInt16(2 * i, littleEndian);
  return out;
}

/** Format 80 is offset binary: byte 128 is zero. */
function decode80(bytes: Uint8Array, n: number): Int16Array {
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) out[i] = bytes[i]! - 128;
  return out;
}
