// The beat-window dataset (host/data/dataset-*.ts) on a few MIT-BIH records: counts, labels, splits, and windows
// equal to the device's preprocessing (modules/ecg windowsAt) at the annotated beats.
import test from 'ava';
import { mkdtemp, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { windowsAt } from '../modules/ecg/index.ts';
import { AAMI_CLASSES, aamiClassOf } from '../host/data/aami.ts';
import { buildDataset } from '../host/data/dataset-build.ts';
import { DATASET_FILES, readDataset, SPLIT_NAMES, type Dataset } from '../host/data/dataset-format.ts';
import { ecgConfigOf } from '../host/data/dataset-record.ts';
import { mitdbPath } from '../host/data/mitdb-path.ts';
import { loadRecord } from '../host/data/records.ts';

const SPLITS = { train: ['119', '114'], validation: ['116'], test: ['100'] };

let built: Promise<{ dir: string; ds: Dataset }> | undefined;
const dataset = () =>
  (built ??= (async () => {
    const dir = await mkdtemp(join(tmpdir(), 'hypertiny-dataset-'));
    await buildDataset({ mitdb: await mitdbPath(), out: dir, splits: SPLITS });
    return { dir, ds: await readDataset(dir) };
  })());

test.after.always(async () => {
  if (built) await rm((await built).dir, { recursive: true, force: true });
});

test('index counts per split and class equal the label files', async (t) => {
  const { ds } = await dataset();
  const { index } = ds;
  t.is(index.window, 256);
  t.is(index.pre, 128);
  let total = 0;
  SPLIT_NAMES.forEach((split, code) => {
    const s = index.splits[split];
    t.deepEqual(s.records, SPLITS[split]);
    const counts = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0]));
    for (let i = s.first; i < s.first + s.count; i++) {
      t.is(ds.split[i], code);
      counts[AAMI_CLASSES[ds.aami5[i]!]!]!++;
      t.is(ds.vrest[i], AAMI_CLASSES[ds.aami5[i]!] === 'V' ? 1 : 0);
    }
    t.deepEqual(s.aami5, counts);
    t.deepEqual(s.vrest, { rest: s.count - counts['V']!, V: counts['V']! });
    total += s.count;
  });
  t.is(total, index.count);
  t.true(index.splits.train.aami5['V']! > 400, 'record 119 brings V beats');
});

test('every AAMI beat annotation is either a window or counted as dropped', async (t) => {
  const { ds } = await dataset();
  for (const r of ds.index.records) {
    const { annotations } = await loadRecord(await mitdbPath(), r.name);
    const expected = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0]));
    for (const a of annotations) {
      const c = aamiClassOf(a.symbol);
      if (c) expected[c]!++;
    }
    const sum = Object.fromEntries(AAMI_CLASSES.map((c) => [c, r.kept[c]! + r.dropped[c]!]));
    t.deepEqual(sum, expected, r.name);
    t.true(Object.values(r.dropped).reduce((a, b) => a + b, 0) <= 4, `${r.name}: only edge beats are dropped`);
    for (let i = r.first; i < r.first + r.count; i++) t.is(ds.record[i], Number(r.name));
  }
});

test('windows are windowsAt at the annotated beats, in mV, on the MLII lead', async (t) => {
  const { ds } = await dataset();
  const r114 = ds.index.records.find((r) => r.name === '114')!;
  t.is(r114.channel, 1, 'record 114 has MLII on its second signal');
  t.is(r114.lead, 'MLII');
  for (const r of ds.index.records) {
    const { header, signals } = await loadRecord(await mitdbPath(), r.name);
    const config = ecgConfigOf(header, r.channel);
    t.deepEqual(config, { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047, windowLength: 256, windowPre: 128 });
    const picks = [r.first, r.first + 1, r.first + (r.count >> 1), r.first + r.count - 1];
    const direct = windowsAt(signals[r.channel]!, picks.map((i) => ds.sample[i]!), config);
    picks.forEach((i, k) => {
      t.is(direct.valid[k], 1);
      const expected = Array.from(direct.windows.subarray(k * 256, (k + 1) * 256), (v) => Math.fround(v / 200));
      t.deepEqual(Array.from(ds.windows.subarray(i * 256, (i + 1) * 256)), expected, `${r.name} window ${i}`);
    });
  }
});

test('readDataset rejects a file whose size disagrees with the index', async (t) => {
  const copy = await mkdtemp(join(tmpdir(), 'hypertiny-dataset-bad-'));
  try {
    await buildDataset({ mitdb: await mitdbPath(), out: copy, splits: { train: ['100'], validation: [], test: [] } });
    await truncate(join(copy, DATASET_FILES.aami5), 10);
    await t.throwsAsync(readDataset(copy), { message: /aami5\.u8 holds 10 values/ });
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
});
