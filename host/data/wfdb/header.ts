import { WfdbError, WfdbUnsupportedError } from './errors.ts';

/** One signal line of a WFDB header (see WFDB header(5)). Missing optional fields hold their WFDB defaults. */
export interface SignalSpec {
  fileName: string;
  /** Storage format: 212, 16, 80 or 61 are readable here; others parse but fail at read time. */
  format: number;
  samplesPerFrame: number;
  skew: number;
  /** Bytes to skip at the start of the signal file before the first sample. */
  byteOffset: number;
  /** ADC units per physical unit. A missing or zero gain means "uncalibrated"; WFDB then assumes 200. */
  gain: number;
  calibrated: boolean;
  /** The digital value that corresponds to physical zero (defaults to adcZero). */
  baseline: number;
  units: string;
  adcResolution: number;
  adcZero: number;
  /** Value of the first sample; defaults to adcZero. */
  initialValue: number;
  /**
   * Sum of all samples mod 2^16 as a signed 16-bit number; undefined when the header omits it. The header may
   * write it signed (-32768..32767, the WFDB library) or unsigned (0..65535, wfdb-python): both are read mod 2^16.
   */
  checksum: number | undefined;
  blockSize: number;
  description: string;
}

export interface WfdbHeader {
  recordName: string;
  /** Sampling frequency in Hz (per signal). */
  samplingFrequency: number;
  counterFrequency: number | undefined;
  baseCounterValue: number | undefined;
  /** Samples per signal; undefined when the header omits it (then the file length decides). */
  numSamples: number | undefined;
  baseTime: string | undefined;
  baseDate: string | undefined;
  signals: SignalSpec[];
  /** Text of the '#' lines, without the '#'. */
  comments: string[];
}

const DEFAULT_SAMPLING_FREQUENCY = 250;
const DEFAULT_GAIN = 200;
const DEFAULT_UNITS = 'mV';

/**
 * Bounds of the header fields this reader accepts; a field outside them is refused with its name. PhysioNet's
 * records sample well below 100 kHz and hold at most a few hundred signals; counts, offsets and ADC values fit
 * the 32-bit signed integers of the WFDB library's header fields.
 */
export const HEADER_LIMITS = {
  maxSamplingFrequency: 100_000,
  maxSignals: 256,
  maxSamples: 2 ** 31 - 1,
  maxSamplesPerFrame: 1024,
  maxAdcResolution: 32,
  /** ADC zero, baseline, initial value: 32-bit signed, as in the WFDB library. */
  minInt32: -(2 ** 31),
  maxInt32: 2 ** 31 - 1,
} as const;

/** Storage format codes the WFDB library defines (signal(5)); FORMAT's codecs decode a subset of them. */
export const WFDB_FORMATS: readonly number[] = [0, 8, 16, 24, 32, 61, 80, 160, 212, 310, 311, 508, 516, 524];

/** Parse the text of a .hea file. `source` names the file in error messages. */
export function parseHeader(text: string, source = 'header'): WfdbHeader {
  const comments: string[] = [];
  const specLines: { text: string; lineNo: number }[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (line.startsWith('#')) comments.push(line.slice(1).trim());
    else if (line !== '') specLines.push({ text: line, lineNo: i + 1 });
  });
  const recordLine = specLines.shift();
  if (recordLine === undefined) throw new WfdbError(`${source}: no record line (the header is empty)`);

  const fail = (lineNo: number, what: string): never => {
    throw new WfdbError(`${source}, line ${lineNo}: ${what}`);
  };
  const record = parseRecordLine(recordLine.text, (what) => fail(recordLine.lineNo, what));
  if (specLines.length < record.numSignals) {
    fail(recordLine.lineNo, `record line declares ${record.numSignals} signals but only ${specLines.length} signal lines follow`);
  }
  const signals = specLines
    .slice(0, record.numSignals)
    .map((l, i) => parseSignalLine(l.text, `record ${record.recordName}, signal ${i}`, (what) => fail(l.lineNo, what)));
  if (specLines.length > record.numSignals) {
    const extra = specLines[record.numSignals]!;
    fail(extra.lineNo, `unexpected line after the ${record.numSignals} signal lines: "${extra.text}"`);
  }
  const { numSignals: _, ...rest } = record;
  return { ...rest, signals, comments };
}

type Fail = (what: string) => never;

function parseRecordLine(line: string, fail: Fail) {
  const fields = line.split(/\s+/);
  const [nameField, nsigField, fsField, nsampField, baseTime, baseDate] = fields;
  if (fields.length > 6) fail(`record line has ${fields.length} fields, at most 6 expected: "${line}"`);
  if (nameField!.includes('/')) {
    throw new WfdbUnsupportedError(`multi-segment record "${nameField}" is unsupported (only single-segment records can be read)`);
  }
  if (!/^[A-Za-z0-9_.-]+$/.test(nameField!)) fail(`invalid record name "${nameField}"`);
  if (nsigField === undefined) fail(`record line lacks the number of signals: "${line}"`);
  const numSignals = parseInteger(nsigField!, 'number of signals', fail);
  if (numSignals < 1 || numSignals > HEADER_LIMITS.maxSignals) {
    fail(`number of signals ${nsigField} is outside 1..${HEADER_LIMITS.maxSignals}`);
  }
  const freq = fsField === undefined ? undefined : parseFrequencyField(fsField, fail);
  const numSamples = nsampField === undefined ? undefined : integerIn(nsampField, 'number of samples', 0, HEADER_LIMITS.maxSamples, fail);
  return {
    recordName: nameField!,
    numSignals,
    samplingFrequency: freq?.samplingFrequency ?? DEFAULT_SAMPLING_FREQUENCY,
    counterFrequency: freq?.counterFrequency,
    baseCounterValue: freq?.baseCounterValue,
    // WFDB writes 0 for "unknown length".
    numSamples: numSamples === 0 ? undefined : numSamples,
    baseTime,
    baseDate,
  };
}

/** "360", "360/3600", "360/3600(12)": sampling frequency, optional counter frequency and base counter value. */
function parseFrequencyField(field: string, fail: Fail) {
  const m = /^([^/()]+)(?:\/([^/()]+)(?:\(([^()]+)\))?)?$/.exec(field);
  if (!m) fail(`invalid sampling frequency field "${field}"`);
  const samplingFrequency = parseNumber(m![1]!, 'sampling frequency', fail);
  if (!(samplingFrequency > 0 && samplingFrequency <= HEADER_LIMITS.maxSamplingFrequency)) {
    fail(`sampling frequency ${m![1]} Hz is outside (0, ${HEADER_LIMITS.maxSamplingFrequency}] Hz`);
  }
  const counterFrequency = m![2] === undefined ? undefined : parseNumber(m![2], 'counter frequency', fail);
  if (counterFrequency !== undefined && !(counterFrequency > 0)) fail(`counter frequency must be positive, got "${m![2]}"`);
  return {
    samplingFrequency,
    counterFrequency,
    baseCounterValue: m![3] === undefined ? undefined : parseNumber(m![3], 'base counter value', fail),
  };
}

function parseSignalLine(line: string, defaultDescription: string, fail: Fail): SignalSpec {
  // The description is the rest of the line and may contain spaces; the 8 fields before it may not.
  const m = /^(\S+)(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+(\S+))?(?:\s+([\s\S]*))?$/.exec(line);
  if (!m) fail(`malformed signal line: ${JSON.stringify(line)}`);
  const [, fileName, formatField, gainField, resField, zeroField, initField, sumField, blockField, description] = m!;
  if (formatField === undefined) fail(`signal line lacks the storage format: "${line}"`);
  if (fileName === '~') throw new WfdbUnsupportedError(`null signal file "~" (used by multi-segment records) is unsupported`);

  const format = parseFormatField(formatField!, fail);
  const { minInt32, maxInt32 } = HEADER_LIMITS;
  const adcZero = zeroField === undefined ? 0 : integerIn(zeroField, 'ADC zero', minInt32, maxInt32, fail);
  const gain = gainField === undefined ? undefined : parseGainField(gainField, fail);
  const resolution = resField === undefined ? 0 : integerIn(resField, 'ADC resolution', 0, HEADER_LIMITS.maxAdcResolution, fail);
  const calibrated = gain !== undefined && gain.gain !== 0;
  return {
    fileName: fileName!,
    ...format,
    gain: calibrated ? gain!.gain : DEFAULT_GAIN,
    calibrated,
    baseline: gain?.baseline ?? adcZero,
    units: gain?.units ?? DEFAULT_UNITS,
    adcResolution: resolution === 0 ? defaultResolution(format.format) : resolution,
    adcZero,
    initialValue: initField === undefined ? adcZero : integerIn(initField, 'initial value', minInt32, maxInt32, fail),
    checksum: sumField === undefined ? undefined : toInt16(integerIn(sumField, 'checksum', -32768, 65535, fail)),
    blockSize: blockField === undefined ? 0 : integerIn(blockField, 'block size', 0, maxInt32, fail),
    description: description?.trim() || defaultDescription,
  };
}

/** "212", "16x2", "212:3", "16+512", "16x2:3+512". */
function parseFormatField(field: string, fail: Fail) {
  const m = /^(\d+)(?:x(\d+))?(?::(\d+))?(?:\+(\d+))?$/.exec(field);
  if (!m) fail(`invalid storage format field "${field}"`);
  const format = Number(m![1]);
  if (!WFDB_FORMATS.includes(format)) fail(`storage format ${m![1]} is not a WFDB format (${WFDB_FORMATS.join(', ')})`);
  const samplesPerFrame = m![2] === undefined ? 1 : Number(m![2]);
  if (samplesPerFrame < 1 || samplesPerFrame > HEADER_LIMITS.maxSamplesPerFrame) {
    fail(`samples per frame ${m![2]} is outside 1..${HEADER_LIMITS.maxSamplesPerFrame} in "${field}"`);
  }
  return {
    format,
    samplesPerFrame,
    skew: m![3] === undefined ? 0 : integerIn(m![3], 'skew', 0, HEADER_LIMITS.maxInt32, fail),
    byteOffset: m![4] === undefined ? 0 : integerIn(m![4], 'byte offset', 0, HEADER_LIMITS.maxInt32, fail),
  };
}

/** "200", "200(1024)", "200/mV", "200(1024)/mV". */
function parseGainField(field: string, fail: Fail) {
  const m = /^([^(/]+)(?:\(([^)]*)\))?(?:\/(.+))?$/.exec(field);
  if (!m) fail(`invalid ADC gain field "${field}"`);
  const gain = parseNumber(m![1]!, 'ADC gain', fail);
  // 0 is WFDB's "uncalibrated" (the default gain then applies); a negative gain has no physical meaning here.
  if (gain < 0) fail(`ADC gain must be positive (or 0 for uncalibrated), got "${m![1]}"`);
  return {
    gain,
    baseline: m![2] === undefined ? undefined : integerIn(m![2], 'baseline', HEADER_LIMITS.minInt32, HEADER_LIMITS.maxInt32, fail),
    units: m![3],
  };
}

function defaultResolution(format: number): number {
  if (format === 80) return 8;
  if (format === 310 || format === 311) return 10;
  if (format === 16 || format === 61 || format === 160) return 16;
  return 12;
}

function parseInteger(text: string, what: string, fail: Fail): number {
  if (!/^[+-]?\d+$/.test(text)) fail(`${what} must be an integer, got "${text}"`);
  return Number(text);
}

function integerIn(text: string, what: string, min: number, max: number, fail: Fail): number {
  const value = parseInteger(text, what, fail);
  if (value < min || value > max) fail(`${what} ${text} is outside ${min}..${max}`);
  return value;
}

/** A 16-bit value written signed or unsigned, as the signed number it stands for. */
function toInt16(value: number): number {
  return (value << 16) >> 16;
}

function parseNumber(text: string, what: string, fail: Fail): number {
  const value = Number(text);
  if (text.trim() === '' || !Number.isFinite(value)) fail(`${what} must be a number, got "${text}"`);
  return value;
}
