import test from 'ava';
import { parseHeader } from '../host/data/wfdb/header.ts';
import { WfdbError, WfdbUnsupportedError } from '../host/data/wfdb/errors.ts';

const HEADER_100 =
  '100 2 360 650000\r\n' +
  '100.dat 212 200 11 1024 995 -22131 0 MLII\r\n' +
  '100.dat 212 200 11 1024 1011 20052 0 V5\r\n' +
  '# 69 M 1085 1629 x1\r\n' +
  '# Aldomet, Inderal\r\n';

test('parses an MIT-BIH header with CRLF line endings', (t) => {
  const h = parseHeader(HEADER_100);
  t.is(h.recordName, '100');
  t.is(h.samplingFrequency, 360);
  t.is(h.numSamples, 650000);
  t.is(h.counterFrequency, undefined);
  t.deepEqual(h.comments, ['69 M 1085 1629 x1', 'Aldomet, Inderal']);
  t.is(h.signals.length, 2);
  t.deepEqual(h.signals[0], {
    fileName: '100.dat', format: 212, samplesPerFrame: 1, skew: 0, byteOffset: 0,
    gain: 200, calibrated: true, baseline: 1024, units: 'mV',
    adcResolution: 11, adcZero: 1024, initialValue: 995, checksum: -22131, blockSize: 0, description: 'MLII',
  });
  t.is(h.signals[1]!.description, 'V5');
});

test('parses counter frequency, base counter value, base time and date', (t) => {
  const h = parseHeader('rec 1 360/3600(12) 1000 10:20:30.5 01/02/2003\nrec.dat 16 100/uV 16 0 5 77 0 ECG lead II\n');
  t.is(h.samplingFrequency, 360);
  t.is(h.counterFrequency, 3600);
  t.is(h.baseCounterValue, 12);
  t.is(h.baseTime, '10:20:30.5');
  t.is(h.baseDate, '01/02/2003');
  t.is(h.signals[0]!.units, 'uV');
  t.is(h.signals[0]!.description, 'ECG lead II');
  t.is(parseHeader('r 1 128/1000\nr.dat 16\n').counterFrequency, 1000);
});

test('fills WFDB defaults for omitted fields', (t) => {
  const h = parseHeader('r 1\nr.dat 212\n');
  t.is(h.samplingFrequency, 250);
  t.is(h.numSamples, undefined);
  const s = h.signals[0]!;
  t.is(s.gain, 200);
  t.false(s.calibrated);
  t.is(s.adcResolution, 12);
  t.is(s.adcZero, 0);
  t.is(s.baseline, 0);
  t.is(s.initialValue, 0);
  t.is(s.checksum, undefined);
  t.is(s.units, 'mV');
  t.regex(s.description, /signal 0/);
});

test('parses format suffixes, baseline and zero gain', (t) => {
  const s = parseHeader('r 1 500 10\nr.dat 16x1:0+512 0(-5)/mmHg 12 3 4\n').signals[0]!;
  t.is(s.format, 16);
  t.is(s.byteOffset, 512);
  t.is(s.baseline, -5);
  t.is(s.units, 'mmHg');
  t.false(s.calibrated);
  t.is(s.gain, 200);
  const skewed = parseHeader('r 1 500 10\nr.dat 212x2:3 200\n').signals[0]!;
  t.is(skewed.samplesPerFrame, 2);
  t.is(skewed.skew, 3);
});

test('rejects multi-segment records as unsupported', (t) => {
  const e = t.throws(() => parseHeader('multi/3 2 125 1000\nseg1 500\nseg2 500\n'), { instanceOf: WfdbUnsupportedError });
  t.regex(e!.message, /multi-segment.*unsupported/);
});

test('malformed headers give errors naming the file and line', (t) => {
  const cases: [string, RegExp][] = [
    ['', /no record line/],
    ['100 two 360\n', /line 1: number of signals must be an integer, got "two"/],
    ['100 2 360 650000\n100.dat 212 200 11 1024 995 -22131 0 MLII\n', /declares 2 signals but only 1/],
    ['100 1 360 650000\n100.dat 212z 200\n', /line 2: invalid storage format field "212z"/],
    ['100 1 fast\n', /invalid sampling frequency|sampling frequency must be a number/],
    ['100 1 360 650000\n100.dat 212 abc\n', /line 2: ADC gain must be a number/],
    ['100 1 360\n100.dat 212\nextra.dat 212\n', /line 3: unexpected line/],
  ];
  for (const [text, pattern] of cases) {
    const e = t.throws(() => parseHeader(text, 'bad.hea'), { instanceOf: WfdbError }, JSON.stringify(text));
    t.regex(e!.message, /^bad\.hea/);
    t.regex(e!.message, pattern);
  }
});

test('reads the checksum modulo 2^16, written signed (WFDB) or unsigned (wfdb-python)', (t) => {
  const sum = (field: string) => parseHeader(`r 1 360 10\nr.dat 212 200 11 1024 995 ${field} 0 MLII\n`).signals[0]!.checksum;
  t.is(sum('-22131'), -22131);
  t.is(sum('43405'), -22131); // 65536 - 22131
  t.is(sum('65535'), -1);
  t.is(sum('32767'), 32767);
  t.is(sum('32768'), -32768);
  t.is(sum('-32768'), -32768);
  t.is(sum('0'), 0);
});

test('header fields outside their physical range are refused with the field named, in one line', (t) => {
  const rec = (fields: string) => `r ${fields}\nr.dat 212 200 11 1024 0 0 0 MLII\n`;
  const sig = (fields: string) => `r 1 360 1000\nr.dat ${fields}\n`;
  const cases: [string, RegExp][] = [
    [rec('1 1e9 1000'), /sampling frequency 1e9 Hz is outside \(0, 100000\] Hz/],
    [rec('1 100001'), /sampling frequency 100001 Hz is outside/],
    [rec('1 0'), /sampling frequency 0 Hz is outside/],
    [rec('1 -360'), /sampling frequency -360 Hz is outside/],
    [rec('1 NaN'), /sampling frequency must be a number, got "NaN"/],
    [rec('1 Infinity'), /sampling frequency must be a number/],
    [rec('1 360/0'), /counter frequency must be positive/],
    [rec('1 360 -5'), /number of samples must be an integer|number of samples -5 is outside/],
    [rec('1 360 99999999999999999999'), /number of samples 99999999999999999999 is outside 0\.\.2147483647/],
    ['r 0 360\n', /number of signals 0 is outside 1\.\.256/],
    ['r 100000 360\n', /number of signals 100000 is outside 1\.\.256/],
    [sig('212 -200 11 1024'), /ADC gain must be positive \(or 0 for uncalibrated\), got "-200"/],
    [sig('212 Infinity'), /ADC gain must be a number, got "Infinity"/],
    [sig('212 1e400'), /ADC gain must be a number/],
    [sig('212 NaN/mV'), /ADC gain must be a number, got "NaN"/],
    [sig('999 200'), /storage format 999 is not a WFDB format/],
    [sig('212x0 200'), /samples per frame 0 is outside 1\.\.1024/],
    [sig('212x99999 200'), /samples per frame 99999 is outside/],
    [sig('16+99999999999 200'), /byte offset 99999999999 is outside 0\.\.2147483647/],
    [sig('212 200 64'), /ADC resolution 64 is outside 0\.\.32/],
    [sig('212 200 -1'), /ADC resolution -1 is outside/],
    [sig('212 200 11 9999999999'), /ADC zero 9999999999 is outside/],
    [sig('212 200(9999999999) 11 0'), /baseline 9999999999 is outside/],
    [sig('212 200 11 0 -9999999999'), /initial value -9999999999 is outside/],
    [sig('212 200 11 0 0 65536'), /checksum 65536 is outside -32768\.\.65535/],
    [sig('212 200 11 0 0 -32769'), /checksum -32769 is outside/],
    [sig('212 200 11 0 0 0 -1'), /block size -1 is outside/],
  ];
  for (const [text, pattern] of cases) {
    const e = t.throws(() => parseHeader(text, 'bad.hea'), { instanceOf: WfdbError }, JSON.stringify(text));
    t.regex(e!.message, /^bad\.hea, line \d+: /, text);
    t.regex(e!.message, pattern, text);
    t.notRegex(e!.message, /\n/, 'one line');
  }
});
