import test from 'ava';
import { readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadRecord } from '../host/data/records.ts';
import { WfdbError } from '../host/data/wfdb/errors.ts';
import { copyRecord, FIXTURE_DIR } from './data-helpers.ts';

/** Run `corrupt` on a temporary copy of the record 119 fixture, then load it. */
async function loadCorrupted(corrupt: (dir: string) => Promise<void>) {
  const dir = await copyRecord(FIXTURE_DIR, '119');
  try {
    await corrupt(dir);
    return await loadRecord(dir, '119');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function editFile(path: string, edit: (bytes: Buffer) => Buffer | void) {
  const bytes = await readFile(path);
  await writeFile(path, edit(bytes) ?? bytes);
}

test('loadRecord reads the record 119 fixture with all checks', async (t) => {
  const rec = await loadRecord(FIXTURE_DIR, '119');
  t.is(rec.header.recordName, '119');
  t.deepEqual(rec.header.signals.map((s) => s.description), ['MLII', 'V1']);
  t.deepEqual(rec.signals.map((s) => s.length), [650000, 650000]);
  t.is(rec.annotations.length, 2094);
  t.deepEqual(rec.header.comments, ['51 F 1129 654 x2', 'Pronestyl', 'The PVCs are uniform.']);
});

test('a flipped byte in the .dat triggers the checksum error naming record and channel', async (t) => {
  const flipAt = 3 * 1000; // first byte of frame 1000 = low byte of channel 0's sample; any change is odd, so visible
  await t.throwsAsync(
    loadCorrupted((dir) => editFile(join(dir, '119.dat'), (b) => void (b[flipAt] = b[flipAt]! ^ 0xff))),
    { instanceOf: WfdbError, message: /^record 119, channel 0 \(MLII\): checksum mismatch, the header says 2943/ },
  );
  const flipCh1 = 3 * 1000 + 2;
  await t.throwsAsync(
    loadCorrupted((dir) => editFile(join(dir, '119.dat'), (b) => void (b[flipCh1] = b[flipCh1]! ^ 0x01))),
    { message: /^record 119, channel 1 \(V1\): checksum mismatch/ },
  );
});

test('a changed first sample triggers the initial value error', async (t) => {
  await t.throwsAsync(
    loadCorrupted((dir) => editFile(join(dir, '119.dat'), (b) => void (b[0] = b[0]! ^ 0x01))),
    { message: /record 119, channel 0 \(MLII\): first sample is 824 but the header's initial value is 825/ },
  );
});

test('a truncated .dat names the expected and actual size', async (t) => {
  await t.throwsAsync(
    loadCorrupted((dir) => truncate(join(dir, '119.dat'), 1949999)),
    { instanceOf: WfdbError, message: /record 119, 119\.dat is truncated: 650000 samples x 2 signals in format 212 need 1950000 bytes, the file has 1949999/ },
  );
});

test('a truncated .atr gives a clear error', async (t) => {
  await t.throwsAsync(
    loadCorrupted((dir) => truncate(join(dir, '119.atr'), 4000)),
    { instanceOf: WfdbError, message: /119\.atr is truncated: .*no end-of-file marker/ },
  );
});

test('malformed or mismatched .hea files give clear errors', async (t) => {
  const hea = (dir: string) => join(dir, '119.hea');
  await t.throwsAsync(
    loadCorrupted((dir) => editFile(hea(dir), (b) => Buffer.from(b.toString('latin1').replace('119 2 360', '119 2 360Hz'), 'latin1'))),
    { instanceOf: WfdbError, message: /119\.hea, line 1: sampling frequency must be a number, got "360Hz"/ },
  );
  await t.throwsAsync(
    loadCorrupted((dir) => editFile(hea(dir), (b) => Buffer.from(b.toString('latin1').split('\r\n').slice(0, 2).join('\r\n'), 'latin1'))),
    { message: /119\.hea, line 1: record line declares 2 signals but only 1 signal lines follow/ },
  );
  await t.throwsAsync(
    loadCorrupted((dir) => editFile(hea(dir), (b) => Buffer.from(b.toString('latin1').replace('119 2', '118 2'), 'latin1'))),
    { message: /119\.hea: header describes record "118", not "119"/ },
  );
  await t.throwsAsync(loadCorrupted((dir) => rm(hea(dir))), { message: /record 119: cannot read header/ });
});

test("a header written by wfdb-python (checksums unsigned, 0..65535) loads, and a changed sample is still caught", async (t) => {
  const unsigned = (dir: string) =>
    editFile(join(dir, '119.hea'), (b) => Buffer.from(b.toString('latin1').replace(' -26388 ', ` ${65536 - 26388} `), 'latin1'));
  const rec = await loadCorrupted(unsigned);
  t.is(rec.header.signals[1]!.checksum, -26388);
  t.deepEqual(rec.signals.map((s) => s.length), [650000, 650000]);
  await t.throwsAsync(
    loadCorrupted(async (dir) => {
      await unsigned(dir);
      await editFile(join(dir, '119.dat'), (b) => void (b[3 * 1000 + 2] = b[3 * 1000 + 2]! ^ 0xff));
    }),
    { instanceOf: WfdbError, message: /channel 1 \(V1\): checksum mismatch, the header says -26388/ },
  );
});
