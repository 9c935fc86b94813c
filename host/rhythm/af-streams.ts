/**
 * The beat streams the AF detector (modules/rhythm/af-detector.ts) is evaluated on, one per MIT-BIH record, each
 * beat labelled with the reference rhythm at its R peak (host/data/rhythm.ts):
 * - "device": the beats the device's own ECG pipeline delivers (modules/ecg through Node's wasm face), with its RR
 *   intervals and its signal-quality interruptions; a beat is ectopic when the reference beat it matches (±150 ms)
 *   is ventricular (AAMI V), standing in for the app's V-vs-rest classifier (whose DS1 output is in-sample);
 * - "device-rr": the same beats with no classes at all (the app without a model);
 * - "reference": the annotated beats themselves, RR from one annotation to the next, ectopic when AAMI V.
 */
import { EcgPipeline } from '../../modules/ecg/pipeline.ts';
import { aamiClassOf } from '../data/aami.ts';
import { ecgConfigOf, leadChannel } from '../data/dataset-record.ts';
import { loadRecord } from '../data/records.ts';
import { rhythmAt, rhythmSegments, type RhythmSegment } from '../data/rhythm.ts';
import { isBeatSymbol } from '../data/wfdb/codes.ts';

export const STREAMS = ['device', 'device-rr', 'reference'] as const;
export type StreamName = (typeof STREAMS)[number];

/** Per-beat truth: AF, flutter (left out of AF Se/Sp), other rhythm, or no rhythm annotated yet (left out). */
export const TRUTH_OTHER = 0;
export const TRUTH_AF = 1;
export const TRUTH_FLUTTER = 2;
export const TRUTH_NONE = 3;

/** One record's stream: beats in order, an interruption being a beat with interrupt = 1 (its RR fields unused). */
export interface BeatStream {
  record: string;
  sampleRate: number;
  length: number;
  sample: Int32Array;
  rrPrevious: Int32Array;
  rrNext: Int32Array;
  ectopic: Uint8Array;
  interrupt: Uint8Array;
  truth: Uint8Array;
  segments: RhythmSegment[];
}

const MATCH_MS = 150;

export function truthOf(rhythm: string | undefined): number {
  return rhythm === undefined ? TRUTH_NONE : rhythm === 'AFIB' ? TRUTH_AF : rhythm === 'AFL' ? TRUTH_FLUTTER : TRUTH_OTHER;
}

/** The three streams of one record. */
export async function recordStreams(dir: string, record: string): Promise<Record<StreamName, BeatStream>> {
  const { header, signals, annotations } = await loadRecord(dir, record);
  const channel = leadChannel(header);
  const config = ecgConfigOf(header, channel);
  const signal = signals[channel]!;
  const segments = rhythmSegments(annotations, signal.length);
  const beats = annotations.filter((a) => isBeatSymbol(a.symbol));
  const refSample = beats.map((a) => a.sample);
  const refV = beats.map((a) => aamiClassOf(a.symbol) === 'V');

  const dev = { sample: [] as number[], rrPrevious: [] as number[], rrNext: [] as number[], interrupt: [] as number[] };
  const pipeline = new EcgPipeline(
    config,
    (beat) => {
      dev.sample.push(beat.sampleIndex);
      dev.rrPrevious.push(beat.rrPrevious);
      dev.rrNext.push(beat.rrNext);
      dev.interrupt.push(0);
    },
    (event) => {
      // as modules/app/monitor.ts: lead-off, flatline and saturation break the beat sequence
      if (event.reason === 'ok' || event.reason === 'garbage') return;
      dev.sample.push(event.sampleIndex);
      dev.rrPrevious.push(0);
      dev.rrNext.push(0);
      dev.interrupt.push(1);
    },
  );
  pipeline.pushBlock(signal);
  pipeline.flush();

  const tolerance = Math.round((MATCH_MS * config.sampleRate) / 1000);
  const devV = matchedFlags(dev.sample, dev.interrupt, refSample, refV, tolerance);
  const base = { record, sampleRate: config.sampleRate, length: signal.length, segments };
  const deviceStream = (ectopic: Uint8Array): BeatStream => ({
    ...base,
    sample: Int32Array.from(dev.sample),
    rrPrevious: Int32Array.from(dev.rrPrevious),
    rrNext: Int32Array.from(dev.rrNext),
    ectopic,
    interrupt: Uint8Array.from(dev.interrupt),
    truth: Uint8Array.from(dev.sample, (s) => truthOf(rhythmAt(segments, s))),
  });
  const n = refSample.length;
  return {
    device: deviceStream(devV),
    'device-rr': deviceStream(new Uint8Array(dev.sample.length)),
    reference: {
      ...base,
      sample: Int32Array.from(refSample),
      rrPrevious: Int32Array.from(refSample, (s, i) => (i > 0 ? s - refSample[i - 1]! : 0)),
      rrNext: Int32Array.from(refSample, (s, i) => (i + 1 < n ? refSample[i + 1]! - s : 0)),
      ectopic: Uint8Array.from(refV, (v) => (v ? 1 : 0)),
      interrupt: new Uint8Array(n),
      truth: Uint8Array.from(refSample, (s) => truthOf(rhythmAt(segments, s))),
    },
  };
}

/** For each detected beat, the flag of the nearest reference beat within ±tolerance samples (0 when none). */
function matchedFlags(detected: number[], interrupt: number[], reference: number[], flags: boolean[], tolerance: number): Uint8Array {
  const out = new Uint8Array(detected.length);
  let j = 0;
  for (let i = 0; i < detected.length; i++) {
    if (interrupt[i]) continue;
    const d = detected[i]!;
    while (j < reference.length && reference[j]! < d - tolerance) j++;
    let best = -1;
    for (let k = j; k < reference.length && reference[k]! <= d + tolerance; k++) {
      if (best < 0 || Math.abs(reference[k]! - d) < Math.abs(reference[best]! - d)) best = k;
    }
    if (best >= 0 && flags[best]) out[i] = 1;
  }
  return out;
}
