/**
 * Leave-one-record-out choice of the AF detector's parameters on DS1: for each record, the grid point with the best
 * pooled per-beat Se + Sp on the other 21 records is run on it; the held-out runs are pooled into the figures.
 * The parameters the app ships (AF_DEFAULTS) are the same choice on all of DS1 (its in-sample figures are reported
 * apart). DS2 is never touched here (host/cli/rhythm.ts refuses it without --release).
 */
import type { AfParameters } from '../../modules/rhythm/af-detector.ts';
import { addBeatCounts, countBeats, emptyBeatCounts, MIN_EPISODE_S, rates, scoreStream, type BeatCounts, type EpisodeCounts } from './af-score.ts';
import type { BeatStream, StreamName } from './af-streams.ts';

export const GRID = {
  onset: range(16, 200, 4),
  /** offset = onset × ratio / 1024 */
  offsetRatio: [768],
  smoothing: [2, 3, 4, 5],
  /**
   * Always on: without the RR-prematurity rule, frequent isolated ectopy the classifier does not mark (S beats are
   * never marked) reads as AF (test/rhythm-af.test.ts), and DS1, with little of it, would not stop the grid from
   * switching the rule off.
   */
  prematurity: [832, 896, 960],
  /** 0: no heart-rate weighting. */
  rateReferenceMs: [0, 600, 750, 900],
  /** 0: reported at once; 30: the guideline's shortest AF episode (a longer minimum would drop real episodes). */
  minEpisodeS: [0, 30],
};

export const SELECTION = 'the grid point with the highest pooled per-beat Se + Sp on the training records (ties: the first in grid order)';

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let v = from; v <= to; v += step) out.push(v);
  return out;
}

export function gridPoints(): AfParameters[] {
  const out: AfParameters[] = [];
  for (const rateReferenceMs of GRID.rateReferenceMs)
    for (const smoothing of GRID.smoothing)
      for (const prematurity of GRID.prematurity)
        for (const minEpisodeS of GRID.minEpisodeS)
          for (const ratio of GRID.offsetRatio)
            for (const onset of GRID.onset) out.push({ onset, offset: Math.floor((onset * ratio) / 1024), smoothing, prematurity, rateReferenceMs, minEpisodeS });
  return out;
}

export interface Figures {
  beats: BeatCounts;
  se: number;
  sp: number;
  ppv: number;
  flutterBeats: number;
  flutterCalledAf: number;
  episodes: Omit<EpisodeCounts, 'latencies' | 'alertLatencies'> & { se: number; ppv: number; latencyMedianS: number | null; latenciesS: number[]; alertLatencyMedianS: number | null; alertLatenciesS: number[] };
}

export interface Fold {
  record: string;
  parameters: AfParameters;
  /** The held-out record's figures. */
  beats: BeatCounts;
  episodes: EpisodeCounts;
}

export interface StreamCv {
  stream: StreamName;
  folds: Fold[];
  /** The held-out records pooled: the cross-validated figures. */
  heldOut: Figures;
  /** The choice on all records (what AF_DEFAULTS holds for the device stream) and its in-sample figures. */
  allRecords: { parameters: AfParameters; inSample: Figures };
}

/** Per-beat counts of every grid point on every record: counts[point][record]. */
function gridCounts(streams: readonly BeatStream[], points: readonly AfParameters[]): BeatCounts[][] {
  return points.map((p) => streams.map((s) => countBeats(s, p)));
}

function best(counts: BeatCounts[][], include: (record: number) => boolean): number {
  let bestIndex = 0;
  let bestScore = -Infinity;
  for (let i = 0; i < counts.length; i++) {
    const pooled = emptyBeatCounts();
    counts[i]!.forEach((c, r) => include(r) && addBeatCounts(pooled, c));
    const { se, sp } = rates(pooled);
    const score = (Number.isNaN(se) ? 0 : se) + (Number.isNaN(sp) ? 0 : sp);
    if (score > bestScore) {
      bestScore = score;
      bestIndex = i;
    }
  }
  return bestIndex;
}

export function figures(results: { beats: BeatCounts; episodes: EpisodeCounts }[]): Figures {
  const beats = emptyBeatCounts();
  const e = { reference: 0, found: 0, detected: 0, true: 0, flutterOnly: 0, latencies: [] as number[], alertLatencies: [] as number[] };
  for (const r of results) {
    addBeatCounts(beats, r.beats);
    e.reference += r.episodes.reference;
    e.found += r.episodes.found;
    e.detected += r.episodes.detected;
    e.true += r.episodes.true;
    e.flutterOnly += r.episodes.flutterOnly;
    e.latencies.push(...r.episodes.latencies);
    e.alertLatencies.push(...r.episodes.alertLatencies);
  }
  const scoredDetections = e.detected - e.flutterOnly;
  return {
    beats,
    ...rates(beats),
    flutterBeats: beats.flutter,
    flutterCalledAf: beats.flutterAsAf,
    episodes: {
      reference: e.reference,
      found: e.found,
      detected: e.detected,
      true: e.true,
      flutterOnly: e.flutterOnly,
      se: e.reference === 0 ? NaN : e.found / e.reference,
      ppv: scoredDetections === 0 ? NaN : e.true / scoredDetections,
      latencyMedianS: lowerMedian(e.latencies),
      latenciesS: e.latencies.map(round1),
      alertLatencyMedianS: lowerMedian(e.alertLatencies),
      alertLatenciesS: e.alertLatencies.map(round1),
    },
  };
}

function lowerMedian(values: number[]): number | null {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? null : round1(sorted[(sorted.length - 1) >> 1]!);
}

function round1(x: number): number {
  return Math.round(x * 10) / 10;
}

export function crossValidate(stream: StreamName, streams: readonly BeatStream[], points: readonly AfParameters[] = gridPoints()): StreamCv {
  const counts = gridCounts(streams, points);
  const folds: Fold[] = streams.map((s, held) => {
    const parameters = points[best(counts, (r) => r !== held)]!;
    const { beats, episodes } = scoreStream(s, parameters);
    return { record: s.record, parameters, beats, episodes };
  });
  const chosen = points[best(counts, () => true)]!;
  return {
    stream,
    folds,
    heldOut: figures(folds),
    allRecords: { parameters: chosen, inSample: figures(streams.map((s) => scoreStream(s, chosen))) },
  };
}

const pct = (x: number) => (Number.isNaN(x) ? 'n/a' : (100 * x).toFixed(1));
const params = (p: AfParameters) => `${p.onset}/${p.offset}/${p.smoothing}/${p.prematurity}/${p.rateReferenceMs}/${p.minEpisodeS}`;

export function cvMarkdown(command: string, results: StreamCv[]): string {
  const lines = [
    '# AF detection on MIT-BIH DS1, leave-one-record-out',
    '',
    `\`${command}\` — detector: modules/rhythm/af-detector.ts (after Petrėnas, Marozas & Sörnmo 2015). Each of the 22 DS1`,
    `records is scored with the parameters chosen on the other 21 (${SELECTION}); the table pools the held-out records.`,
    'Only the parameters are chosen per fold: the detector\'s form (its irregularity measure, ectopic rule, rate weighting and backdated onset)',
    'was settled on all of DS1, so these figures are somewhat optimistic. DS1 holds AF in two records only (201, 203).',
    'AF = "(AFIB"; flutter ("(AFL", record 203 only) is left out of Se/Sp/+P and counted apart; beats before a record\'s first',
    `rhythm annotation are left out. Episodes: reference AF ≥ ${MIN_EPISODE_S} s (AFIB segments less than ${MIN_EPISODE_S} s apart joined) and`,
    `detected episodes ≥ ${MIN_EPISODE_S} s; latency = detected onset − reference onset (negative: a detection already running); alert latency: the same`,
    'from the beat at which that onset was reported (an episode is reported once it has lasted minEpisodeS and is dated from where it began).',
    'Streams: device = beats and RR of the device\'s ECG pipeline, ectopic = matched reference V beat (stand-in for the V classifier);',
    'device-rr = the same beats, no classes; reference = the annotated beats, ectopic = AAMI V; app = the device app in the simulator',
    'with models/default.htpw, its own beat packets and classes (V ectopic; the model was trained on DS1, so in-sample there).',
    '',
    '| stream | beat Se % | beat Sp % | beat +P % | AF beats | non-AF beats | flutter beats called AF | episodes found | episode Se % | episode +P % | median onset latency s | median alert latency s |',
    '|---|---|---|---|---|---|---|---|---|---|---|---|',
  ];
  for (const r of results) {
    const f = r.heldOut;
    const b = f.beats;
    lines.push(
      `| ${r.stream} | ${pct(f.se)} | ${pct(f.sp)} | ${pct(f.ppv)} | ${b.tp + b.fn} | ${b.tn + b.fp} | ${f.flutterCalledAf} of ${f.flutterBeats} | ` +
        `${f.episodes.found} of ${f.episodes.reference} | ${pct(f.episodes.se)} | ${pct(f.episodes.ppv)} (${f.episodes.true} of ${f.episodes.detected - f.episodes.flutterOnly}) | ${f.episodes.latencyMedianS ?? 'n/a'} | ${f.episodes.alertLatencyMedianS ?? 'n/a'} |`,
    );
  }
  lines.push('', 'Parameters chosen on all of DS1 (onset/offset/smoothing/prematurity/rateReferenceMs/minEpisodeS) and their in-sample per-beat figures:', '');
  lines.push('| stream | parameters | Se % | Sp % | +P % |', '|---|---|---|---|---|');
  for (const r of results) {
    const f = r.allRecords.inSample;
    lines.push(`| ${r.stream} | ${params(r.allRecords.parameters)} | ${pct(f.se)} | ${pct(f.sp)} | ${pct(f.ppv)} |`);
  }
  for (const r of results) {
    lines.push('', `Held-out records, ${r.stream} stream:`, '');
    lines.push('| record | parameters | TP | FN | FP | TN | flutter (as AF) | AF episodes found | detected episodes (true) |', '|---|---|---|---|---|---|---|---|---|');
    for (const f of r.folds) {
      const b = f.beats;
      lines.push(
        `| ${f.record} | ${params(f.parameters)} | ${b.tp} | ${b.fn} | ${b.fp} | ${b.tn} | ${b.flutter} (${b.flutterAsAf}) | ${f.episodes.found} of ${f.episodes.reference} | ${f.episodes.detected} (${f.episodes.true}) |`,
      );
    }
  }
  return lines.join('\n') + '\n';
}
