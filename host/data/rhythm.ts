import type { Annotation } from './wfdb/annotations.ts';
import { WfdbError } from './wfdb/errors.ts';

/** A stretch of one rhythm: samples [start, end). `rhythm` is the aux text without its "(", e.g. "AFIB", "N", "AFL". */
export interface RhythmSegment {
  start: number;
  end: number;
  rhythm: string;
}

/**
 * The rhythm segments of a record of `length` samples from its annotations. MIT-BIH marks each rhythm change with a
 * "+" annotation whose aux text is "(" and the rhythm's name; the rhythm lasts until the next change or the end of the
 * record. Samples before the first change have no rhythm (no segment). A change to the rhythm already in force
 * extends the segment instead of starting another. "+" annotations without "(" text (none in MIT-BIH) are ignored.
 */
export function rhythmSegments(annotations: readonly Annotation[], length: number): RhythmSegment[] {
  if (!Number.isInteger(length) || length < 0) throw new WfdbError(`rhythm segments: record length ${length} is not a sample count`);
  const segments: RhythmSegment[] = [];
  let previous = -1;
  for (const a of annotations) {
    if (a.symbol !== '+' || !a.aux.startsWith('(')) continue;
    if (a.sample < previous) throw new WfdbError(`rhythm change "${a.aux}" at sample ${a.sample} comes before the one at ${previous}`);
    if (a.sample >= length) throw new WfdbError(`rhythm change "${a.aux}" at sample ${a.sample} lies past the end of the record (${length} samples)`);
    previous = a.sample;
    const rhythm = a.aux.slice(1).trim();
    const last = segments.at(-1);
    if (last) {
      if (last.rhythm === rhythm) continue;
      last.end = a.sample;
      if (last.start === last.end) segments.pop(); // two changes at one sample: the later one holds
    }
    const before = segments.at(-1);
    if (before && before.rhythm === rhythm) before.end = length;
    else segments.push({ start: a.sample, end: length, rhythm });
  }
  return segments;
}

/** The rhythm at `sample` (a segment from rhythmSegments), or undefined before the first rhythm annotation or past the end. */
export function rhythmAt(segments: readonly RhythmSegment[], sample: number): string | undefined {
  let lo = 0;
  let hi = segments.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (segments[mid]!.end <= sample) lo = mid + 1;
    else hi = mid;
  }
  const s = segments[lo];
  return s && s.start <= sample && sample < s.end ? s.rhythm : undefined;
}
