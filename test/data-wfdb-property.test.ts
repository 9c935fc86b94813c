// Property tests of the WFDB reader with random and extreme inputs (a seeded generator, so a failure replays):
// every header, signal file and annotation file either parses into values within the documented bounds or is
// refused with a one-line WfdbError, never another exception (RangeError, TypeError, ...).
import test from 'ava';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeAnnotations } from '../host/data/wfdb/annotations.ts';
import { WfdbError } from '../host/data/wfdb/errors.ts';
import { HEADER_LIMITS, parseHeader, WFDB_FORMATS, type SignalSpec } from '../host/data/wfdb/header.ts';
import { checksum16, decodeSignalFile } from '../host/data/wfdb/signal.ts';
import { loadRecord } from '../host/data/records.ts';
import { FIXTURE_DIR, encode212 } from './data-helpers.ts';
import { rng, type XorshiftRng } from './xorshift.ts';

type Rng = XorshiftRng;

const NUMBERS = [
  '0', '1', '-1', '2', '12', '16', '200', '360', '1024', '-2048', '65535', '65536', '-32768', '-32769', '32767',
  '2147483647', '2147483648', '-2147483649', '99999999999999999999', '1e9', '1e-300', '1e400', '-0', '0.5', '3.7',
  'NaN', 'Infinity', '-Infinity', '0x10', '', '+5', '1e3', '100000', '100001', '.', '-', 'abc',
];
const FORMATS = ['212', '16', '61', '80', '8', '24', '311', '999', '0', '212x2', '16x0', '16:3', '16+512', '212+99999999999',
  '16x1:0+0', '212x99999', 'x', '16x', '-16', '1e2'];
const GAINS = ['200', '0', '-200', '200(1024)', '200/mV', '200(-5)/uV', '1e9', 'NaN', 'Infinity', '200(', '(3)', '/mV', '1e-320',
  '200(99999999999)', '0(0)/mmHg', '-0'];

function token(r: Rng, pool: readonly string[]): string {
  if (r.int(8) === 0) return String(r.next() - 2 ** 31); // a random 32-bit value
  if (r.int(16) === 0) return String.fromCharCode(...Array.from({ length: 1 + r.int(6) }, () => 33 + r.int(94)));
  return r.pick(pool);
}

function randomHeader(r: Rng): string {
  const nsig = r.int(4) === 0 ? token(r, NUMBERS) : String(r.int(4));
  let freq = token(r, NUMBERS);
  if (r.int(4) === 0) freq += `/${token(r, NUMBERS)}${r.int(2) ? `(${token(r, NUMBERS)})` : ''}`;
  const record = ['rec', nsig, freq, token(r, NUMBERS), '10:20:30', '01/02/2003'].slice(0, 1 + r.int(6));
  const lines = [record.join(' ')];
  const signals = r.int(5);
  for (let i = 0; i < signals; i++) {
    const fields = ['rec.dat', token(r, FORMATS), token(r, GAINS), token(r, NUMBERS), token(r, NUMBERS), token(r, NUMBERS),
      token(r, NUMBERS), token(r, NUMBERS), 'ECG lead II'];
    lines.push(fields.slice(0, 1 + r.int(fields.length)).join(' '));
  }
  if (r.int(6) === 0) lines.splice(r.int(lines.length + 1), 0, `# ${token(r, NUMBERS)}`);
  return lines.join(r.int(2) ? '\r\n' : '\n') + (r.int(2) ? '\n' : '');
}

/** A valid header with one random field replaced, a line dropped or duplicated, or random characters inserted. */
function mutatedHeader(r: Rng, base: string): string {
  const lines = base.split('\n');
  const i = r.int(lines.length);
  const fields = lines[i]!.split(' ');
  switch (r.int(4)) {
    case 0:
      fields[r.int(fields.length)] = token(r, [...NUMBERS, ...FORMATS, ...GAINS]);
      lines[i] = fields.join(' ');
      break;
    case 1:
      lines.splice(i, 1);
      break;
    case 2:
      lines.splice(i, 0, lines[i]!);
      break;
    default: {
      const at = r.int(base.length + 1);
      return base.slice(0, at) + String.fromCharCode(r.int(256)) + base.slice(at);
    }
  }
  return lines.join('\n');
}

function expectWfdbOrValue<T>(t: import('ava').ExecutionContext, what: string, f: () => T): T | undefined {
  try {
    return f();
  } catch (e) {
    if (!(e instanceof WfdbError)) t.fail(`${what}: ${(e as Error)?.name}: ${(e as Error)?.message}`);
    else if ((e.message.includes('\n') || e.message === '')) t.fail(`${what}: the error is not one line: ${JSON.stringify(e.message)}`);
    return undefined;
  }
}

function checkSpec(t: import('ava').ExecutionContext, s: SignalSpec, what: string): void {
  const ok =
    WFDB_FORMATS.includes(s.format) && Number.isFinite(s.gain) && s.gain > 0 &&
    s.samplesPerFrame >= 1 && s.samplesPerFrame <= HEADER_LIMITS.maxSamplesPerFrame &&
    Number.isSafeInteger(s.byteOffset) && s.byteOffset >= 0 && Number.isSafeInteger(s.skew) && s.skew >= 0 &&
    [s.baseline, s.adcZero, s.initialValue].every((v) => Number.isInteger(v) && v >= HEADER_LIMITS.minInt32 && v <= HEADER_LIMITS.maxInt32) &&
    s.adcResolution >= 1 && s.adcResolution <= HEADER_LIMITS.maxAdcResolution &&
    (s.checksum === undefined || (Number.isInteger(s.checksum) && s.checksum >= -32768 && s.checksum <= 32767)) &&
    s.blockSize >= 0;
  if (!ok) t.fail(`${what}: a parsed signal is out of bounds: ${JSON.stringify(s)}`);
}

const HEADER_119 = readFileSync(join(FIXTURE_DIR, '119.hea'), 'latin1');

test('random and mutated headers parse within bounds or throw a one-line WfdbError', (t) => {
  const r = rng(0x16c0ffee);
  let parsed = 0;
  for (let i = 0; i < 20000; i++) {
    const text = i % 2 ? randomHeader(r) : mutatedHeader(r, HEADER_119);
    const h = expectWfdbOrValue(t, `header ${JSON.stringify(text)}`, () => parseHeader(text, 'fuzz.hea'));
    if (!h) continue;
    parsed++;
    if (!(h.samplingFrequency > 0 && h.samplingFrequency <= HEADER_LIMITS.maxSamplingFrequency)) t.fail(`sampling frequency ${h.samplingFrequency}`);
    if (h.signals.length < 1 || h.signals.length > HEADER_LIMITS.maxSignals) t.fail(`${h.signals.length} signals`);
    if (h.numSamples !== undefined && !(Number.isInteger(h.numSamples) && h.numSamples > 0 && h.numSamples <= HEADER_LIMITS.maxSamples)) t.fail(`numSamples ${h.numSamples}`);
    h.signals.forEach((s) => checkSpec(t, s, JSON.stringify(text)));
  }
  t.log(`${parsed} of 20000 headers parsed, the rest refused`);
  t.true(parsed > 1000, 'the generator reaches valid headers too');
});

test('random bytes and random signal specs decode or throw a one-line WfdbError', (t) => {
  const r = rng(0x5167a1);
  let decoded = 0;
  for (let i = 0; i < 5000; i++) {
    const width = 1 + r.int(3);
    const format = r.pick([212, 16, 61, 80, 24, 0, 310]);
    const spec = parseHeader(`r ${width} 360\n` + Array.from({ length: width }, () => `r.dat ${format}${r.int(8) ? '' : `+${r.int(64)}`}`).join('\n')).signals;
    if (r.int(10) === 0) spec[width - 1] = { ...spec[width - 1]!, format: r.pick([212, 16]) }; // mixed formats in one file
    const bytes = Uint8Array.from({ length: r.int(300) }, () => r.int(256));
    const numSamples = r.pick([undefined, 0, 1, r.int(200), 2 ** 31 - 1, r.next()]);
    const channels = expectWfdbOrValue(t, `format ${format} x${width}, ${bytes.length} bytes, ${numSamples} samples`, () =>
      decodeSignalFile(bytes, spec, numSamples, 'fuzz.dat'));
    if (!channels) continue;
    decoded++;
    if (channels.length !== width || new Set(channels.map((c) => c.length)).size !== 1) t.fail('channels of unequal length');
    if (numSamples && channels[0]!.length !== numSamples) t.fail(`${channels[0]!.length} samples, the header says ${numSamples}`);
  }
  t.true(decoded > 500, `${decoded} decoded`);
});

test('the checksum agrees with wfdb-python\'s unsigned sum mod 65536 for random and extreme samples', (t) => {
  const r = rng(0xc5c5);
  for (let i = 0; i < 2000; i++) {
    const samples = Int16Array.from({ length: r.int(500) }, () => (r.int(4) ? r.next() : r.pick([-32768, 32767, 0, -1])) << 16 >> 16);
    const unsigned = samples.reduce((sum, v) => (sum + v + 65536) % 65536, 0); // numpy: np.sum(d) % 65536
    const spec = parseHeader(`r 1 360\nr.dat 16 200 16 0 ${samples[0] ?? 0} ${unsigned}\n`).signals[0]!;
    t.is(checksum16(samples), spec.checksum!);
  }
});

test('random and mutated annotation files decode or throw a one-line WfdbError', (t) => {
  const r = rng(0xa7a7);
  const atr = new Uint8Array(readFileSync(join(FIXTURE_DIR, '119.atr')));
  let decoded = 0;
  for (let i = 0; i < 3000; i++) {
    let bytes: Uint8Array;
    if (i % 3 === 0) {
      bytes = Uint8Array.from({ length: r.int(64) * 2 }, () => r.int(256));
    } else {
      bytes = atr.slice(0, i % 3 === 1 ? atr.length : r.int(atr.length + 1));
      for (let k = 1 + r.int(8); k > 0; k--) bytes[r.int(bytes.length)] = r.int(4) ? r.int(256) : r.pick([0xff, 0xec, 0xfc, 0xf0, 0]);
    }
    const anns = expectWfdbOrValue(t, `annotation bytes #${i}`, () => decodeAnnotations(bytes, 'fuzz.atr'));
    if (!anns) continue;
    decoded++;
    for (const a of anns) {
      if (!(Number.isSafeInteger(a.sample) && a.sample >= 0) || typeof a.symbol !== 'string') t.fail(`annotation ${JSON.stringify(a)}`);
    }
  }
  t.true(decoded > 100, `${decoded} decoded`);
});

test('records made of random headers over small signal and annotation files load or throw a one-line WfdbError', async (t) => {
  const r = rng(0x10ad);
  const dir = await mkdtemp(join(tmpdir(), 'hypertiny-wfdb-prop-'));
  try {
    const samples = Array.from({ length: 400 }, (_, i) => Math.round(300 * Math.sin(i / 9)));
    await writeFile(join(dir, 'rec.dat'), encode212(samples));
    await writeFile(join(dir, 'rec.atr'), Uint8Array.of(0x32, 0x04, 0x64, 0x04, 0, 0)); // N at 50, N at 150
    const base = `rec 1 360 400\nrec.dat 212 200 12 0 ${samples[0]} ${samples.reduce((s, v) => s + v, 0) & 0xffff} 0 MLII`;
    let loaded = 0;
    for (let i = 0; i < 300; i++) {
      const text = i === 0 ? base : i % 2 ? mutatedHeader(r, base) : randomHeader(r);
      await writeFile(join(dir, 'rec.hea'), text);
      try {
        await loadRecord(dir, 'rec');
        loaded++;
      } catch (e) {
        if (!(e instanceof WfdbError) || e.message.includes('\n')) t.fail(`${JSON.stringify(text)}: ${(e as Error).name}: ${(e as Error).message}`);
      }
    }
    t.true(loaded >= 1, `${loaded} loaded`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
