/**
 * Builds the beat-window dataset (dataset-format.ts) from MIT-BIH: train = DS1 minus the validation records,
 * validation = VALIDATION_RECORDS, test = DS2 (host/data/aami.ts).
 */
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AAMI_CLASSES, DS1_FOLDS, interPatientSplit } from './aami.ts';
import {
  DATASET_FILES, DATASET_FORMAT, DATASET_VERSION, SPLIT_NAMES, type BeatCounts, type DatasetIndex, type RecordEntry, type SplitName,
} from './dataset-format.ts';
import { BEAT_FEATURE_NAMES } from '../../modules/ecg/beat-features.ts';
import { recordWindows, WINDOW_LENGTH, WINDOW_PRE, type RecordWindows } from './dataset-record.ts';

export const DEFAULT_DATASET_DIR = 'results/tmp/mitbih-windows';

export interface BuildOptions {
  /** Directory of the MIT-BIH WFDB files (mitdbPath()). */
  mitdb: string;
  out: string;
  /** Records per split; the inter-patient split by default (tests pass a few records). */
  splits?: Record<SplitName, readonly string[]>;
  /** Progress lines (default: none). */
  log?: (line: string) => void;
}

function sumCounts(into: BeatCounts, r: BeatCounts): void {
  for (const c of AAMI_CLASSES) {
    into.kept[c]! += r.kept[c]!;
    into.dropped[c]! += r.dropped[c]!;
  }
  into.unmapped += r.unmapped;
}

function emptyCounts(): BeatCounts {
  const zero = () => Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0]));
  return { kept: zero(), dropped: zero(), unmapped: 0 };
}

function concat<T extends Float32Array | Uint8Array | Uint16Array | Uint32Array>(parts: T[], make: (n: number) => T): T {
  const out = make(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p as never, at);
    at += p.length;
  }
  return out;
}

function bytesOf(a: Float32Array | Uint8Array | Uint16Array | Uint32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

export async function buildDataset(options: BuildOptions): Promise<DatasetIndex> {
  const recordsBySplit: Record<SplitName, readonly string[]> = options.splits ?? interPatientSplit();
  const log = options.log ?? (() => {});
  const parts: RecordWindows[] = [];
  const entries: RecordEntry[] = [];
  const splitCodes: Uint8Array[] = [];
  const recordIds: Uint16Array[] = [];
  const totals = emptyCounts();
  const splits = {} as DatasetIndex['splits'];
  let first = 0;
  for (const [code, split] of SPLIT_NAMES.entries()) {
    const splitFirst = first;
    const aami5 = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0]));
    for (const name of recordsBySplit[split]) {
      const r = await recordWindows(options.mitdb, name);
      const count = r.aami5.length;
      parts.push(r);
      splitCodes.push(new Uint8Array(count).fill(code));
      recordIds.push(new Uint16Array(count).fill(Number(name)));
      entries.push({
        name, split, channel: r.channel, lead: r.lead, channel2: r.second.channel, lead2: r.second.lead,
        seconds: r.seconds, rhythmSeconds: r.rhythmSeconds, first, count, kept: r.kept, dropped: r.dropped, unmapped: r.unmapped,
      });
      sumCounts(totals, r);
      for (const c of AAMI_CLASSES) aami5[c]! += r.kept[c]!;
      first += count;
      const dropped = AAMI_CLASSES.reduce((s, c) => s + r.dropped[c]!, 0);
      log(`${split} ${name} (${r.lead}, ${r.second.lead}): ${count} windows, ${dropped} dropped, ${r.unmapped} unmapped beats`);
    }
    splits[split] = {
      records: [...recordsBySplit[split]], first: splitFirst, count: first - splitFirst, aami5,
      vrest: { rest: first - splitFirst - aami5['V']!, V: aami5['V']! },
    };
  }

  const aami5 = concat(parts.map((p) => p.aami5), (n) => new Uint8Array(n));
  const vIndex = AAMI_CLASSES.indexOf('V');
  const rhythms = [...new Set(parts.flatMap((p) => p.rhythm))].sort();
  const rhythmCodes = new Uint8Array(parts.flatMap((p) => p.rhythm.map((r) => rhythms.indexOf(r))));
  if (rhythms.length > 255) throw new Error(`${rhythms.length} rhythm names do not fit rhythm.u8`);
  const config: Record<string, number> = { ...parts[0]?.config };
  const index: DatasetIndex = {
    format: DATASET_FORMAT,
    version: DATASET_VERSION,
    count: first,
    window: WINDOW_LENGTH,
    pre: WINDOW_PRE,
    features: [...BEAT_FEATURE_NAMES],
    sampleRate: config['sampleRate'] ?? 360,
    units: 'mV',
    classes: { aami5: AAMI_CLASSES, vrest: ['rest', 'V'] },
    files: DATASET_FILES,
    splits,
    records: entries,
    rhythms,
    folds: DS1_FOLDS.map((f) => [...f]),
    totals,
    source: {
      database: 'MIT-BIH Arrhythmia Database (mitdb)',
      ecgConfig: config,
      builder: 'host/data/dataset-build.ts',
      preprocessing: 'modules/ecg windowsAt at the annotated beats (reference annotator atr), then windowToMillivolts; features: modules/ecg/beat-features.ts, RrContext over all beat annotations in order, BeatTemplate over the kept windows in order, per lead; rhythm: host/data/rhythm.ts at the annotated R peak',
    },
  };
  const files: [string, Uint8Array][] = [
    [DATASET_FILES.windows, bytesOf(concat(parts.map((p) => p.windows), (n) => new Float32Array(n)))],
    [DATASET_FILES.aami5, aami5],
    [DATASET_FILES.vrest, aami5.map((c) => (c === vIndex ? 1 : 0))],
    [DATASET_FILES.record, bytesOf(concat(recordIds, (n) => new Uint16Array(n)))],
    [DATASET_FILES.split, concat(splitCodes, (n) => new Uint8Array(n))],
    [DATASET_FILES.sample, bytesOf(concat(parts.map((p) => p.samples), (n) => new Uint32Array(n)))],
    [DATASET_FILES.features, bytesOf(concat(parts.map((p) => p.features), (n) => new Float32Array(n)))],
    [DATASET_FILES.windows2, bytesOf(concat(parts.map((p) => p.second.windows), (n) => new Float32Array(n)))],
    [DATASET_FILES.features2, bytesOf(concat(parts.map((p) => p.second.features), (n) => new Float32Array(n)))],
    [DATASET_FILES.rhythm, rhythmCodes],
  ];
  await mkdir(options.out, { recursive: true });
  // No index.json while the binaries change: an interrupted build leaves no readable dataset behind.
  await rm(join(options.out, 'index.json'), { force: true });
  for (const [file, data] of files) await writeFile(join(options.out, file), data);
  const tmp = join(options.out, 'index.json.tmp');
  await writeFile(tmp, JSON.stringify(index, null, 1) + '\n');
  await rename(tmp, join(options.out, 'index.json'));
  return index;
}
