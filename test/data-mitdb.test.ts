// Checks the reader against the whole MIT-BIH Arrhythmia Database (see host/data/mitdb-path.ts for where it comes from).
import test from 'ava';
import { aamiClassOf, AAMI_CLASSES, DS1, DS2, type AamiClass } from '../host/data/aami.ts';
import { mitdbPath } from '../host/data/mitdb-path.ts';
import { listRecords, loadRecord } from '../host/data/records.ts';
import { isBeatSymbol } from '../host/data/wfdb/codes.ts';

/** Total beats per record from the PhysioNet MIT-BIH directory tables (beats as counted by isBeatSymbol). */
const PUBLISHED_BEATS: Record<string, number> = {
  100: 2273, 101: 1865, 102: 2187, 103: 2084, 104: 2229, 105: 2572, 106: 2027, 107: 2137, 108: 1763, 109: 2532,
  111: 2124, 112: 2539, 113: 1795, 114: 1879, 115: 1953, 116: 2412, 117: 1535, 118: 2278, 119: 1987, 121: 1863,
  122: 2476, 123: 1518, 124: 1619, 200: 2601, 201: 1963, 202: 2136, 203: 2980, 205: 2656, 207: 1860, 208: 2955,
  209: 3005, 210: 2650, 212: 2748, 213: 3251, 214: 2262, 215: 3363, 217: 2208, 219: 2154, 220: 2048, 221: 2427,
  222: 2483, 223: 2605, 228: 2053, 230: 2256, 231: 1571, 232: 1780, 233: 3079, 234: 2753,
};

type ClassCounts = Record<AamiClass, number>;

interface RecordSummary {
  beats: number;
  classes: ClassCounts;
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
    const { annotations } = await loadRecord(dir, name);
    const classes = Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0])) as ClassCounts;
    let beats = 0;
    for (const a of annotations) {
      if (isBeatSymbol(a.symbol)) beats++;
      const cls = aamiClassOf(a.symbol);
      if (cls) classes[cls]++;
    }
    out.set(name, { beats, classes });
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
