// The apnea decision score (modules/rhythm/apnea-score.ts): the floor of the mean of the last `minutes` assessed
// minutes' q_A − q_N within a recording, against a direct reference on random streams; not-assessed minutes keep their
// own score and do not enter their neighbours'; recordings do not leak into each other; bad window lengths refused.
import test from "ava";
import { APNEA_SCORE_MINUTES_MAX, ApneaScoreWindow } from "../modules/rhythm/apnea-score.ts";
import { decisionScores } from "../host/rhythm/apnea-eval.ts";

function lcg(seed: number) {
	let s = seed >>> 0;
	return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

/** The definition, written out: per recording, the assessed minutes so far, the last `minutes` of them averaged. */
function reference(scores: number[], record: number[], minutes: number, assessed: boolean[]): number[] {
	return scores.map((s, i) => {
		if (!assessed[i]) return s;
		const earlier: number[] = [];
		for (let j = i; j >= 0 && record[j] === record[i] && earlier.length < minutes; j--) if (assessed[j]) earlier.push(scores[j]!);
		return Math.floor(earlier.reduce((a, b) => a + b, 0) / earlier.length);
	});
}

test("decisionScores equals the written-out definition on random recordings, every window length", (t) => {
	const rand = lcg(7);
	for (let trial = 0; trial < 40; trial++) {
		const n = 1 + Math.floor(rand() * 200);
		const scores = Array.from({ length: n }, () => Math.floor(rand() * 511) - 255);
		const record: number[] = [];
		let r = 0;
		for (let i = 0; i < n; i++) record.push(rand() < 0.03 ? ++r : r);
		const assessed = scores.map(() => rand() > 0.1);
		for (let minutes = 1; minutes <= APNEA_SCORE_MINUTES_MAX; minutes++) {
			const got = Array.from(decisionScores(Int16Array.from(scores), record, minutes, (i) => assessed[i]!));
			t.deepEqual(got, reference(scores, record, minutes, assessed), `trial ${trial}, ${minutes} minutes`);
		}
	}
});

test("one minute is the minute's own score; the floor of a negative mean rounds down", (t) => {
	const w = new ApneaScoreWindow(1);
	t.deepEqual([5, -3, 200].map((s) => w.push(s)), [5, -3, 200]);
	const three = new ApneaScoreWindow(3);
	t.deepEqual([-1, 0, 0, 3, 3].map((s) => three.push(s)), [-1, -1, -1, 1, 2], "floor(-1/2) = -1, floor(-1/3) = -1, then (0+0+3)/3, (0+3+3)/3");
	three.reset();
	t.is(three.push(10), 10, "after reset only the new minute counts");
});

test("window lengths outside 1..max are refused", (t) => {
	for (const m of [0, -1, 1.5, APNEA_SCORE_MINUTES_MAX + 1, Number.NaN]) t.throws(() => new ApneaScoreWindow(m), { instanceOf: RangeError }, String(m));
});
