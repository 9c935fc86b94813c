import test from 'ava';
import { parseHeader } from '../host/data/wfdb/header.ts';
import { checksum16, decodeSignalFile, readSignals, toPhysical, verifyChannel } from '../host/data/wfdb/signal.ts';
import { WfdbError, WfdbUnsupportedError } from '../host/data/wfdb/errors.ts';
import { readHeader } from '../host/data/records.ts';
import { encode212, FIXTURE_DIR } from './data-helpers.ts';

const specsOf = (text: string) => parseHeader(text).signals;
const TWO_212 = specsOf('r 2 360\nr.dat 212\nr.dat 212\n');

test('format 212 decodes 12-bit two\'s complement pairs and deinterleaves channels', (t) => {
  const values = [-2048, 2047, -1, 0, 1024, -1000, 5, 7];
  const [a, b] = decodeSignalFile(encode212(values), TWO_212, 4, 'r.dat');
  t.deepEqual([...a!], [-2048, -1, 1024, 5]);
  t.deepEqual([...b!], [2047, 0, -1000, 7]);
});

test('format 212 handles an odd value count (3 signals) and derives the length from the file', (t) => {
  const specs = specsOf('r 3 360\nr.dat 212\nr.dat 212\nr.dat 212\n');
  const values = [1, -2, 3, -4, 5, -6, 7, -8, 9]; // 3 frames, 9 values, last pair half full
  const bytes = encode212(values);
  t.is(bytes.length, 14);
  const channels = decodeSignalFile(bytes, specs, undefined, 'r.dat');
  t.deepEqual(channels.map((c) => [...c]), [[1, -4, 7], [-2, 5, -8], [3, -6, 9]]);
});

test('formats 16, 61 and 80 and a byte offset', (t) => {
  const le = Uint8Array.from([0xaa, 0xbb, 0x34, 0x12, 0xff, 0xff, 0x00, 0x80]);
  t.deepEqual([...decodeSignalFile(le, specsOf('r 1\nr.dat 16+2\n'), 3, 'r.dat')[0]!], [0x1234, -1, -32768]);
  const be = Uint8Array.from([0x12, 0x34, 0xff, 0xfe]);
  t.deepEqual([...decodeSignalFile(be, specsOf('r 1\nr.dat 61\n'), undefined, 'r.dat')[0]!], [0x1234, -2]);
  const offsetBinary = Uint8Array.from([0, 128, 255]);
  t.deepEqual([...decodeSignalFile(offsetBinary, specsOf('r 1\nr.dat 80\n'), 3, 'r.dat')[0]!], [-128, 0, 127]);
});

test('a truncated signal file names expected and actual sizes', (t) => {
  const bytes = encode212([1, 2, 3, 4]).subarray(0, 5);
  const e = t.throws(() => decodeSignalFile(bytes, TWO_212, 2, 'record r, r.dat'), { instanceOf: WfdbError });
  t.regex(e!.message, /record r, r\.dat is truncated: 2 samples x 2 signals in format 212 need 6 bytes, the file has 5/);
  const withOffset = t.throws(() => decodeSignalFile(new Uint8Array(10), specsOf('r 1\nr.dat 16+4\n'), 4, 'r.dat'));
  t.regex(withOffset!.message, /need 12 bytes \(including a 4-byte offset\), the file has 10/);
});

test('unsupported formats and features are reported as such', (t) => {
  t.throws(() => decodeSignalFile(new Uint8Array(4), specsOf('r 1\nr.dat 8\n'), 1, 'r.dat'), {
    instanceOf: WfdbUnsupportedError, message: /storage format 8 is unsupported/,
  });
  t.throws(() => decodeSignalFile(new Uint8Array(4), specsOf('r 1\nr.dat 16x2\n'), 1, 'r.dat'), {
    instanceOf: WfdbUnsupportedError, message: /samples per frame/,
  });
});

test('checksum16 is the sum mod 2^16 as a signed 16-bit number', (t) => {
  t.is(checksum16(Int16Array.from([1, 2, 3])), 6);
  t.is(checksum16(Int16Array.from([32767, 1])), -32768);
  t.is(checksum16(Int16Array.from([-1, -1])), -2);
  t.is(checksum16(new Int16Array(0)), 0);
});

test('verifyChannel names the record and channel on checksum or initial value mismatch', (t) => {
  const spec = specsOf('r 1 360 3\nr.dat 16 200 12 0 10 33 0 MLII\n')[0]!;
  t.notThrows(() => verifyChannel(Int16Array.from([10, 11, 12]), spec, 'record r, channel 0'));
  t.throws(() => verifyChannel(Int16Array.from([10, 11, 13]), spec, 'record r, channel 0'), {
    instanceOf: WfdbError, message: /^record r, channel 0 \(MLII\): checksum mismatch, the header says 33 but the samples sum to 34/,
  });
  t.throws(() => verifyChannel(Int16Array.from([9, 12, 12]), spec, 'record r, channel 0'), {
    message: /record r, channel 0 \(MLII\): first sample is 9 but the header's initial value is 10/,
  });
});

test('reads the record 119 fixture and converts to mV', async (t) => {
  const header = await readHeader(FIXTURE_DIR, '119');
  const [mlii, v1] = await readSignals(FIXTURE_DIR, header);
  t.is(mlii!.length, 650000);
  t.is(v1!.length, 650000);
  t.is(mlii![0], 825);
  t.is(checksum16(v1!), -26388);
  const mv = toPhysical(mlii!, header.signals[0]!);
  t.true(mv instanceof Float32Array);
  t.is(mv[0], Math.fround((825 - 1024) / 200));
});
