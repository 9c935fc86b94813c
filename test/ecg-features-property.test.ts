// Property test of the beat context features (modules/ecg/beat-features.ts: rr-features.ts, then the QRS template
// in C) with random and extreme input a device can produce: intervals of 0 (unknown) to 2^31 - 1 samples, windows
// of any int32 values, resets at any time, sample rates 100..1000 Hz. Every value stays finite and in its documented
// range (RR features ±2, rr_irregularity 0..2, tpl_corr and tpl_ontime_corr -1..1, tpl_rdiff and tpl_ontime_rdiff
// 0..4), and two contexts fed the same beats agree bit for bit. A seeded generator, so a failure replays.
import test from "ava";
import { BEAT_FEATURE_COUNT, BEAT_FEATURE_NAMES, BeatContext } from "../modules/ecg/beat-features.ts";
import { rng } from "./xorshift.ts";

const RANGES: Record<string, [number, number]> = { rr_irregularity: [0, 2], tpl_corr: [-1, 1], tpl_rdiff: [0, 4], tpl_ontime_corr: [-1, 1], tpl_ontime_rdiff: [0, 4] };
const rangeOf = (name: string): [number, number] => RANGES[name] ?? [-2, 2];

test("beat features stay finite and in range for random and extreme beats, and are deterministic", (t) => {
	const r = rng(0xbea7);
	let checked = 0;
	for (const rate of [100, 128, 250, 360, 500, 1000]) {
		const WINDOW = rate > 500 ? 512 : 256; // the QRS segment (fs/10 before, fs/5 after the R peak) must fit
		const a = new BeatContext(rate, WINDOW >> 1, WINDOW);
		const b = new BeatContext(rate, WINDOW >> 1, WINDOW);
		const fa = new Float32Array(BEAT_FEATURE_COUNT);
		const fb = new Float32Array(BEAT_FEATURE_COUNT);
		const window = new Int32Array(WINDOW);
		const typicalRr = Math.round(0.8 * rate);
		for (let beat = 0; beat < 1500; beat++) {
			const interval = () => {
				switch (r.int(6)) {
					case 0: return 0;
					case 1: return r.int(4) ? 1 + r.int(3) : 2147483647;
					case 2: return r.next() >>> 1;
					default: return Math.max(1, typicalRr + r.int(typicalRr) - (typicalRr >> 1));
				}
			};
			const mode = r.int(5);
			for (let i = 0; i < WINDOW; i++) {
				window[i] = mode === 0 ? (r.next() | 0) : mode === 1 ? (i % 2 ? 2147483647 : -2147483648) : mode === 2 ? 0
					: Math.round(400 * Math.exp(-(((i - (WINDOW >> 1)) / (4 + r.int(20))) ** 2))) + r.int(40) - 20;
			}
			if (r.int(50) === 0) {
				a.reset();
				b.reset();
			}
			const pre = interval();
			const post = interval();
			a.next(window, pre, post, fa, 0);
			b.next(window, pre, post, fb, 0);
			for (let k = 0; k < BEAT_FEATURE_COUNT; k++) {
				const name = BEAT_FEATURE_NAMES[k]!;
				const [lo, hi] = rangeOf(name);
				if (!(Number.isFinite(fa[k]) && fa[k]! >= lo && fa[k]! <= hi)) t.fail(`${rate} Hz beat ${beat}: ${name} = ${fa[k]} (pre ${pre}, post ${post})`);
				if (!Object.is(fa[k], fb[k])) t.fail(`${rate} Hz beat ${beat}: ${name} differs between two contexts`);
				checked++;
			}
		}
	}
	t.is(checked, 6 * 1500 * BEAT_FEATURE_COUNT);
});
