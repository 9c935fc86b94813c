// The apnea model's minute input as TypeScript defined it before it moved into C (native/src/ht_ecg_apnea.c, behind
// modules/rhythm/apnea-input.ts): kept here, unchanged but for its name, as the reference test/apnea-input.test.ts
// holds the C to, bit for bit (the
// quantization stays modules/runtime/quantize.ts's quantizeInto). The constants are the module's (they did not move).
import { APNEA_STEP_S, APNEA_WINDOW, apneaWindowStartS, RR_MAX_MS, RR_MIN_MS } from "../modules/rhythm/apnea-input.ts";

const RR_FALLBACK_MS = 1000;

/**
 * Writes minute `minute`'s input into `out` (APNEA_WINDOW values) from the increasing beat times `beats` (samples
 * at `sampleRate` Hz; the first `count` of them, all by default: the device passes its ring of recent beats). Sample k of the window, at time t = (60·minute + APNEA_WINDOW_OFFSET_S + APNEA_STEP_S·k) s, takes the
 * RR interval [b_i, b_i+1) that contains t, rounded to ms; an interval out of range, or a time before the first or
 * after the last beat, holds the last usable value (the window's first usable one before any). Returns the number of
 * samples whose value is held rather than measured (a quality measure: a window of held values says nothing).
 */
export function apneaInputReference(beats: ArrayLike<number>, sampleRate: number, minute: number, out: Float32Array | number[], count = beats.length): number {
	if (!(sampleRate > 0) || Math.floor(sampleRate) !== sampleRate) throw new RangeError(`apneaInputReference: sample rate ${sampleRate} is not a positive integer`);
	if (!(minute >= 0) || Math.floor(minute) !== minute) throw new RangeError(`apneaInputReference: minute ${minute} is not a non-negative integer`);
	if (out.length < APNEA_WINDOW) throw new RangeError(`apneaInputReference: out holds ${out.length} values, not ${APNEA_WINDOW}`);
	if (!(count >= 0 && count <= beats.length) || Math.floor(count) !== count) throw new RangeError(`apneaInputReference: ${count} beats of ${beats.length}`);
	const rr = out; // integer ms first (exact in float32), then the window's values: nothing allocated per minute
	const start = apneaWindowStartS(minute);
	let i = firstAtOrAfter(beats, count, start * sampleRate) - 1; // interval [beats[i], beats[i+1]) may contain t
	let held = 0;
	let last = -1;
	for (let k = 0; k < APNEA_WINDOW; k++) {
		const t = (start + APNEA_STEP_S * k) * sampleRate;
		while (i + 1 < count && beats[i + 1]! <= t) i++;
		let value = -1;
		if (i >= 0 && i + 1 < count) {
			const ms = Math.floor(((beats[i + 1]! - beats[i]!) * 1000 + (sampleRate >> 1)) / sampleRate);
			if (ms >= RR_MIN_MS && ms <= RR_MAX_MS) value = ms;
		}
		if (value < 0) held++;
		else last = value;
		rr[k] = value < 0 ? last : value;
	}
	// Seconds held before the first usable value take it (or the fallback when there is none).
	let fill = RR_FALLBACK_MS;
	for (let k = 0; k < APNEA_WINDOW; k++) {
		if (rr[k]! >= 0) {
			fill = rr[k]!;
			break;
		}
	}
	let sum = 0;
	for (let k = 0; k < APNEA_WINDOW; k++) {
		if (rr[k]! < 0) rr[k] = fill;
		sum += rr[k]!;
	}
	const mean = Math.floor(sum / APNEA_WINDOW); // sum ≤ 256 · 2000: exact in doubles and in XS's numbers
	for (let k = 0; k < APNEA_WINDOW; k++) out[k] = Math.fround((rr[k]! - mean) / 1000);
	return held;
}

/** The first index of the first `count` beats whose time is ≥ t (`count` when none), by binary search. */
function firstAtOrAfter(beats: ArrayLike<number>, count: number, t: number): number {
	let lo = 0, hi = count;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (beats[mid]! < t) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}

