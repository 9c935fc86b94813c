// The beat-window dataset (host/data/dataset-*.ts) on a few MIT-BIH records: counts, labels, splits, and windows
// equal to the device's preprocessing (modules/ecg windowsAt) at the annotated beats.
import { mitdbTest as test } from './mitdb-data.ts';
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
import { isBeatSymbol } from '../host/data/wfdb/codes.ts';
import { rhythmAt, rhythmSegments } from '../host/data/rhythm.ts';
import { BEAT_FEATURE_COUNT, BEAT_FEATURE_NAMES, RR_PRE_AVG, TEMPLATE_FEATURE_OFFSET } from '../modules/ecg/beat-features.ts';
import { BeatTemplate, TEMPLATE_FEATURE_COUNT } from '../modules/ecg/beat-template.ts';
import { RR_FEATURE_COUNT } from '../modules/ecg/rr-features.ts';

const SPLITS = { train: ['119', '114'], validation: ['116'], test: ['100'] };
const F = BEAT_FEATURE_COUNT;

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

/** The RR context of FORMAT §6 (modules/ecg/rr-features.ts) computed here from its definition, independently of RrContext. */
function expectedFeatures(beatSamples: number[], i: number): number[] {
  const clamp = (x: number) => Math.max(-2, Math.min(2, x));
  const rr = (k: number) => (k >= 1 && k < beatSamples.length ? beatSamples[k]! - beatSamples[k - 1]! : 0);
  const history: number[] = [];
  for (let k = 1; k < i; k++) history.push(rr(k));
  const last = (a: number[], n: number) => a.slice(Math.max(0, a.length - n));
  const lowerMedian = (a: number[]) => {
    const sorted = [...a].sort((x, y) => x - y);
    return sorted.length ? sorted[(sorted.length - 1) >> 1]! : 0;
  };
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  const local = lowerMedian(last(history, 8));
  const longTerm = history.length ? sum(last(history, 256)) / last(history, 256).length : 0;
  const diffs = history.slice(1).map((v, k) => Math.abs(v - history[k]!));
  const recent = last(history, 16);
  const irregularity = diffs.length >= 4 ? Math.min(2, (lowerMedian(last(diffs, 16)) * recent.length) / sum(recent)) : 0;
  const ratio = (a: number, b: number) => (a > 0 && b > 0 ? clamp(a / b - 1) : 0);
  const seconds = (x: number) => (x > 0 ? clamp(x / 360 - 0.8) : 0);
  const pre = rr(i);
  const post = i + 1 < beatSamples.length ? rr(i + 1) : 0;
  return [
    ratio(pre, local), ratio(post, local), local > 0 ? clamp(local / 360 - 0.8) : 0,
    ratio(pre, longTerm), ratio(post, longTerm), ratio(local, longTerm), seconds(pre), seconds(post), irregularity,
  ].map(Math.fround);
}

test('features are the RR context of each beat among all beat annotations of its record', async (t) => {
  const { ds } = await dataset();
  t.deepEqual(ds.index.features, [...BEAT_FEATURE_NAMES]);
  t.is(ds.features.length, ds.index.count * F);
  for (const r of ds.index.records) {
    const { annotations } = await loadRecord(await mitdbPath(), r.name);
    const beats = annotations.filter((a) => isBeatSymbol(a.symbol) || aamiClassOf(a.symbol) !== undefined).map((a) => a.sample);
    for (let i = r.first; i < r.first + r.count; i++) {
      const b = beats.indexOf(ds.sample[i]!);
      t.true(b >= 0);
      const got = Array.from(ds.features.subarray(i * F, i * F + RR_FEATURE_COUNT));
      const want = expectedFeatures(beats, b);
      if (got.some((v, k) => v !== want[k])) t.fail(`${r.name} window ${i}: ${got} != ${want}`);
    }
  }
  t.pass();
});

test("template features are a BeatTemplate fed each record's kept windows in order; V beats look unlike the dominant beat", async (t) => {
  const { ds } = await dataset();
  const mitdb = await mitdbPath();
  const got = new Float32Array(TEMPLATE_FEATURE_COUNT);
  for (const r of ds.index.records) {
    const { header, signals } = await loadRecord(mitdb, r.name);
    const config = ecgConfigOf(header, r.channel);
    const set = windowsAt(signals[r.channel]!, Array.from(ds.sample.subarray(r.first, r.first + r.count)), config);
    t.true(set.valid.every((v) => v === 1));
    const template = new BeatTemplate(config.sampleRate, ds.index.pre, ds.index.window);
    let differ = 0;
    for (let k = 0; k < r.count; k++) {
      const i = r.first + k;
      template.next(set.windows.subarray(k * ds.index.window, (k + 1) * ds.index.window), ds.features[i * F + RR_PRE_AVG]!, got, 0);
      for (let f = 0; f < TEMPLATE_FEATURE_COUNT; f++) if (got[f] !== ds.features[i * F + TEMPLATE_FEATURE_OFFSET + f]) differ++;
    }
    t.is(differ, 0, `record ${r.name}`);
  }
  // Record 119: its PVCs (bigeminy) look unlike its dominant normal beat, its normal beats like it.
  const r119 = ds.index.records.find((r) => r.name === '119')!;
  const v = AAMI_CLASSES.indexOf('V');
  const corr = (cls: number) => {
    const values = [];
    for (let i = r119.first; i < r119.first + r119.count; i++) if (ds.aami5[i] === cls) values.push(ds.features[i * F + TEMPLATE_FEATURE_OFFSET]!);
    return values.sort((a, b) => a - b);
  };
  const vCorr = corr(v);
  const nCorr = corr(0);
  t.true(vCorr[Math.floor(vCorr.length * 0.9)]! < 0.8, `90 % of V beats correlate < 0.8 with the template (${vCorr[Math.floor(vCorr.length * 0.9)]})`);
  t.true(nCorr[Math.floor(nCorr.length * 0.1)]! > 0.95, `90 % of N beats correlate > 0.95 (${nCorr[Math.floor(nCorr.length * 0.1)]})`);
});

test('a premature V beat comes early and is followed by a compensatory pause', async (t) => {
  const { ds } = await dataset();
  const r100 = ds.index.records.find((r) => r.name === '100')!;
  const v = AAMI_CLASSES.indexOf('V');
  const vBeats = [];
  for (let i = r100.first; i < r100.first + r100.count; i++) if (ds.aami5[i] === v) vBeats.push(i);
  t.is(vBeats.length, 1, "record 100's single PVC (sample 546792)");
  t.is(ds.sample[vBeats[0]!], 546792);
  const [pre, post, local] = ds.features.subarray(vBeats[0]! * F, (vBeats[0]! + 1) * F);
  t.true(pre! < -0.25, `rr_pre_ratio ${pre}`);
  t.true(post! > 0.25, `rr_post_ratio ${post}`);
  t.true(Math.abs(local!) < 0.1, `rr_local_s ${local} (about 75 bpm)`);
  // Record 119's V beats (bigeminy/trigeminy): nearly all early and followed by a pause; its normal beats are not.
  const r119 = ds.index.records.find((r) => r.name === '119')!;
  let vEarly = 0, vCount = 0, nEarly = 0, nCount = 0;
  for (let i = r119.first; i < r119.first + r119.count; i++) {
    const early = ds.features[i * F]! < -0.15 && ds.features[i * F + 1]! > 0.15;
    if (ds.aami5[i] === v) (vCount++, early && vEarly++);
    else if (ds.aami5[i] === 0) (nCount++, early && nEarly++);
  }
  t.true(vEarly > 0.95 * vCount, `${vEarly}/${vCount} V beats early with a pause`);
  t.true(nEarly < 0.05 * nCount, `${nEarly}/${nCount} N beats early with a pause`);
});

test('readDataset rejects a file whose size disagrees with the index', async (t) => {
  const copy = await mkdtemp(join(tmpdir(), 'hypertiny-dataset-bad-'));
  try {
    await buildDataset({ mitdb: await mitdbPath(), out: copy, splits: { train: ['100'], validation: [], test: [] } });
    await truncate(join(copy, DATASET_FILES.aami5), 10);
    await t.throwsAsync(readDataset(copy), { message: /aami5\.u8 holds 10 values/ });
    await buildDataset({ mitdb: await mitdbPath(), out: copy, splits: { train: ['100'], validation: [], test: [] } });
    await truncate(join(copy, DATASET_FILES.features), 40);
    await t.throwsAsync(readDataset(copy), { message: /features\.f32 holds 10 values/ });
  } finally {
    await rm(copy, { recursive: true, force: true });
  }
});

test("the second lead holds the same beats from the record's other signal, with that lead's template features", async (t) => {
  const { ds } = await dataset();
  const mitdb = await mitdbPath();
  const W = ds.index.window;
  for (const r of ds.index.records) {
    t.is(r.channel2, r.channel === 0 ? 1 : 0);
    const { header, signals } = await loadRecord(mitdb, r.name);
    t.is(r.lead2, header.signals[r.channel2]!.description);
    const config = ecgConfigOf(header, r.channel2);
    const set = windowsAt(signals[r.channel2]!, Array.from(ds.sample.subarray(r.first, r.first + r.count)), config);
    const template = new BeatTemplate(config.sampleRate, ds.index.pre, W);
    const tpl = new Float32Array(TEMPLATE_FEATURE_COUNT);
    let differ = 0;
    for (let k = 0; k < r.count; k++) {
      const i = r.first + k;
      const src = set.windows.subarray(k * W, (k + 1) * W);
      for (let s = 0; s < W; s++) if (ds.windows2[i * W + s] !== Math.fround(src[s]! / config.adcGain)) differ++;
      for (let f = 0; f < RR_FEATURE_COUNT; f++) if (ds.features2[i * F + f] !== ds.features[i * F + f]) differ++;
      template.next(src, ds.features[i * F + RR_PRE_AVG]!, tpl, 0);
      for (let f = 0; f < TEMPLATE_FEATURE_COUNT; f++) if (tpl[f] !== ds.features2[i * F + TEMPLATE_FEATURE_OFFSET + f]) differ++;
    }
    t.is(differ, 0, `record ${r.name} (${r.lead2})`);
  }
});

test('each window carries the rhythm in force at its beat; rhythm seconds add up to the record', async (t) => {
  const { ds } = await dataset();
  const mitdb = await mitdbPath();
  for (const r of ds.index.records) {
    const { signals, annotations } = await loadRecord(mitdb, r.name);
    const segments = rhythmSegments(annotations, signals[0]!.length);
    for (let i = r.first; i < r.first + r.count; i++) {
      if (ds.index.rhythms[ds.rhythm[i]!] !== (rhythmAt(segments, ds.sample[i]!) ?? '')) return t.fail(`${r.name} window ${i}`);
    }
    t.is(r.seconds, signals[0]!.length / 360);
    t.true(Math.abs(Object.values(r.rhythmSeconds).reduce((a, b) => a + b, 0) - r.seconds) < 1e-6);
  }
  t.true(ds.index.rhythms.includes('B'), 'record 119 has bigeminy');
  t.deepEqual(ds.index.folds.flat().length, 22);
});
