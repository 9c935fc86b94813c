// Rhythm segments from MIT-BIH "+" annotations (host/data/rhythm.ts).
import test from 'ava';
import { mitdbPath } from '../host/data/mitdb-path.ts';
import { loadRecord } from '../host/data/records.ts';
import { rhythmAt, rhythmSegments } from '../host/data/rhythm.ts';
import type { Annotation } from '../host/data/wfdb/annotations.ts';
import { WfdbError } from '../host/data/wfdb/errors.ts';
import { mitdbTest } from './mitdb-data.ts';

const ann = (sample: number, symbol: string, aux = ''): Annotation => ({ sample, symbol, aux, code: 0, subtype: 0, chan: 0, num: 0 });

test('segments run from one rhythm change to the next; repeats extend, beats and other aux text are ignored', (t) => {
  const anns = [
    ann(10, '+', '(N'), ann(50, 'N'), ann(100, '+', '(AFIB'), ann(150, '~', 'noise'), ann(200, '+', '(AFIB'),
    ann(300, '+', '(AFL'), ann(300, '+', '(N'), ann(400, '+', '(N'),
  ];
  const segments = rhythmSegments(anns, 1000);
  t.deepEqual(segments, [
    { start: 10, end: 100, rhythm: 'N' },
    { start: 100, end: 300, rhythm: 'AFIB' },
    { start: 300, end: 1000, rhythm: 'N' },
  ]);
  t.deepEqual([0, 9, 10, 99, 100, 299, 300, 999, 1000].map((s) => rhythmAt(segments, s)),
    [undefined, undefined, 'N', 'N', 'AFIB', 'AFIB', 'N', 'N', undefined]);
  t.deepEqual(rhythmSegments([], 1000), []);
});

test('out-of-order or out-of-range rhythm changes are reported', (t) => {
  t.throws(() => rhythmSegments([ann(100, '+', '(N'), ann(50, '+', '(AFIB')], 1000), { instanceOf: WfdbError, message: /before/ });
  t.throws(() => rhythmSegments([ann(1000, '+', '(N')], 1000), { instanceOf: WfdbError, message: /past the end/ });
  t.throws(() => rhythmSegments([], -1), { instanceOf: WfdbError });
});

mitdbTest('record 203: atrial fibrillation and flutter episodes, the record covered without gaps', async (t) => {
  const { annotations, signals } = await loadRecord(await mitdbPath(), '203');
  const segments = rhythmSegments(annotations, signals[0]!.length);
  const rhythms = new Set(segments.map((s) => s.rhythm));
  t.true(rhythms.has('AFIB') && rhythms.has('AFL') && rhythms.has('VT'), [...rhythms].join(','));
  for (let i = 1; i < segments.length; i++) {
    t.is(segments[i]!.start, segments[i - 1]!.end);
    t.not(segments[i]!.rhythm, segments[i - 1]!.rhythm);
  }
  t.is(segments.at(-1)!.end, signals[0]!.length);
  const af = segments.filter((s) => s.rhythm === 'AFIB').reduce((n, s) => n + s.end - s.start, 0);
  // 203's rhythm changes add up to 24:15 of AFIB and 5:14 of AFL (its 0:33 of VT and 0:04 of T lie between).
  const seconds = (rhythm: string) => Math.round(segments.filter((s) => s.rhythm === rhythm).reduce((n, s) => n + s.end - s.start, 0) / 360);
  t.is(seconds('AFIB'), 24 * 60 + 15);
  t.is(seconds('AFL'), 5 * 60 + 14);
});
