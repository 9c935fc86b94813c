import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { WfdbError, WfdbUnsupportedError } from './errors.ts';
import { codecFor } from './formats.ts';
import type { SignalSpec, WfdbHeader } from './header.ts';

/**
 * Read every signal of a record from the signal files in `dir`, in header order, as digital values (ADC units).
 * Verifies each channel's first sample and 16-bit checksum against the header when the header gives them.
 */
export async function readSignals(dir: string, header: WfdbHeader): Promise<Int16Array[]> {
  const signals: Int16Array[] = new Array(header.signals.length);
  for (const group of groupByFile(header)) {
    const path = join(dir, group.fileName);
    let bytes: Uint8Array;
    try {
      bytes = await readFile(path);
    } catch (e) {
      throw new WfdbError(`record ${header.recordName}: cannot read signal file ${path}: ${(e as Error).message}`);
    }
    const channels = decodeSignalFile(bytes, group.specs, header.numSamples, `record ${header.recordName}, ${group.fileName}`);
    group.indices.forEach((signalIndex, k) => {
      verifyChannel(channels[k]!, header.signals[signalIndex]!, `record ${header.recordName}, channel ${signalIndex}`);
      signals[signalIndex] = channels[k]!;
    });
  }
  const lengths = new Set(signals.map((s) => s.length));
  if (lengths.size > 1) {
    throw new WfdbError(`record ${header.recordName}: signal files hold different numbers of samples (${[...lengths].join(', ')})`);
  }
  return signals;
}

/**
 * Decode one signal file holding `specs.length` interleaved signals. With `numSamples` undefined the file length
 * decides; otherwise a file too short for it is an error. `where` names the file in error messages.
 */
export function decodeSignalFile(
  bytes: Uint8Array,
  specs: readonly SignalSpec[],
  numSamples: number | undefined,
  where: string,
): Int16Array[] {
  const { format, byteOffset } = specs[0]!;
  for (const spec of specs) {
    if (spec.format !== format) throw new WfdbError(`${where}: signals in one file must share a format (${format} vs ${spec.format})`);
    if (spec.samplesPerFrame !== 1) throw new WfdbUnsupportedError(`${where}: ${spec.samplesPerFrame} samples per frame are unsupported (multi-frequency record)`);
    if (spec.skew !== 0) throw new WfdbUnsupportedError(`${where}: skewed signals are unsupported`);
  }
  const codec = codecFor(format, where);
  const width = specs.length;
  const available = Math.max(0, bytes.length - byteOffset);
  const frames = numSamples ?? Math.floor(codec.valuesIn(available) / width);
  const needed = codec.bytesFor(frames * width);
  if (available < needed) {
    throw new WfdbError(
      `${where} is truncated: ${frames} samples x ${width} signals in format ${format} need ${needed + byteOffset} bytes` +
        `${byteOffset ? ` (including a ${byteOffset}-byte offset)` : ''}, the file has ${bytes.length}`,
    );
  }
  const interleaved = codec.decode(bytes.subarray(byteOffset, byteOffset + needed), frames * width);
  return specs.map((_, k) => deinterleave(interleaved, width, k, frames));
}

/** Check a decoded channel against its header's initial value and checksum; `where` names the record and channel. */
export function verifyChannel(samples: Int16Array, spec: SignalSpec, where: string): void {
  const label = `${where} (${spec.description})`;
  if (samples.length > 0 && samples[0] !== spec.initialValue) {
    throw new WfdbError(`${label}: first sample is ${samples[0]} but the header's initial value is ${spec.initialValue}`);
  }
  if (spec.checksum !== undefined) {
    const actual = checksum16(samples);
    if (actual !== spec.checksum) {
      throw new WfdbError(`${label}: checksum mismatch, the header says ${spec.checksum} but the samples sum to ${actual} (corrupt or truncated signal file?)`);
    }
  }
}

/** The WFDB signal checksum: sum of all samples modulo 2^16, read as a signed 16-bit number. */
export function checksum16(samples: Int16Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum = (sum + samples[i]!) & 0xffff;
  return (sum << 16) >> 16;
}

/** Convert digital values to physical units (e.g. mV): (value - baseline) / gain. */
export function toPhysical(samples: Int16Array, spec: SignalSpec): Float32Array {
  const out = new Float32Array(samples.length);
  for (let i = 0; i < samples.length; i++) out[i] = (samples[i]! - spec.baseline) / spec.gain;
  return out;
}

interface FileGroup {
  fileName: string;
  specs: SignalSpec[];
  indices: number[];
}

function groupByFile(header: WfdbHeader): FileGroup[] {
  const groups = new Map<string, FileGroup>();
  header.signals.forEach((spec, i) => {
    let group = groups.get(spec.fileName);
    if (!group) groups.set(spec.fileName, (group = { fileName: spec.fileName, specs: [], indices: [] }));
    group.specs.push(spec);
    group.indices.push(i);
  });
  return [...groups.values()];
}

function deinterleave(interleaved: Int16Array, width: number, k: number, frames: number): Int16Array {
  if (width === 1) return interleaved;
  const out = new Int16Array(frames);
  for (let i = 0, j = k; i < frames; i++, j += width) out[i] = interleaved[j]!;
  return out;
}
