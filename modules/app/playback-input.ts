// The simulators' ECG input: a recorded signal from a Resource ("ecg.bin", written by host/app/ecg-resource.ts),
// read in place and pushed in blocks, as fast as the host runs or paced to real time.
//
// ecg.bin, little-endian: "HTEC" | u32 version (1) | u32 sample rate | f32 ADC gain (units per mV) |
// i32 adcZero | i32 adcMin | i32 adcMax | u32 sample count | int16 samples from byte 32.
import Resource from "Resource";
import Timer from "timer";
import type { EcgInput, InputDescription, SampleSink } from "./input-api.ts";
import { configFlag } from "./config.ts";

const RESOURCE = "ecg.bin";
const HEADER_BYTES = 32;
const MAGIC = 0x43455448; // "HTEC"
const REALTIME_TICK_MS = 100;

export function readEcgResource(blob: ArrayBufferLike | HostBuffer): { description: InputDescription; samples: Int16Array } {
	const bytes = blob as ArrayBuffer;
	if (bytes.byteLength < HEADER_BYTES) throw new RangeError(`${RESOURCE}: ${bytes.byteLength} bytes, shorter than its header`);
	const view = new DataView(bytes);
	if (view.getUint32(0, true) !== MAGIC) throw new RangeError(`${RESOURCE}: not an HTEC sample file`);
	if (view.getUint32(4, true) !== 1) throw new RangeError(`${RESOURCE}: version ${view.getUint32(4, true)}, this app reads 1`);
	const count = view.getUint32(28, true);
	if (HEADER_BYTES + 2 * count !== bytes.byteLength)
		throw new RangeError(`${RESOURCE}: says ${count} samples but holds ${(bytes.byteLength - HEADER_BYTES) / 2}`);
	return {
		description: {
			sampleRate: view.getUint32(8, true),
			adcGain: view.getFloat32(12, true),
			adcZero: view.getInt32(16, true),
			adcMin: view.getInt32(20, true),
			adcMax: view.getInt32(24, true),
		},
		samples: new Int16Array(bytes, HEADER_BYTES, count),
	};
}

export default class PlaybackInput implements EcgInput {
	readonly description: InputDescription;
	#samples: Int16Array;
	#realtime: boolean;
	#blockSamples: number;
	#next = 0;
	#timer: Timer | undefined;
	#sink: SampleSink | undefined;

	constructor(config: Record<string, unknown>) {
		const { description, samples } = readEcgResource(new Resource(RESOURCE));
		this.description = description;
		this.#samples = samples;
		this.#realtime = configFlag(config, "realtime", false);
		this.#blockSamples = this.#realtime ? Math.max(1, Math.round((description.sampleRate * REALTIME_TICK_MS) / 1000)) : Number(config.blockSamples ?? 4096);
	}

	start(sink: SampleSink): void {
		this.#sink = sink;
		this.#timer = Timer.repeat(() => this.#tick(), this.#realtime ? REALTIME_TICK_MS : 1);
	}

	stop(): void {
		if (this.#timer) Timer.clear(this.#timer);
		this.#timer = undefined;
	}

	#tick(): void {
		const sink = this.#sink!;
		const count = Math.min(this.#blockSamples, this.#samples.length - this.#next);
		if (count > 0) sink.block(this.#samples, this.#next, count);
		this.#next += count;
		if (this.#next >= this.#samples.length) {
			this.stop();
			sink.end();
		}
	}
}
