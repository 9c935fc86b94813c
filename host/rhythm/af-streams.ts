/**
 * The beat streams the AF detector (modules/rhythm/af-detector.ts) is evaluated on, one per MIT-BIH record, each
 * beat labelled with the reference rhythm at its R peak (host/data/rhythm.ts):
 * - "device": the beats the device's own ECG pipeline delivers (modules/ecg through Node's wasm face), with its RR
 *   intervals and its signal-quality interruptions; a beat is ectopic when the reference beat it matches (±150 ms)
 *   is ventricular (AAMI V), standing in for the app's V-vs-rest classifier (whose DS1 output is in-sample);
 * - "device-rr": the same beats with no classes at all (the app without a model);
 * - "reference": the annotated beats themselves, RR from one annotation to the next, ectopic when AAMI V;
 * - "app": the device app itself in the simulator with the shipped model (models/default.htpw): its beat packets'
 *   RR intervals and classes (ectopic by modules/rhythm's ectopicForAf: confident V), its bad-signal events; the model was trained on DS1, so its classes
 *   there are in-sample.
 */
import * as P from '../../modules/ble/protocol.ts';
import { EcgPipeline } from '../../modules/ecg/pipeline.ts';
import { ectopicForAf } from '../../modules/rhythm/af-detector.ts';
import { ensureBuilt } from '../app/build.ts';
import { TRAINED_DEFAULT } from '../app/default-model.ts';
import { loadRecording } from '../app/ecg-resource.ts';
import { SimApp } from '../app/sim-app.ts';
import { aamiClassOf } from '../data/aami.ts';
import { ecgConfigOf, leadChannel } from '../data/dataset-record.ts';
import { loadRecord } from '../data/records.ts';
import { rhythmAt, rhythmSegments, type RhythmSegment } from '../data/rhythm.ts';
import { isBeatSymbol } from '../data/wfdb/codes.ts';

export const STREAMS = ['device', 'device-rr', 'reference', 'app'] as const;
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

/** The streams of one record ("app" only when `app` is true: it runs the simulator). */
export async function recordStreams(dir: string, record: string, app = false): Promise<Record<StreamName, BeatStream>> {
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
  const empty = (): BeatStream => ({ ...base, sample: new Int32Array(0), rrPrevious: new Int32Array(0), rrNext: new Int32Array(0), ectopic: new Uint8Array(0), interrupt: new Uint8Array(0), truth: new Uint8Array(0) });
  return {
    app: app ? await appStream(record, segments) : empty(),
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

/** The beats, classes and bad-signal events the device app sends over BLE for a whole record, in its simulator. */
async function appStream(record: string, segments: RhythmSegment[]): Promise<BeatStream> {
  ensureBuilt(['app'], () => {});
  const recording = await loadRecording(record);
  const run = new SimApp({ recording, model: TRAINED_DEFAULT, config: { traceBeats: false } });
  const out = { sample: [] as number[], rrPrevious: [] as number[], rrNext: [] as number[], ectopic: [] as number[], interrupt: [] as number[] };
  let classes: string[] = [];
  run.on('value', (id: number, bytes: Uint8Array) => {
    if (id === P.CLASS_NAMES) classes = P.decodeClassNames(bytes);
  });
  run.on('packet', (id: number, bytes: Uint8Array) => {
    if (id === P.BEAT) {
      const b = P.decodeBeat(bytes);
      const name = b.classIndex === undefined ? undefined : classes[b.classIndex];
      out.sample.push(b.sampleIndex);
      out.rrPrevious.push(b.rrPrevious);
      out.rrNext.push(b.rrNext);
      out.ectopic.push(ectopicForAf(name, b.confidence) ? 1 : 0);
      out.interrupt.push(0);
    } else if (id === P.EVENT) {
      const e = P.decodeEvent(bytes);
      if (e.kind !== P.EVENT_QUALITY || e.value < P.QUALITY_LEAD_OFF) return;
      out.sample.push(e.sampleIndex);
      out.rrPrevious.push(0);
      out.rrNext.push(0);
      out.ectopic.push(0);
      out.interrupt.push(1);
    }
  });
  const result = await run.done;
  if (result.status !== 0) throw new Error(`record ${record}: the app stopped in the simulator (exit ${result.status}): ${result.stderr.trim().split('\n').at(-1)}`);
  return {
    record,
    sampleRate: recording.sampleRate,
    length: recording.samples.length,
    segments,
    sample: Int32Array.from(out.sample),
    rrPrevious: Int32Array.from(out.rrPrevious),
    rrNext: Int32Array.from(out.rrNext),
    ectopic: Uint8Array.from(out.ectopic),
    interrupt: Uint8Array.from(out.interrupt),
    truth: Uint8Array.from(out.sample, (s) => truthOf(rhythmAt(segments, s))),
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
