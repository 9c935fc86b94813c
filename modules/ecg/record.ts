// Whole-record helpers for the host dataset builder. They run the same filter (the same C, same state from
// the record start, same garbage handling) as EcgPipeline, so a training window equals the window the
// device computes for a beat at the same sample.
import { resolveConfig, settingsArray, type EcgConfig } from "./config.ts";
import { ecgFilter, ecgOpen } from "./native.ts";
import { EcgPipeline, sampleValue } from "./pipeline.ts";

export interface WindowSet {
	/** One window of windowLength filtered samples per position, back to back (ADC units, R at windowPre). */
	windows: Int32Array;
	/** 1 where the whole window lies within the filtered record; 0 (and zeros in `windows`) where it does not. */
	valid: Uint8Array;
}

/**
 * The band-passed record: entry t is the filtered value of sample t, for t < length - filterDelay (the
 * last filterDelay entries would need samples after the end and are left 0).
 */
export function filterRecord(samples: Int16Array | Int32Array, config: EcgConfig): Int32Array {
	const settings = resolveConfig(config);
	const handle = ecgOpen(settingsArray(settings).buffer);
	let data: Int16Array | Int32Array = samples;
	if (!(samples instanceof Int16Array) && !(samples instanceof Int32Array)) data = Int32Array.from(samples as ArrayLike<number>, sampleValue);
	const out = new Int32Array(data.length);
	ecgFilter(handle, data.buffer, data instanceof Int16Array ? 2 : 4, data.byteOffset, data.length, out.buffer, 0);
	// out[n] is the filtered value of sample n - filterDelay: move it to n - filterDelay.
	const delay = settings.filterDelay;
	out.copyWithin(0, delay);
	out.fill(0, Math.max(0, out.length - delay));
	return out;
}

/** Windows centred (per windowPre) on the given sample positions, e.g. the annotated beats of a record. */
export function windowsAt(samples: Int16Array | Int32Array, positions: ArrayLike<number>, config: EcgConfig): WindowSet {
	const settings = resolveConfig(config);
	const filtered = filterRecord(samples, config);
	const length = settings.windowLength;
	const end = samples.length - settings.filterDelay;
	const windows = new Int32Array(positions.length * length);
	const valid = new Uint8Array(positions.length);
	for (let k = 0; k < positions.length; k++) {
		const first = positions[k] - settings.windowPre;
		if (!Number.isInteger(first) || first < 0 || first + length > end) continue;
		windows.set(filtered.subarray(first, first + length), k * length);
		valid[k] = 1;
	}
	return { windows, valid };
}

/** R-peak sample indices of the beats EcgPipeline delivers for a whole record. */
export function detectBeats(samples: Int16Array | Int32Array, config: EcgConfig): Int32Array {
	const found: number[] = [];
	const pipeline = new EcgPipeline(config, (beat) => {
		found.push(beat.sampleIndex);
	});
	pipeline.pushBlock(samples);
	pipeline.flush();
	return Int32Array.from(found);
}
