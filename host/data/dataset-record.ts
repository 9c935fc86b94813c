/**
 * Beat windows of one MIT-BIH record, cut by the device's own preprocessing (modules/ecg windowsAt at the annotated
 * beats, then windowToMillivolts), labelled with AAMI classes, with each beat's context features
 * (modules/ecg/beat-features.ts).
 */
import type { EcgConfig } from '../../modules/ecg/config.ts';
import { windowsAt, windowToMillivolts } from '../../modules/ecg/index.ts';
import { BEAT_FEATURE_COUNT, TEMPLATE_FEATURE_OFFSET } from '../../modules/ecg/beat-features.ts';
import { BeatTemplate } from '../../modules/ecg/beat-template.ts';
import { RR_FEATURE_COUNT, RrContext } from '../../modules/ecg/rr-features.ts';
import { AAMI_CLASSES, aamiClassOf } from './aami.ts';
import { loadRecord } from './records.ts';
import { isBeatSymbol } from './wfdb/codes.ts';
import type { WfdbHeader } from './wfdb/header.ts';

export const WINDOW_LENGTH = 256;
export const WINDOW_PRE = 128;
export const LEAD = 'MLII';

export interface RecordWindows {
  name: string;
  channel: number;
  lead: string;
  config: EcgConfig;
  /** [count][WINDOW_LENGTH] in mV, only the windows that fit. */
  windows: Float32Array;
  /** AAMI class index (AAMI_CLASSES) per kept window. */
  aami5: Uint8Array;
  /** Annotated sample of each kept window's R peak. */
  samples: Uint32Array;
  /**
   * [count][BEAT_FEATURE_COUNT]: rrFeaturesOf() of each kept window's beat, then its BeatTemplate features, the
   * template fed the kept windows in annotation order.
   */
  features: Float32Array;
  kept: Record<string, number>;
  dropped: Record<string, number>;
  unmapped: number;
}

/** MLII by its header description (record 114 has it on channel 1); channel 0 when no signal is named so. */
export function leadChannel(header: WfdbHeader): number {
  const i = header.signals.findIndex((s) => s.description.trim() === LEAD);
  return i >= 0 ? i : 0;
}

/** The pipeline configuration of a record's signal: its rate, ADC gain, zero and rails from the header. */
export function ecgConfigOf(header: WfdbHeader, channel: number): EcgConfig {
  const s = header.signals[channel]!;
  const half = 2 ** (s.adcResolution - 1);
  return {
    sampleRate: header.samplingFrequency,
    adcGain: s.gain,
    adcZero: s.adcZero,
    adcMin: s.adcZero - half,
    adcMax: s.adcZero + half - 1,
    windowLength: WINDOW_LENGTH,
    windowPre: WINDOW_PRE,
  };
}

function zeroCounts(): Record<string, number> {
  return Object.fromEntries(AAMI_CLASSES.map((c) => [c, 0]));
}

/**
 * RR context (modules/ecg/rr-features.ts) of every beat annotation of a record, in annotation order: beat i gets
 * rrPrevious = sample[i] - sample[i-1] and rrNext = sample[i+1] - sample[i] (0 at the record's ends), the
 * neighbours being the adjacent beat annotations, whatever their class. [beats][RR_FEATURE_COUNT].
 */
export function rrFeaturesOf(beatSamples: ArrayLike<number>, sampleRate: number): Float32Array {
  const n = beatSamples.length;
  const out = new Float32Array(n * RR_FEATURE_COUNT);
  const context = new RrContext(sampleRate);
  for (let i = 0; i < n; i++) {
    const pre = i > 0 ? beatSamples[i]! - beatSamples[i - 1]! : 0;
    const post = i + 1 < n ? beatSamples[i + 1]! - beatSamples[i]! : 0;
    context.next(pre, post, out, i * RR_FEATURE_COUNT);
  }
  return out;
}

export async function recordWindows(dir: string, name: string): Promise<RecordWindows> {
  const { header, signals, annotations } = await loadRecord(dir, name);
  const channel = leadChannel(header);
  const config = ecgConfigOf(header, channel);
  const beats = annotations.filter((a) => isBeatSymbol(a.symbol) || aamiClassOf(a.symbol) !== undefined);
  const labelled = beats.filter((a) => aamiClassOf(a.symbol) !== undefined);
  const set = windowsAt(signals[channel]!, labelled.map((a) => a.sample), config);
  const allFeatures = rrFeaturesOf(beats.map((a) => a.sample), config.sampleRate);
  const beatIndex = new Map(beats.map((a, i) => [a, i]));

  const keptCount = set.valid.reduce((s, v) => s + v, 0);
  const windows = new Float32Array(keptCount * WINDOW_LENGTH);
  const aami5 = new Uint8Array(keptCount);
  const samples = new Uint32Array(keptCount);
  const features = new Float32Array(keptCount * BEAT_FEATURE_COUNT);
  const template = new BeatTemplate(config.sampleRate, WINDOW_PRE, WINDOW_LENGTH);
  const kept = zeroCounts();
  const dropped = zeroCounts();
  let k = 0;
  labelled.forEach((a, i) => {
    const cls = aamiClassOf(a.symbol)!;
    if (!set.valid[i]) {
      dropped[cls]!++;
      return;
    }
    const src = set.windows.subarray(i * WINDOW_LENGTH, (i + 1) * WINDOW_LENGTH);
    windowToMillivolts(src, config.adcGain, windows.subarray(k * WINDOW_LENGTH, (k + 1) * WINDOW_LENGTH));
    aami5[k] = AAMI_CLASSES.indexOf(cls);
    samples[k] = a.sample;
    const b = beatIndex.get(a)!;
    features.set(allFeatures.subarray(b * RR_FEATURE_COUNT, (b + 1) * RR_FEATURE_COUNT), k * BEAT_FEATURE_COUNT);
    template.next(src, features, k * BEAT_FEATURE_COUNT + TEMPLATE_FEATURE_OFFSET);
    kept[cls]!++;
    k++;
  });
  const lead = header.signals[channel]!.description;
  return { name, channel, lead, config, windows, aami5, samples, features, kept, dropped, unmapped: beats.length - labelled.length };
}
