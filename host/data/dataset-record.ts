/**
 * Beat windows of one MIT-BIH record, cut by the device's own preprocessing (modules/ecg windowsAt at the annotated
 * beats, then windowToMillivolts), labelled with AAMI classes and the rhythm in force, with each beat's context
 * features (modules/ecg/beat-features.ts); from MLII and, as a second lead, from the record's other signal.
 */
import type { EcgConfig } from '../../modules/ecg/config.ts';
import { windowsAt, windowToMillivolts, type WindowSet } from '../../modules/ecg/index.ts';
import { BEAT_FEATURE_COUNT, RR_PRE_AVG, TEMPLATE_FEATURE_OFFSET } from '../../modules/ecg/beat-features.ts';
import { BeatTemplate } from '../../modules/ecg/beat-template.ts';
import { RR_FEATURE_COUNT, RrContext } from '../../modules/ecg/rr-features.ts';
import { AAMI_CLASSES, aamiClassOf } from './aami.ts';
import { loadRecord } from './records.ts';
import { rhythmAt, rhythmSegments } from './rhythm.ts';
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
  /** The same beats from the record's other signal (V1, V2, V4 or V5 in MIT-BIH): its channel, lead, windows, features. */
  second: { channel: number; lead: string; windows: Float32Array; features: Float32Array };
  /** Rhythm in force at each kept window's R peak (rhythm.ts names, e.g. "N", "AFIB"; "" before the first). */
  rhythm: string[];
  /** The record's duration and the seconds spent in each rhythm ("" before the first rhythm annotation). */
  seconds: number;
  rhythmSeconds: Record<string, number>;
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

interface LeadWindows {
  windows: Float32Array;
  features: Float32Array;
}

/**
 * The kept windows of one signal (its windowsAt set) in mV and their features: the RR context of their beats (the same for every
 * lead) and the QRS template of this lead, fed the kept windows in order.
 */
function leadWindows(set: WindowSet, config: EcgConfig, positions: number[], valid: (i: number) => boolean, rrOf: (i: number) => Float32Array): LeadWindows {
  const count = positions.filter((_, i) => valid(i)).length;
  const windows = new Float32Array(count * WINDOW_LENGTH);
  const features = new Float32Array(count * BEAT_FEATURE_COUNT);
  const template = new BeatTemplate(config.sampleRate, WINDOW_PRE, WINDOW_LENGTH);
  let k = 0;
  for (let i = 0; i < positions.length; i++) {
    if (!valid(i)) continue;
    if (!set.valid[i]) throw new Error(`window ${i} at sample ${positions[i]} fits one signal of the record and not the other`);
    const src = set.windows.subarray(i * WINDOW_LENGTH, (i + 1) * WINDOW_LENGTH);
    windowToMillivolts(src, config.adcGain, windows.subarray(k * WINDOW_LENGTH, (k + 1) * WINDOW_LENGTH));
    const rr = rrOf(i);
    features.set(rr, k * BEAT_FEATURE_COUNT);
    template.next(src, rr[RR_PRE_AVG]!, features, k * BEAT_FEATURE_COUNT + TEMPLATE_FEATURE_OFFSET);
    k++;
  }
  return { windows, features };
}

export async function recordWindows(dir: string, name: string): Promise<RecordWindows> {
  const { header, signals, annotations } = await loadRecord(dir, name);
  const channel = leadChannel(header);
  const channel2 = header.signals.length > 1 ? (channel === 0 ? 1 : 0) : channel;
  const config = ecgConfigOf(header, channel);
  const beats = annotations.filter((a) => isBeatSymbol(a.symbol) || aamiClassOf(a.symbol) !== undefined);
  const labelled = beats.filter((a) => aamiClassOf(a.symbol) !== undefined);
  const positions = labelled.map((a) => a.sample);
  const set1 = windowsAt(signals[channel]!, positions, config);
  const valid = set1.valid;
  const allFeatures = rrFeaturesOf(beats.map((a) => a.sample), config.sampleRate);
  const beatIndex = new Map(beats.map((a, i) => [a, i]));
  const rrOf = (i: number) => {
    const b = beatIndex.get(labelled[i]!)!;
    return allFeatures.subarray(b * RR_FEATURE_COUNT, (b + 1) * RR_FEATURE_COUNT);
  };
  const isKept = (i: number) => valid[i] === 1;
  const config2 = ecgConfigOf(header, channel2);
  const first = leadWindows(set1, config, positions, isKept, rrOf);
  const second = leadWindows(windowsAt(signals[channel2]!, positions, config2), config2, positions, isKept, rrOf);

  const length = signals[channel]!.length;
  const segments = rhythmSegments(annotations, length);
  const fs = config.sampleRate;
  const rhythmSeconds: Record<string, number> = {};
  const covered = segments.reduce((s, g) => s + g.end - g.start, 0);
  if (covered < length) rhythmSeconds[''] = (length - covered) / fs;
  for (const g of segments) rhythmSeconds[g.rhythm] = (rhythmSeconds[g.rhythm] ?? 0) + (g.end - g.start) / fs;

  const keptCount = valid.reduce((s, v) => s + v, 0);
  const aami5 = new Uint8Array(keptCount);
  const samples = new Uint32Array(keptCount);
  const rhythm: string[] = [];
  const kept = zeroCounts();
  const dropped = zeroCounts();
  let k = 0;
  labelled.forEach((a, i) => {
    const cls = aamiClassOf(a.symbol)!;
    if (!valid[i]) {
      dropped[cls]!++;
      return;
    }
    aami5[k] = AAMI_CLASSES.indexOf(cls);
    samples[k] = a.sample;
    rhythm.push(rhythmAt(segments, a.sample) ?? '');
    kept[cls]!++;
    k++;
  });
  const lead = header.signals[channel]!.description;
  return {
    name, channel, lead, config, windows: first.windows, aami5, samples, features: first.features,
    second: { channel: channel2, lead: header.signals[channel2]!.description, ...second },
    rhythm, seconds: length / fs, rhythmSeconds, kept, dropped, unmapped: beats.length - labelled.length,
  };
}
