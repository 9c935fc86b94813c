// Rhythm events from the stream of classified beats: per-class counts, runs of V beats, and sustained fast or
// slow heart rate. Reports transitions only (one event when a run starts, one when it ends).
import {
	ALERT_BRADYCARDIA,
	ALERT_TACHYCARDIA,
	ALERT_V_RUN,
	EVENT_BRADYCARDIA,
	EVENT_RATE_NORMAL,
	EVENT_TACHYCARDIA,
	EVENT_V_RUN_END,
	EVENT_V_RUN_START,
	MAX_CLASSES,
} from "../ble/protocol.ts";

export interface RhythmOptions {
	vRunLength: number;
	tachycardiaBpm: number;
	bradycardiaBpm: number;
	/** Consecutive beats beyond a rate limit before it counts as sustained. */
	rateBeats: number;
}

export type RhythmListener = (kind: number, value: number, sampleIndex: number) => void;

export class Rhythm {
	readonly counts = new Uint32Array(MAX_CLASSES);
	alerts = 0;
	vRunLength: number;
	onEvent: RhythmListener | undefined;
	#options: RhythmOptions;
	#run = 0;
	#runStart = 0;
	#fast = 0;
	#slow = 0;

	constructor(options: RhythmOptions) {
		this.#options = options;
		this.vRunLength = options.vRunLength;
	}

	get currentRun(): number {
		return this.#run;
	}

	/** classIndex < 0: not classified (no model); alertClass < 0: the model has no V class. */
	beat(classIndex: number, alertClass: number, heartRate: number, sampleIndex: number): void {
		if (classIndex >= 0) {
			this.counts[classIndex]++;
			if (alertClass >= 0) this.#vRun(classIndex === alertClass, sampleIndex);
		}
		if (heartRate > 0) this.#rate(heartRate, sampleIndex);
	}

	resetCounts(): void {
		this.counts.fill(0);
	}

	/** The signal went bad: runs and rate streaks cannot continue across the gap. */
	interrupt(sampleIndex: number): void {
		this.#vRun(false, sampleIndex);
		this.#fast = this.#slow = 0;
	}

	#vRun(isV: boolean, sampleIndex: number): void {
		if (isV) {
			if (this.#run++ === 0) this.#runStart = sampleIndex;
			if (this.#run === this.vRunLength) {
				this.alerts |= ALERT_V_RUN;
				this.#emit(EVENT_V_RUN_START, this.#run, this.#runStart);
			}
			return;
		}
		if (this.#run >= this.vRunLength) {
			this.alerts &= ~ALERT_V_RUN;
			this.#emit(EVENT_V_RUN_END, this.#run, sampleIndex);
		}
		this.#run = 0;
	}

	#rate(bpm: number, sampleIndex: number): void {
		const o = this.#options;
		this.#fast = bpm > o.tachycardiaBpm ? this.#fast + 1 : 0;
		this.#slow = bpm < o.bradycardiaBpm ? this.#slow + 1 : 0;
		if (this.#fast === o.rateBeats && !(this.alerts & ALERT_TACHYCARDIA)) {
			this.alerts = (this.alerts | ALERT_TACHYCARDIA) & ~ALERT_BRADYCARDIA;
			this.#emit(EVENT_TACHYCARDIA, bpm, sampleIndex);
		} else if (this.#slow === o.rateBeats && !(this.alerts & ALERT_BRADYCARDIA)) {
			this.alerts = (this.alerts | ALERT_BRADYCARDIA) & ~ALERT_TACHYCARDIA;
			this.#emit(EVENT_BRADYCARDIA, bpm, sampleIndex);
		} else if (this.#fast === 0 && this.#slow === 0 && this.alerts & (ALERT_TACHYCARDIA | ALERT_BRADYCARDIA)) {
			this.alerts &= ~(ALERT_TACHYCARDIA | ALERT_BRADYCARDIA);
			this.#emit(EVENT_RATE_NORMAL, bpm, sampleIndex);
		}
	}

	#emit(kind: number, value: number, sampleIndex: number): void {
		if (this.onEvent) this.onEvent(kind, value, sampleIndex);
	}
}
