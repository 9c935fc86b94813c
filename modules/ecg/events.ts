// What the pipeline delivers. Both objects are reused for every event: copy what you keep.

export interface BeatEvent {
	/** Sample index of the R peak in the input stream (the first sample pushed is 0). */
	sampleIndex: number;
	/** Samples since the previous beat; 0 when unknown (first beat after start or recovery). */
	rrPrevious: number;
	/** Samples to the next beat; 0 when none came within maxRrMs or the signal went bad first. */
	rrNext: number;
	/** Beats per minute from the median of the last eight RR intervals; 0 when unknown. */
	heartRate: number;
	/** windowLength band-passed samples in ADC units, R peak at index windowPre. */
	window: Int32Array;
}

/**
 * lead-off, flatline, saturation: the condition began at sampleIndex (it is recognised later); no beats are
 * delivered until it clears and the detector has learned the signal again.
 * garbage: samples were rejected from sampleIndex on (a new burst); windows containing them are suppressed.
 * ok: the signal has been usable since sampleIndex and the detector has settled (sent once its learning
 * period, learningMs, has passed, at start and after every recovery).
 */
export type QualityReason = "lead-off" | "flatline" | "saturation" | "garbage" | "ok";

export interface QualityEvent {
	reason: QualityReason;
	sampleIndex: number;
	/** Total samples rejected so far (NaN, non-finite, non-integer or outside adcMin..adcMax). */
	rejectedSamples: number;
}

export type BeatListener = (beat: BeatEvent) => void;
export type QualityListener = (event: QualityEvent) => void;
