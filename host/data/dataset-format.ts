/**
 * The beat-window dataset on disk (written by dataset-build.ts, read by host/train and the tests). One directory:
 *
 *   index.json     DatasetIndex below: shapes, class names, splits and their records, counts, provenance
 *   windows.f32    float32 LE [count][window]: filtered windows in mV (modules/ecg windowsAt + windowToMillivolts)
 *   aami5.u8       uint8 [count]: AAMI class index into AAMI_CLASSES (N S V F Q)
 *   vrest.u8       uint8 [count]: 1 for an AAMI V beat, else 0 (the V-vs-rest task)
 *   record.u16     uint16 LE [count]: record number (e.g. 101), the cluster of the record bootstrap
 *   split.u8       uint8 [count]: 0 train, 1 validation, 2 test
 *   sample.u32     uint32 LE [count]: annotated R-peak sample index in the record (window sample `pre` is this)
 *   features.f32   float32 LE [count][features.length]: the beat's context (modules/ecg/beat-features.ts): its RR
 *                  context (RrContext fed the record's beat annotations in order), then its QRS against the
 *                  record's dominant beat (BeatTemplate fed the kept windows in order); names in index.json
 *                  `features`; the model's input channels 1.. (docs/FORMAT.md §6)
 *   windows2.f32   float32 LE [count][window]: the same beats from the record's other signal (records[].lead2:
 *                  V1, V2, V4 or V5), for second-lead training and evaluation
 *   features2.f32  float32 LE [count][features.length]: their features (the same RR context, that lead's template)
 *   rhythm.u8      uint8 [count]: index into index.json `rhythms` of the rhythm in force at the beat
 *                  (host/data/rhythm.ts; "" before a record's first rhythm annotation)
 *
 * Windows are in split order (train, validation, test), record by record, in annotation order.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

export const DATASET_FORMAT = 'hypertiny-beat-windows';
/**
 * 2: features.f32 and index.features (RR context); 3: the beat-template features after the RR context; 4: the
 * patient-adaptive RR features, the second lead, rhythms and the DS1 folds; 5: the on-time template's features
 * (tpl_ontime_corr, tpl_ontime_rdiff) after the others, which keep their values.
 */
export const DATASET_VERSION = 5;

export const SPLIT_NAMES = ['train', 'validation', 'test'] as const;
export type SplitName = (typeof SPLIT_NAMES)[number];

export const DATASET_FILES = {
  windows: 'windows.f32',
  aami5: 'aami5.u8',
  vrest: 'vrest.u8',
  record: 'record.u16',
  split: 'split.u8',
  sample: 'sample.u32',
  features: 'features.f32',
  windows2: 'windows2.f32',
  features2: 'features2.f32',
  rhythm: 'rhythm.u8',
} as const;

/** Kept and dropped beats of one record (or a sum of records), per AAMI class. */
export interface BeatCounts {
  kept: Record<string, number>;
  /** Windows that do not fit in the filtered record (valid = 0 from windowsAt): the record's first and last beats. */
  dropped: Record<string, number>;
  /** Beat annotations outside the AAMI EC57 map (e.g. "Q"-like "?" or unmapped symbols); not windows. */
  unmapped: number;
}

export interface RecordEntry extends BeatCounts {
  name: string;
  split: SplitName;
  /** Signal used (MLII by its header description; channel 0 when no signal is named MLII). */
  channel: number;
  lead: string;
  /** The other signal (windows2.f32) and its lead. */
  channel2: number;
  lead2: string;
  /** Duration and seconds per rhythm (index.rhythms names), for events per hour. */
  seconds: number;
  rhythmSeconds: Record<string, number>;
  /** First window index of this record and number of windows. */
  first: number;
  count: number;
}

export interface DatasetIndex {
  format: typeof DATASET_FORMAT;
  version: number;
  count: number;
  window: number;
  /** Window sample of the R peak. */
  pre: number;
  /** Names of the per-window features in features.f32 (BEAT_FEATURE_NAMES). */
  features: string[];
  sampleRate: number;
  units: 'mV';
  classes: { aami5: readonly string[]; vrest: readonly string[] };
  files: typeof DATASET_FILES;
  splits: Record<SplitName, { records: string[]; first: number; count: number; aami5: Record<string, number>; vrest: Record<string, number> }>;
  records: RecordEntry[];
  /** Rhythm names that rhythm.u8 indexes. */
  rhythms: string[];
  /** DS1's cross-validation folds (host/data/aami.ts DS1_FOLDS), records per fold. */
  folds: string[][];
  totals: BeatCounts;
  source: { database: string; ecgConfig: Record<string, number>; builder: string; preprocessing: string };
}

export interface Dataset {
  index: DatasetIndex;
  windows: Float32Array;
  aami5: Uint8Array;
  vrest: Uint8Array;
  record: Uint16Array;
  split: Uint8Array;
  sample: Uint32Array;
  /** [count][index.features.length] */
  features: Float32Array;
  windows2: Float32Array;
  features2: Float32Array;
  rhythm: Uint8Array;
}

async function typed<T>(dir: string, file: string, make: (b: ArrayBuffer) => T): Promise<T> {
  const bytes = await readFile(join(dir, file));
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  return make(copy.buffer);
}

/** Reads a dataset directory, checking every file's size against the index. */
export async function readDataset(dir: string): Promise<Dataset> {
  const index = JSON.parse(await readFile(join(dir, 'index.json'), 'utf8')) as DatasetIndex;
  if (index.format !== DATASET_FORMAT || index.version !== DATASET_VERSION) {
    throw new Error(`${dir}/index.json is not a ${DATASET_FORMAT} v${DATASET_VERSION} index`);
  }
  const f = DATASET_FILES;
  const ds: Dataset = {
    index,
    windows: await typed(dir, f.windows, (b) => new Float32Array(b)),
    aami5: await typed(dir, f.aami5, (b) => new Uint8Array(b)),
    vrest: await typed(dir, f.vrest, (b) => new Uint8Array(b)),
    record: await typed(dir, f.record, (b) => new Uint16Array(b)),
    split: await typed(dir, f.split, (b) => new Uint8Array(b)),
    sample: await typed(dir, f.sample, (b) => new Uint32Array(b)),
    features: await typed(dir, f.features, (b) => new Float32Array(b)),
    windows2: await typed(dir, f.windows2, (b) => new Float32Array(b)),
    features2: await typed(dir, f.features2, (b) => new Float32Array(b)),
    rhythm: await typed(dir, f.rhythm, (b) => new Uint8Array(b)),
  };
  const n = index.count;
  const sizes: [string, number, number][] = [
    [f.windows, ds.windows.length, n * index.window], [f.aami5, ds.aami5.length, n], [f.vrest, ds.vrest.length, n],
    [f.record, ds.record.length, n], [f.split, ds.split.length, n], [f.sample, ds.sample.length, n],
    [f.features, ds.features.length, n * index.features.length],
    [f.windows2, ds.windows2.length, n * index.window], [f.features2, ds.features2.length, n * index.features.length],
    [f.rhythm, ds.rhythm.length, n],
  ];
  for (const [file, actual, expected] of sizes) {
    if (actual !== expected) throw new Error(`${dir}/${file} holds ${actual} values, index.json says ${expected}`);
  }
  return ds;
}
