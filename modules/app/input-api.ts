// Where ECG samples come from: a board's ADC on a timer, or a recorded signal played back in a simulator.
import type { EcgConfig } from "../ecg/config.ts";

/** The ADC's description: what the pipeline needs to read the samples (rate, gain, zero, rails). */
export type InputDescription = Pick<EcgConfig, "sampleRate" | "adcGain" | "adcZero" | "adcMin" | "adcMax">;

export type SampleBlock = Int16Array | Int32Array | Float32Array | Float64Array;

export interface SampleSink {
	/**
	 * samples[offset .. offset + count), oldest first; the array is reused by the input. Float inputs may carry
	 * NaN or infinities (a broken front end): the pipeline rejects them as garbage.
	 */
	block(samples: SampleBlock, offset: number, count: number): void;
	/** The front end's lead-off signal changed (AD8232 LO+/LO-). */
	leadOff(on: boolean): void;
	/** No more samples will come (end of a recording). */
	end(): void;
}

export interface EcgInput {
	readonly description: InputDescription;
	start(sink: SampleSink): void;
	stop(): void;
}
