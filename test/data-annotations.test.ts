import test from 'ava';
import { join } from 'node:path';
import { decodeAnnotations, readAnnotations } from '../host/data/wfdb/annotations.ts';
import { symbolOfCode } from '../host/data/wfdb/codes.ts';
import { WfdbError } from '../host/data/wfdb/errors.ts';
import { annWord, FIXTURE_DIR, words } from './data-helpers.ts';

const [N, V, NOISE, RHYTHM] = [1, 5, 14, 28];
const [SKIP, NUM, SUB, CHN, AUX] = [59, 60, 61, 62, 63];

test('decodes times, SKIP, NUM, SUB, CHN and AUX with padding', (t) => {
  const bytes = Uint8Array.from([
    ...words(annWord(RHYTHM, 18), annWord(AUX, 3)), ...[0x28, 0x4e, 0x00, 0x00], // "(N\0" + pad byte
    ...words(annWord(N, 59)),
    ...words(annWord(SKIP, 0), 0x0001, 0x0002), // +65538 samples, high word first
    ...words(annWord(V, 3), annWord(NUM, 7), annWord(CHN, 1)),
    ...words(annWord(NOISE, 10), annWord(SUB, 0x3ff), annWord(AUX, 2)), ...[0x41, 0x42], // subtype -1, "AB"
    ...words(annWord(N, 1000)),
    ...words(0),
  ]);
  const anns = decodeAnnotations(bytes);
  t.deepEqual(anns.map((a) => [a.sample, a.symbol, a.subtype, a.chan, a.num, a.aux]), [
    [18, '+', 0, 0, 0, '(N'],
    [77, 'N', 0, 0, 0, ''],
    [77 + 65538 + 3, 'V', 0, 1, 7, ''],
    [77 + 65538 + 13, '~', -1, 1, 7, 'AB'], // CHN and NUM persist, SUB and AUX do not
    [77 + 65538 + 1013, 'N', 0, 1, 7, ''],
  ]);
});

test('maps every WFDB ecgcodes code to its symbol', (t) => {
  const table = 'N=1 L=2 R=3 a=4 V=5 F=6 J=7 A=8 S=9 E=10 j=11 /=12 Q=13 ~=14 |=16 s=18 T=19 *=20 D=21 "=22 ==23 ' +
    'p=24 B=25 ^=26 t=27 +=28 u=29 ?=30 !=31 [=32 ]=33 e=34 n=35 @=36 x=37 f=38 (=39 )=40 r=41';
  for (const pair of table.split(' ')) {
    const at = pair.lastIndexOf('=');
    t.is(symbolOfCode(Number(pair.slice(at + 1))), pair.slice(0, at), pair);
  }
  t.is(symbolOfCode(15), '[15]');
  t.is(symbolOfCode(45), '[45]');
});

test('an empty annotation list is just the end marker', (t) => {
  t.deepEqual(decodeAnnotations(Uint8Array.from(words(0))), []);
});

test('truncated and malformed annotation files give clear errors', (t) => {
  const cases: [number[], RegExp][] = [
    [words(annWord(N, 5)), /x\.atr is truncated: expected annotation word or end-of-file marker at byte 2, but the file ends at byte 2/],
    [[], /truncated.*no end-of-file marker/],
    [words(annWord(SKIP, 0), 0x0001), /truncated: expected SKIP interval at byte 2/],
    [[...words(annWord(N, 5), annWord(AUX, 5)), 0x41, 0x42], /truncated: expected 5 bytes of AUX text/],
    [[...words(annWord(N, 5)), 0], /malformed annotation file: odd length 3/],
    [words(annWord(SKIP, 0), 0xffff, 0xfff0, annWord(N, 1), 0), /malformed annotation file: annotation at negative sample -15/],
  ];
  for (const [bytes, pattern] of cases) {
    t.throws(() => decodeAnnotations(Uint8Array.from(bytes), 'x.atr'), { instanceOf: WfdbError, message: pattern });
  }
});

test('reads the record 119 fixture annotations', async (t) => {
  const anns = await readAnnotations(join(FIXTURE_DIR, '119.atr'));
  const count = (s: string) => anns.filter((a) => a.symbol === s).length;
  t.is(count('N'), 1543);
  t.is(count('V'), 444);
  t.like(anns[0], { symbol: '+', aux: '(N' });
  t.true(anns.every((a, i) => i === 0 || a.sample >= anns[i - 1]!.sample));
});
