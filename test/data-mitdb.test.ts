// Checks the reader against the whole MIT-BIH Arrhythmia Database (see host/data/mitdb-path.ts for where it comes from).
import { mitdbTest as test } from './mitdb-data.ts';
import { readFileSync } from 'node:fs';
import { aamiClassOf, AAMI_CLASSES, DS1, DS2, type AamiClass } from '../host/data/aami.ts';
import { mitdbPath } from '../host/data/mitdb-path.ts';
import { listRecords, loadRecord } from '../host/data/records.ts';
import { isBeatSymbol } from '../host/data/wfdb/codes.ts';

/** Total beats per record published in the MIT-BIH directory (the fixture names its source). */
const PUBLISHED_BEATS: Record<string, number> = JSON.parse(readFileSync(new URL('./fixtures/mitdb-published-beats.json', import.meta.url), 'utf8')).beats;

type ClassCounts = Record<AamiClass, number>;

interface RecordSummary {
  beats: number;
  classes: ClassCounts;
  /** Per channel: the header's checksum and the sum mod 2^16 (signed) of the decoded samples, computed here. */
  checksums: { header: number | undefined; computed: number }[];
}

function sum16(samples: Int16Array): number {
  let s = 0;
  for (let i = 0; i < samples.length; i++) s = (s + samples[i]!) & 0xffff;
  return s >= 0x8000 ? s - 0x10000 : s;
}

// Each record is loaded with every check (checksums, initial values, lengths) and reduced to counts right away,
// so the 48 records (about 250 MB of decoded samples) are never held at once.
let summaries: Promise<Map<string, RecordSummary>> | undefined;
const loadSummaries = () => (summaries ??= summarizeDatabase());

async function summarizeDatabase(): Promise<Map<string, RecordSummary>> {
  const dir = await mitdbPath();
  const names = await listRecords(dir);
  const out = new Map<string, RecordSummary>();
  for (const name of names) {
    const { annotations, header, signals } = await loadRecord(dir, name);
    const checksums = header.signals.map((spec, i) => ({ header: spec.checksum, computed: sum16(signals[i]!) }));
    const classes = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0])) as ClassCounts;
    let beats = 0;
    for (const a of annotations) {
      if (isBeatSymbol(a.symbol)) beats++;
      const cls = aamiClassOf(a.symbol);
      if (cls) classes[cls]++;
    }
    out.set(name, { beats, classes, checksums });
  }
  return out;
}

function totals(all: Map<string, RecordSummary>, records: readonly string[]): ClassCounts {
  const sum = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0])) as ClassCounts;
  for (const r of records) for (const c of AAMI_CLASSES) sum[c] += all.get(r)!.classes[c];
  return sum;
}

test('all 48 records load and pass the header checksum and initial value checks', async (t) => {
  const all = await loadSummaries();
  t.deepEqual([...all.keys()].sort(), Object.keys(PUBLISHED_BEATS).sort());
});

test('every channel of the 48 records sums to the checksum its .hea file gives', async (t) => {
  const all = await loadSummaries();
  const channels = [...all].flatMap(([name, s]) => s.checksums.map((c, i) => ({ name, i, ...c })));
  t.is(channels.length, 96);
  t.deepEqual(channels.filter((c) => c.header === undefined).map((c) => `${c.name}/${c.i}`), [], 'every header line carries a checksum');
  t.deepEqual(channels.filter((c) => c.header !== c.computed).map((c) => `${c.name}/${c.i}`), []);
  t.true(new Set(channels.map((c) => c.computed)).size > 48, 'the checksums differ between records');
});

test('beat counts per record equal the PhysioNet MIT-BIH directory tables', async (t) => {
  const all = await loadSummaries();
  const actual = Object.fromEntries([...all].map(([name, s]) => [name, s.beats]));
  t.deepEqual(actual, PUBLISHED_BEATS);
});

test('AAMI class totals of DS1 and DS2 against de Chazal et al. 2004, Table I', async (t) => {
  const all = await loadSummaries();
  t.deepEqual(totals(all, DS2), { N: 44259, S: 1837, V: 3221, F: 388, Q: 7 });
  // de Chazal's table gives DS1 F = 414. The reference annotations hold 415 F beats in DS1 (108: 2, 109: 2,
  // 114: 4, 124: 5, 201: 2, 203: 1, 205: 11, 208: 373, 215: 1, 223: 14); every other DS1/DS2 total matches exactly.
  t.deepEqual(totals(all, DS1), { N: 45866, S: 944, V: 3788, F: 415, Q: 8 });
});

test('a truncated or malformed copy of a database record gives a clear error naming it', async (t) => {
  const { copyFile, mkdtemp, rm, truncate, writeFile, readFile } = await import('node:fs/promises');
  const { tmpdir } = await import('node:os');
  const { join } = await import('node:path');
  const src = await mitdbPath();
  const dir = await mkdtemp(join(tmpdir(), 'hypertiny-mitdb-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  for (const ext of ['hea', 'dat', 'atr']) await copyFile(join(src, `100.${ext}`), join(dir, `100.${ext}`));
  t.is((await loadRecord(dir, '100')).annotations.filter((a) => isBeatSymbol(a.symbol)).length, PUBLISHED_BEATS['100']);
  await truncate(join(dir, '100.dat'), 1_000_000);
  await t.throwsAsync(loadRecord(dir, '100'), { message: /record 100, 100\.dat is truncated: 650000 samples x 2 signals in format 212 need 1950000 bytes, the file has 1000000/ });
  await copyFile(join(src, '100.dat'), join(dir, '100.dat'));
  const hea = await readFile(join(dir, '100.hea'), 'latin1');
  await writeFile(join(dir, '100.hea'), hea.replace(/^100 2 360/, '100 two 360'), 'latin1');
  await t.throwsAsync(loadRecord(dir, '100'), { message: /100\.hea, line 1: .*"two"/ });
  await writeFile(join(dir, '100.hea'), hea, 'latin1');
  const atr = await readFile(join(dir, '100.atr'));
  await truncate(join(dir, '100.atr'), 1000);
  await t.throwsAsync(loadRecord(dir, '100'), { message: /100\.atr is truncated/ });
  await writeFile(join(dir, '100.atr'), atr.subarray(0, 1001));
  await t.throwsAsync(loadRecord(dir, '100'), { message: /100\.atr: malformed annotation file: odd length 1001/ });
});
