import { readFile } from 'node:fs/promises';
import { WfdbError } from './errors.ts';
import { symbolOfCode } from './codes.ts';

export interface Annotation {
  /** Sample index (time in sample intervals from the start of the record). */
  sample: number;
  code: number;
  /** WFDB mnemonic, e.g. "N", "V", "+" ("[15]" for a code without one). */
  symbol: string;
  subtype: number;
  chan: number;
  num: number;
  /** Auxiliary text, e.g. "(AFIB" on rhythm annotations; "" when absent. */
  aux: string;
}

// Pseudo-annotation codes of the MIT annotation format; they modify the annotation before them (SKIP: the next one).
const SKIP = 59;
const NUM = 60;
const SUB = 61;
const CHN = 62;
const AUX = 63;

/** Read and decode an MIT-format annotation file such as 100.atr. */
export async function readAnnotations(path: string): Promise<Annotation[]> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (e) {
    throw new WfdbError(`cannot read annotation file ${path}: ${(e as Error).message}`);
  }
  return decodeAnnotations(bytes, path);
}

/** Decode MIT-format annotation bytes. `source` names the file in error messages. */
export function decodeAnnotations(bytes: Uint8Array, source = 'annotation file'): Annotation[] {
  return [...iterateAnnotations(bytes, source)];
}

/**
 * Yield annotations in file order. The stream is 16-bit little-endian words of a 6-bit code and a 10-bit value;
 * a regular word adds its value to the running time, pseudo-annotations after it fill in its fields. CHN and NUM
 * persist to later annotations (writers only emit them on change); SUB and AUX apply to one annotation only.
 */
export function* iterateAnnotations(bytes: Uint8Array, source = 'annotation file'): Generator<Annotation> {
  const reader = new WordReader(bytes, source);
  let time = 0;
  let chan = 0;
  let num = 0;
  let pending: Annotation | undefined;
  for (;;) {
    const word = reader.word('annotation word or end-of-file marker');
    const code = word >> 10;
    const value = word & 0x3ff;
    if (word === 0) break;
    switch (code) {
      case SKIP:
        time += reader.int32('SKIP interval');
        break;
      case NUM:
        num = signed10(value);
        if (pending) pending.num = num;
        break;
      case SUB:
        if (pending) pending.subtype = signed10(value);
        break;
      case CHN:
        chan = value;
        if (pending) pending.chan = chan;
        break;
      case AUX: {
        const length = word & 0xff;
        const text = reader.bytes(length + (length & 1), `${length} bytes of AUX text`).subarray(0, length);
        if (pending) pending.aux = latin1(text).replace(/\0+$/, '');
        break;
      }
      default:
        if (pending) yield pending;
        time += value;
        pending = { sample: time, code, symbol: symbolOfCode(code), subtype: 0, chan, num, aux: '' };
        if (time < 0) reader.malformed(`annotation at negative sample ${time}`);
    }
  }
  if (pending) yield pending;
}

/** Signed fields are stored as 10-bit two's complement. */
function signed10(value: number): number {
  return (value << 22) >> 22;
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

class WordReader {
  private offset = 0;
  constructor(private readonly data: Uint8Array, private readonly source: string) {
    if (data.length % 2 !== 0) this.malformed(`odd length ${data.length} (the format is made of 16-bit words)`);
  }

  word(what: string): number {
    this.require(2, what);
    const w = this.data[this.offset]! | (this.data[this.offset + 1]! << 8);
    this.offset += 2;
    return w;
  }

  /** A 32-bit value stored as two little-endian 16-bit words, high word first (WFDB's g32). */
  int32(what: string): number {
    this.require(4, what);
    const high = this.word(what);
    const low = this.word(what);
    return ((high << 16) | low) | 0;
  }

  bytes(n: number, what: string): Uint8Array {
    this.require(n, what);
    const out = this.data.subarray(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  malformed(what: string): never {
    throw new WfdbError(`${this.source}: malformed annotation file: ${what}`);
  }

  private require(n: number, what: string): void {
    if (this.offset + n > this.data.length) {
      throw new WfdbError(
        `${this.source} is truncated: expected ${what} at byte ${this.offset}, but the file ends at byte ${this.data.length}` +
          ' (no end-of-file marker 0x0000)',
      );
    }
  }
}
