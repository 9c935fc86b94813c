// The apnea spread term in C (native/src/ht_ecg_apnea.c ht_apnea_spread; in Node the WebAssembly build) against a
// TypeScript definition written out with BigInt sums and a double log2: equal within one step (the C's log2 is
// truncated to 1/65536), on synthetic rhythms and on every Apnea-ECG learning record's .qrs beats; and the device's
// ring of recent beats gives the terms all the beats give. native/test/test_apnea.c checks the same C on its own,
// there also on the Cortex-M4.
import test from "ava";
import { findApneaEcg, LEARNING_RECORDS, apneaEcgPath, readApneaRecords } from "../host/data/apnea-ecg.ts";
import { APNEA_STEP_S, APNEA_WINDOW, APNEA_WINDOW_OFFSET_S, firstAtOrAfter, RR_MAX_MS, RR_MIN_MS } from "../modules/rhythm/apnea-input.ts";
import { ApneaNight, APNEA_SPREAD_MAX } from "../modules/rhythm/apnea-spread.ts";
import { apneaSpreadNative } from "../modules/ecg/native.ts";
import { IN_CI } from "./toolchain.ts";
import { rng } from "./xorshift.ts";

/** Each interval's whole ms (-1 out of range) and, for i intervals, prefix sums of count, ms and ms² as BigInt. */
function intervals(beats: Uint32Array, rate: number) {
	const n = Math.max(0, beats.length - 1);
	const count = [0n], sum = [0n], sumsq = [0n];
	for (let i = 0; i < n; i++) {
		const ms = Math.floor(((beats[i + 1]! - beats[i]!) * 1000 + (rate >> 1)) / rate);
		const ok = ms >= RR_MIN_MS && ms <= RR_MAX_MS;
		const m = BigInt(ok ? ms : 0);
		count.push(count[i]! + (ok ? 1n : 0n));
		sum.push(sum[i]! + m);
		sumsq.push(sumsq[i]! + m * m);
	}
	return { count, sum, sumsq };
}

/**
 * The definition: the intervals closing by the window's last instant are the night's; those of them opening at or
 * after its first instant are the window's; 128 (log2 of the window's variance − log2 of the night's), in doubles.
 */
function reference(beats: Uint32Array, p: ReturnType<typeof intervals>, rate: number, minute: number): number {
	const first = (60 * minute + APNEA_WINDOW_OFFSET_S) * rate;
	const last = first + APNEA_STEP_S * (APNEA_WINDOW - 1) * rate;
	const end = Math.max(0, firstAtOrAfter(beats, beats.length, last + 1) - 1); // intervals 0..end-1 close by last
	const start = Math.min(end, firstAtOrAfter(beats, beats.length, first)); // intervals start..end-1 also open at or after first
	const nn = p.count[end]!, ns = p.sum[end]!, nq = p.sumsq[end]!;
	const wn = nn - p.count[start]!, ws = ns - p.sum[start]!, wq = nq - p.sumsq[start]!;
	if (wn < 2n || nn < 2n) return 0;
	const an = nn * nq - ns * ns, aw = wn * wq - ws * ws;
	if (an === 0n) return 0;
	if (aw === 0n) return -APNEA_SPREAD_MAX;
	const l = 128 * (Math.log2(Number(aw)) - 2 * Math.log2(Number(wn)) - Math.log2(Number(an)) + 2 * Math.log2(Number(nn)));
	return Math.max(-APNEA_SPREAD_MAX, Math.min(APNEA_SPREAD_MAX, l));
}

/** Beat times from RR intervals in ms at `rate` Hz, starting at `start`. */
function train(rate: number, start: number, rr: number[]): Uint32Array {
	const out = new Uint32Array(rr.length + 1);
	out[0] = start;
	for (let i = 0; i < rr.length; i++) out[i + 1] = out[i]! + Math.round((rr[i]! * rate) / 1000);
	return out;
}

/**
 * Every minute of `beats` by one night over all the beats and by one over the device's ring; the terms, or the first
 * difference from each other or from the definition as text.
 */
function check(beats: Uint32Array, rate: number, minutes: number): number[] | string {
	const all = new ApneaNight(), ringed = new ApneaNight();
	const ring = new Uint32Array(4096);
	const p = intervals(beats, rate);
	const terms: number[] = [];
	for (let m = 0; m < minutes; m++) {
		const first = (60 * m + APNEA_WINDOW_OFFSET_S) * rate;
		const last = first + APNEA_STEP_S * (APNEA_WINDOW - 1) * rate;
		const from = Math.max(0, firstAtOrAfter(beats, beats.length, first) - 1);
		const to = Math.min(beats.length, firstAtOrAfter(beats, beats.length, last + 1) + 2); // the beat that made the minute due, and one more
		const n = Math.min(to - from, ring.length);
		ring.set(beats.subarray(from, from + n));
		const a = all.term(beats, beats.length, rate, m), b = ringed.term(ring, n, rate, m);
		if (a !== b) return `minute ${m}: all beats ${a}, the ring ${b}`;
		const want = reference(beats, p, rate, m);
		if (Math.abs(a - want) > 1 + 1e-9) return `minute ${m}: ${a}, the definition ${want.toFixed(3)}`;
		terms.push(a);
	}
	return terms;
}

test("synthetic rhythms: steady (0), a swing four times the night's, gaps and out-of-range intervals, 1..10000 Hz", (t) => {
	const r = rng(0x5a5a);
	const steady = check(train(100, 0, Array(3000).fill(800)), 100, 30);
	if (typeof steady === "string") return t.fail(steady);
	t.true(steady.every((x) => x === 0));
	// ±20 ms for 40 minutes, then ±80 ms: the wide windows are well above the night, whose sd the wide minutes raise
	// too (a window 4x the narrow sd would be 512; against the night's it reaches about 2x, 256).
	const swing = check(train(100, 0, Array.from({ length: 6000 }, (_, i) => (i < 3000 ? (i % 2 ? 780 : 820) : i % 2 ? 720 : 880))), 100, 70);
	if (typeof swing === "string") return t.fail(swing);
	t.is(swing[30], 0);
	t.true(Math.max(...swing) > 200 && Math.max(...swing) < 512, String(Math.max(...swing)));
	for (const rate of [1, 100, 128, 360, 10000]) {
		const rr = Array.from({ length: 5000 }, () => (r.int(60) === 0 ? 2500 + r.int(4000) : r.int(80) === 0 ? 150 : 500 + r.int(700)));
		const d = check(train(rate, r.int(rate * 100), rr), rate, 60);
		if (typeof d === "string") return t.fail(`${rate} Hz: ${d}`);
		if (rate >= 100 && !d.some((x) => x !== 0)) return t.fail(`${rate} Hz: every term 0`); // at 1 Hz every interval in range is 1000 ms
	}
	t.pass();
});

test("the C refuses what it cannot take: a bad rate, a night buffer too small or misaligned", (t) => {
	const beats = train(100, 0, Array(100).fill(800));
	const night = new ArrayBuffer(40);
	t.throws(() => apneaSpreadNative(beats.buffer, 0, 10, 0, 0, night, 0), { message: /sampleRate must be an integer in 1..10000/ });
	t.throws(() => apneaSpreadNative(beats.buffer, 0, 10, 100, 0, night, 4), { message: /night is not aligned to int64/ });
	t.throws(() => apneaSpreadNative(beats.buffer, 0, 10, 100, 0, new ArrayBuffer(24), 0), { message: /32 bytes at byte 0 exceed night \(24 bytes\)/ });
	// A zeroed night is a valid one (until 0); one whose until is below -1 is not.
	new Int32Array(night).set([-2, -1]);
	t.throws(() => apneaSpreadNative(beats.buffer, 0, 10, 100, 0, night, 0), { message: /arguments refused/ });
});

const found = findApneaEcg();
const withData = found.path ? test : IN_CI ? (title: string) => test(title, (t) => t.fail(`CI=true but ${found.missing}`)) : test.skip;

withData("every Apnea-ECG learning record's .qrs beats: each minute's term by the ring and by all beats, as the definition", async (t) => {
	const records = readApneaRecords(await apneaEcgPath(), LEARNING_RECORDS);
	let minutes = 0;
	for (const r of records) {
		const beats = Uint32Array.from(r.beats);
		const d = check(beats, 100, r.labels.length);
		if (typeof d === "string") return t.fail(`${r.name}: ${d}`);
		minutes += r.labels.length;
	}
	t.is(minutes, 17045);
});
