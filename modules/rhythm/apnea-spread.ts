// The apnea spread term (native/include/ht_ecg_apnea.h ht_apnea_spread): how much minute m's RR intervals vary
// against the whole recording so far, round(256 · log2(sd of the window's / sd of the night's)). The model sees the
// window's RR swings in milliseconds; whether they are large for this patient is what the night adds (a learning-set
// probe: README, "Apnea-ECG"). One definition in C, integers only, for the dataset builder, the simulators and the
// device; the night's statistics live in a buffer this object owns. The apnea dataset carries it per minute and
// `apnea cv` scores a decision with it (host/rhythm/apnea-eval.ts); no model's META or the app uses it yet.
import { apneaNightResetNative, apneaSpreadNative } from "../ecg/native.ts";

/** sizeof(ht_apnea_night_t). */
export const APNEA_NIGHT_BYTES = 32;
/** The term's bound (HT_APNEA_SPREAD_MAX): 16 halvings or doublings of the sd. */
export const APNEA_SPREAD_MAX = 4096;

/** One recording's night statistics; call term() for each of its minutes in turn (0, 1, 2, ...). */
export class ApneaNight {
	readonly #state = new ArrayBuffer(APNEA_NIGHT_BYTES);

	constructor() {
		this.reset();
	}

	/** A new recording: no interval counted. */
	reset(): void {
		apneaNightResetNative(this.#state, 0);
	}

	/**
	 * Minute `minute`'s term from the first `count` of `beats` (sample indices at sampleRate Hz, increasing, reaching
	 * back to the window's first interval: the device's ring), after counting the intervals that closed since the last
	 * call into the night.
	 */
	term(beats: Uint32Array, count: number, sampleRate: number, minute: number): number {
		return apneaSpreadNative(beats.buffer, beats.byteOffset, count, sampleRate, minute, this.#state, 0);
	}
}
