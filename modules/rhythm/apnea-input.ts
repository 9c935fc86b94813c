// The input of the apnea model (docs/FORMAT.md §6, "RR sequence"): for minute m of a recording, the RR interval in
// force every 2 seconds over 512 seconds centred on that minute, in integer milliseconds, minus the window's mean,
// as seconds. Sleep apnea shows as a cyclic slowing and speeding of the heart over 30-90 s, so the
// window keeps the oscillation and drops the patient's own heart rate. One definition for the dataset builder
// (host/rhythm/apnea-dataset.ts), the simulators and the device, which feeds it its own R-peaks: integers up to the
// last division, so every host agrees bit for bit.

/** Samples per model input, one every APNEA_STEP_S seconds. */
export const APNEA_WINDOW = 256;
/** Seconds between samples: 512 s of context in 256 samples (on learning-set CV, 2 s steps over 512 s beat 1 s over 256 s). */
export const APNEA_STEP_S = 2;
/** Window start relative to the minute's start: centred on its middle second, 30 − 256 s. */
export const APNEA_WINDOW_OFFSET_S = 30 - (APNEA_WINDOW * APNEA_STEP_S) / 2;
/** RR intervals outside [RR_MIN_MS, RR_MAX_MS] are detection errors (missed or extra beats) and are not used. */
export const RR_MIN_MS = 300;
export const RR_MAX_MS = 2000;
/** The value held before the window's first usable interval when it has none at all. */
const RR_FALLBACK_MS = 1000;

/** How many seconds of beats after minute m's start the window needs: a device emits minute m this late. */
export const APNEA_LOOKAHEAD_S = APNEA_WINDOW_OFFSET_S + APNEA_WINDOW * APNEA_STEP_S;

/** Seconds from the input's start to minute m's first sample instant (negative for the first minutes). */
export function apneaWindowStartS(minute: number): number {
	return 60 * minute + APNEA_WINDOW_OFFSET_S;
}

/** Seconds from the input's start to minute m's last sample instant: its input is complete once a beat after it is known. */
export function apneaLastInstantS(minute: number): number {
	return apneaWindowStartS(minute) + APNEA_STEP_S * (APNEA_WINDOW - 1);
}

/**
 * Writes minute `minute`'s input into `out` (APNEA_WINDOW values) from the increasing beat times `beats` (samples
 * at `sampleRate` Hz; the first `count` of them, all by default: the device passes its ring of recent beats). Sample k of the window, at time t = (60·minute + APNEA_WINDOW_OFFSET_S + APNEA_STEP_S·k) s, takes the
 * RR interval [b_i, b_i+1) that contains t, rounded to ms; an interval out of range, or a time before the first or
 * after the last beat, holds the last usable value (the window's first usable one before any). Returns the number of
 * samples whose value is held rather than measured (a quality measure: a window of held values says nothing).
 */
export function apneaInput(beats: ArrayLike<number>, sampleRate: number, minute: number, out: Float32Array | number[], count = beats.length): number {
	if (!(sampleRate > 0) || Math.floor(sampleRate) !== sampleRate) throw new RangeError(`apneaInput: sample rate ${sampleRate} is not a positive integer`);
	if (!(minute >= 0) || Math.floor(minute) !== minute) throw new RangeError(`apneaInput: minute ${minute} is not a non-negative integer`);
	if (out.length < APNEA_WINDOW) throw new RangeError(`apneaInput: out holds ${out.length} values, not ${APNEA_WINDOW}`);
	if (!(count >= 0 && count <= beats.length) || Math.floor(count) !== count) throw new RangeError(`apneaInput: ${count} beats of ${beats.length}`);
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
export function firstAtOrAfter(beats: ArrayLike<number>, count: number, t: number): number {
	let lo = 0, hi = count;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (beats[mid]! < t) lo = mid + 1;
		else hi = mid;
	}
	return lo;
}
