// The input of the apnea model (docs/FORMAT.md §6, "RR sequence"): for minute m of a recording, the RR interval in
// force every 2 seconds over 512 seconds centred on that minute, in integer milliseconds, minus the window's mean,
// as seconds. Sleep apnea shows as a cyclic slowing and speeding of the heart over 30-90 s, so the
// window keeps the oscillation and drops the patient's own heart rate. One definition, in C
// (native/src/ht_ecg_apnea.c), for the dataset builder (host/rhythm/apnea-dataset.ts, through apneaInput below and
// the C as WebAssembly), the simulators and the device, which feeds it its own R-peaks (modules/app/apnea-minutes.ts,
// one native call per minute that also quantizes): integers up to the last division, so every host agrees bit for
// bit. test/apnea-input-reference.ts keeps the TypeScript that defined it before, as the reference.
import { apneaInputNative } from "../ecg/native.ts";

/** Samples per model input, one every APNEA_STEP_S seconds. */
export const APNEA_WINDOW = 256;
/** Seconds between samples: 512 s of context in 256 samples (on learning-set CV, 2 s steps over 512 s beat 1 s over 256 s). */
export const APNEA_STEP_S = 2;
/** Window start relative to the minute's start: centred on its middle second, 30 − 256 s. */
export const APNEA_WINDOW_OFFSET_S = 30 - (APNEA_WINDOW * APNEA_STEP_S) / 2;
/** RR intervals outside [RR_MIN_MS, RR_MAX_MS] are detection errors (missed or extra beats) and are not used. */
export const RR_MIN_MS = 300;
export const RR_MAX_MS = 2000;
/** The highest sample rate the C takes (HT_APNEA_MAX_RATE). */
export const APNEA_MAX_RATE = 10000;

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
 * Writes minute `minute`'s input into `out` (APNEA_WINDOW values) from the increasing beat times `beats` (sample
 * indices, integers 0..2^32 − 1, at `sampleRate` Hz, an integer 1..APNEA_MAX_RATE; the first `count` of them, all by
 * default: a ring of recent beats, as the device's). Sample k of the window, at time t = (60·minute +
 * APNEA_WINDOW_OFFSET_S + APNEA_STEP_S·k) s, takes the RR interval [b_i, b_i+1) that contains t, rounded to ms; an
 * interval out of range, or a time before the first or after the last beat, holds the last usable value (the
 * window's first usable one before any, 1000 ms when there is none). Returns the number of samples whose value is
 * held rather than measured (a quality measure: a window of held values says nothing). The work is the C's
 * (native/include/ht_ecg_apnea.h); a Uint32Array of beats and a Float32Array out go to it as they are, anything else
 * through a copy (hand a long record's beats as a Uint32Array, made once: see apneaBeatTimes). The device makes
 * one call per minute that also quantizes (modules/app/apnea-minutes.ts, apneaMinuteNative).
 */
export function apneaInput(beats: ArrayLike<number>, sampleRate: number, minute: number, out: Float32Array | number[], count = beats.length): number {
	if (!(sampleRate > 0) || Math.floor(sampleRate) !== sampleRate || sampleRate > APNEA_MAX_RATE) throw new RangeError(`apneaInput: sample rate ${sampleRate} is not an integer in 1..${APNEA_MAX_RATE}`);
	if (!(minute >= 0) || Math.floor(minute) !== minute || minute > 0xffffffff) throw new RangeError(`apneaInput: minute ${minute} is not an integer in 0..2^32 − 1`);
	if (out.length < APNEA_WINDOW) throw new RangeError(`apneaInput: out holds ${out.length} values, not ${APNEA_WINDOW}`);
	if (!(count >= 0 && count <= beats.length) || Math.floor(count) !== count) throw new RangeError(`apneaInput: ${count} beats of ${beats.length}`);
	// Copies only for other kinds of array (allocated here: a device module keeps no mutable state at its top level).
	const times = beats instanceof Uint32Array ? beats : apneaBeatTimes(beats, count);
	const window = out instanceof Float32Array ? out : new Float32Array(APNEA_WINDOW);
	const held = apneaInputNative(times.buffer, times.byteOffset, count, sampleRate, minute, window.buffer, window.byteOffset);
	if (window !== out) for (let k = 0; k < APNEA_WINDOW; k++) out[k] = window[k]!;
	return held;
}

/**
 * The first `count` beat times as the C takes them (into `into`, a new Uint32Array by default): RangeError for a
 * time that is not an integer in 0..2^32 − 1 (sample indices are).
 */
export function apneaBeatTimes(beats: ArrayLike<number>, count = beats.length, into = new Uint32Array(count)): Uint32Array {
	for (let i = 0; i < count; i++) {
		const b = beats[i]!;
		if (!(b >= 0 && b <= 0xffffffff) || Math.floor(b) !== b) throw new RangeError(`apneaInput: beat ${i} at ${b} is not a sample index (an integer 0..2^32 − 1)`);
		into[i] = b;
	}
	return into;
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
