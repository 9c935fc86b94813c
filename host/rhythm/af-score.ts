/**
 * Scoring the AF detector on a beat stream (host/rhythm/af-streams.ts). Per beat: whether the beat lies inside an
 * episode the detector reported (dated from its onset event, which a confirmed episode backdates) against the reference rhythm at it (AF = "(AFIB"; flutter and beats before the first rhythm annotation left
 * out of Se/Sp, flutter counted on its own). Per episode of at least 30 s: reference AF episodes are the "(AFIB"
 * segments, those less than 30 s apart joined (a short run of another rhythm inside AF does not end the episode); one
 * is found when a detected episode overlaps it; a detected episode is true when it overlaps reference AF, left out when it overlaps
 * only flutter, false otherwise; onset latency is the first overlapping detection's onset minus the reference onset,
 * alert latency the same from the beat at which the detector reported that onset (later, for a confirmed episode).
 */
import { AF_OFFSET, AF_ONSET, AfDetector, type AfParameters } from '../../modules/rhythm/af-detector.ts';
import { TRUTH_AF, TRUTH_FLUTTER, TRUTH_OTHER, type BeatStream } from './af-streams.ts';

export const MIN_EPISODE_S = 30;

export interface BeatCounts {
  tp: number;
  fn: number;
  fp: number;
  tn: number;
  /** Flutter beats, and of them those the detector called AF. */
  flutter: number;
  flutterAsAf: number;
}

export interface EpisodeCounts {
  /** Reference AF episodes ≥ 30 s, and of them those a detection overlaps. */
  reference: number;
  found: number;
  /** Detected episodes ≥ 30 s: overlapping reference AF, overlapping only flutter, overlapping neither. */
  detected: number;
  true: number;
  flutterOnly: number;
  /** Onset latencies (s) of the found reference episodes, and from when each onset was reported. */
  latencies: number[];
  alertLatencies: number[];
}

export interface Episode {
  start: number;
  end: number;
  /** The sample of the beat at which the detector reported it (its onset event), when it came from the detector. */
  reported?: number;
}

export interface StreamResult {
  beats: BeatCounts;
  episodes: EpisodeCounts;
  detected: Episode[];
  /** Shares of the record (permille of its samples) inside detected episodes and inside reference AF. */
  burdenPermille: number;
  referenceBurdenPermille: number;
}

export function emptyBeatCounts(): BeatCounts {
  return { tp: 0, fn: 0, fp: 0, tn: 0, flutter: 0, flutterAsAf: 0 };
}

export function addBeatCounts(into: BeatCounts, c: BeatCounts): BeatCounts {
  into.tp += c.tp;
  into.fn += c.fn;
  into.fp += c.fp;
  into.tn += c.tn;
  into.flutter += c.flutter;
  into.flutterAsAf += c.flutterAsAf;
  return into;
}

/** Per-beat counts only (the parameter search's inner loop): a beat is AF when it lies inside a reported episode. */
export function countBeats(stream: BeatStream, parameters: AfParameters, detected?: Episode[]): BeatCounts {
  const c = emptyBeatCounts();
  const episodes = detectEpisodes(stream, parameters);
  detected?.push(...episodes);
  const { sample, interrupt, truth } = stream;
  let e = 0;
  for (let i = 0; i < sample.length; i++) {
    if (interrupt[i]) continue;
    const x = sample[i]!;
    while (e < episodes.length && episodes[e]!.end <= x) e++;
    const af = e < episodes.length && episodes[e]!.start <= x;
    const t = truth[i];
    if (t === TRUTH_AF) af ? c.tp++ : c.fn++;
    else if (t === TRUTH_OTHER) af ? c.fp++ : c.tn++;
    else if (t === TRUTH_FLUTTER) {
      c.flutter++;
      if (af) c.flutterAsAf++;
    }
  }
  return c;
}

/**
 * The episodes the detector reports, each from its onset event's sample index (where it began, which a confirmed
 * episode dates back to) to its offset's; one still running at the end closes at the record's end.
 */
export function detectEpisodes(stream: BeatStream, parameters: AfParameters): Episode[] {
  const detector = new AfDetector(stream.sampleRate, parameters);
  const { sample, rrPrevious, rrNext, ectopic, interrupt } = stream;
  const out: Episode[] = [];
  let onset = -1;
  let reported = -1;
  for (let i = 0; i < sample.length; i++) {
    const change = interrupt[i] ? detector.interrupt(sample[i]!) : detector.beat(rrPrevious[i]!, rrNext[i]!, ectopic[i] === 1, sample[i]!);
    if (change === AF_ONSET) {
      onset = detector.onsetSample;
      reported = sample[i]!;
    } else if (change === AF_OFFSET) {
      out.push({ start: onset, end: sample[i]!, reported });
      onset = -1;
    }
  }
  if (onset >= 0) out.push({ start: onset, end: stream.length, reported });
  return out;
}

export function scoreStream(stream: BeatStream, parameters: AfParameters): StreamResult {
  const detected: Episode[] = [];
  const beats = countBeats(stream, parameters, detected);
  const min = MIN_EPISODE_S * stream.sampleRate;
  const overlaps = (e: Episode, rhythm: string) => stream.segments.some((s) => s.rhythm === rhythm && s.start < e.end && e.start < s.end);
  const reference = referenceEpisodes(stream, min).filter((e) => e.end - e.start >= min);
  const long = detected.filter((e) => e.end - e.start >= min);
  const latencies: number[] = [];
  const alertLatencies: number[] = [];
  for (const r of reference) {
    const first = detected.find((e) => e.start < r.end && r.start < e.end);
    if (!first) continue;
    latencies.push((first.start - r.start) / stream.sampleRate);
    alertLatencies.push(((first.reported ?? first.start) - r.start) / stream.sampleRate);
  }
  const isTrue = long.map((e) => overlaps(e, 'AFIB'));
  const episodes: EpisodeCounts = {
    reference: reference.length,
    found: latencies.length,
    detected: long.length,
    true: isTrue.filter(Boolean).length,
    flutterOnly: long.filter((e, i) => !isTrue[i] && overlaps(e, 'AFL')).length,
    latencies,
    alertLatencies,
  };
  const afSamples = detected.reduce((n, e) => n + e.end - e.start, 0);
  const refSamples = stream.segments.filter((s) => s.rhythm === 'AFIB').reduce((n, s) => n + s.end - s.start, 0);
  return {
    beats,
    episodes,
    detected,
    burdenPermille: Math.round((afSamples * 1000) / stream.length),
    referenceBurdenPermille: Math.round((refSamples * 1000) / stream.length),
  };
}

/** "(AFIB" segments, joined across gaps shorter than `gap` samples. */
export function referenceEpisodes(stream: BeatStream, gap: number): Episode[] {
  const out: Episode[] = [];
  for (const s of stream.segments) {
    if (s.rhythm !== 'AFIB') continue;
    const last = out.at(-1);
    if (last && s.start - last.end < gap) last.end = s.end;
    else out.push({ start: s.start, end: s.end });
  }
  return out;
}

export function rates(c: BeatCounts): { se: number; sp: number; ppv: number } {
  return {
    se: c.tp + c.fn === 0 ? NaN : c.tp / (c.tp + c.fn),
    sp: c.tn + c.fp === 0 ? NaN : c.tn / (c.tn + c.fp),
    ppv: c.tp + c.fp === 0 ? NaN : c.tp / (c.tp + c.fp),
  };
}
