// Builders of small synthetic WFDB byte streams for the data-*.test.ts files.
import { mkdtemp, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURE_DIR = fileURLToPath(new URL('./fixtures/wfdb/', import.meta.url));

/** Copy record `name`'s .hea/.dat/.atr from `dir` into a fresh temporary directory and return it. */
export async function copyRecord(dir: string, name: string): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'hypertiny-wfdb-'));
  for (const ext of ['hea', 'dat', 'atr']) await copyFile(join(dir, `${name}.${ext}`), join(tmp, `${name}.${ext}`));
  return tmp;
}

/** Pack values (-2048..2047) in format 212. */
export function encode212(values: readonly number[]): Uint8Array {
  const out: number[] = [];
  for (let i = 0; i < values.length; i += 2) {
    const a = values[i]! & 0xfff;
    if (i + 1 < values.length) {
      const b = values[i + 1]! & 0xfff;
      out.push(a & 0xff, ((a >> 8) & 0x0f) | ((b >> 4) & 0xf0), b & 0xff);
    } else {
      out.push(a & 0xff, (a >> 8) & 0x0f);
    }
  }
  return Uint8Array.from(out);
}

/** Little-endian 16-bit words, e.g. an MIT annotation stream. */
export function words(...ws: number[]): number[] {
  return ws.flatMap((w) => [w & 0xff, (w >> 8) & 0xff]);
}

/** An MIT annotation word: 6-bit code, 10-bit value. */
export function annWord(code: number, value: number): number {
  return (code << 10) | (value & 0x3ff);
}
