import test from 'ava';
import { aamiClassOf, type AamiClass, DS1, DS2, interPatientSplit, PACED_RECORDS, TRAINING_RECORDS, VALIDATION_RECORDS } from '../host/data/aami.ts';
import { BEAT_SYMBOLS } from '../host/data/wfdb/codes.ts';

const MITDB_RECORDS = [
  '100', '101', '102', '103', '104', '105', '106', '107', '108', '109', '111', '112', '113', '114', '115', '116',
  '117', '118', '119', '121', '122', '123', '124', '200', '201', '202', '203', '205', '207', '208', '209', '210',
  '212', '213', '214', '215', '217', '219', '220', '221', '222', '223', '228', '230', '231', '232', '233', '234',
];

test('AAMI EC57 classes of MIT-BIH beat symbols', (t) => {
  const expected: Record<string, AamiClass> = {
    N: 'N', L: 'N', R: 'N', e: 'N', j: 'N', A: 'S', a: 'S', J: 'S', S: 'S', V: 'V', E: 'V', F: 'F', '/': 'Q', f: 'Q', Q: 'Q',
  };
  for (const [symbol, cls] of Object.entries(expected)) t.is(aamiClassOf(symbol), cls, symbol);
  for (const nonBeat of ['+', '~', '|', '"', 'x', '!', '[', ']', 'p', 't']) t.is(aamiClassOf(nonBeat), undefined, nonBeat);
  for (const symbol of Object.keys(expected)) t.true(BEAT_SYMBOLS.has(symbol), symbol);
});

test('DS1, DS2 and the paced records partition the 48 MIT-BIH records', (t) => {
  t.is(DS1.length, 22);
  t.is(DS2.length, 22);
  t.deepEqual([...DS1, ...DS2, ...PACED_RECORDS].sort(), MITDB_RECORDS);
});

test('validation is a fixed held-out subset of DS1 and training is the rest', (t) => {
  t.is(VALIDATION_RECORDS.length, 5);
  t.true(VALIDATION_RECORDS.every((r) => DS1.includes(r)));
  t.deepEqual([...TRAINING_RECORDS, ...VALIDATION_RECORDS].sort(), [...DS1].sort());
  t.true(TRAINING_RECORDS.includes('208'), '208 holds most DS1 fusion beats; it must stay in training');
  const split = interPatientSplit();
  t.deepEqual(split, { train: TRAINING_RECORDS, validation: VALIDATION_RECORDS, test: DS2 });
  t.true(split.test.every((r) => !split.train.includes(r) && !split.validation.includes(r)));
});
