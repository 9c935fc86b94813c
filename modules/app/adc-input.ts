// The boards' ECG input: an AD8232-style analog front end on an ADC input, sampled by the hardware at a fixed
// rate (default 360 Hz, MIT-BIH's, the rate the models are trained at) in blocks, with no CPU work per sample
// on the nRF52840 (TIMER -> PPI -> SAADC SAMPLE, EasyDMA double buffering) and a conversion callback on the
// ESP32 (ESP-IDF's continuous ADC driver); the C is boards/adc-block and boards/<board>/natives, its face
// ./adc-block.ts. The front end's lead-off outputs are read on two digital pins once per block.
//
// Config: adcPin (the board's analog input: AIN number on the nRF52840, GPIO on the ESP32), sampleRate (Hz,
// default 360), adcBits (default 12), adcGain (ADC units per mV at the ADC input, after the front end's gain),
// adcBlockSamples (default a tenth of a second), leadOffPlusPin / leadOffMinusPin (optional).
//
// Overruns: when the app does not take blocks as fast as they come (a long inference, a busy BLE stack), the
// C ring drops whole blocks and says how many samples it dropped before the next block it kept. Those samples
// go to the pipeline as invalid values (below adcMin): it counts them as rejected samples (summary bytes
// 16-19), sends an "invalid samples" event per burst, classifies no window that holds one, and keeps its
// sample clock equal to the hardware's. Each overrun is also traced.
import Digital from "pins/digital";
import { adcClose, adcLost, adcOpen, adcRate, adcTake } from "./adc-block.ts";
import type { EcgInput, InputDescription, SampleSink } from "./input-api.ts";

export const DEFAULT_SAMPLE_RATE = 360;
const MAX_BLOCK = 64; // boards/adc-block/ht_adc_ring.h HT_ADC_MAX_BLOCK

function integerConfig(config: Record<string, unknown>, key: string, fallback: number | undefined, min: number, max: number): number {
	const raw = config[key] ?? fallback;
	const v = Number(raw);
	if (raw === undefined || !Number.isInteger(v) || v < min || v > max) throw new RangeError(`adc input: config.${key} must be an integer in ${min}..${max}, got ${String(raw)}`);
	return v;
}

export default class AdcInput implements EcgInput {
	readonly description: InputDescription;
	/** Samples the hardware dropped because blocks were not taken in time (also sent as invalid samples). */
	lost = 0;
	#input: number;
	#rate: number;
	#bits: number;
	#blockSamples: number;
	#loPlus: number;
	#loMinus: number;
	#buffer: ArrayBuffer;
	#block: Int16Array;
	#gap: Int16Array;
	#leadOff = false;
	#sink: SampleSink | undefined;
	#open = false;

	constructor(config: Record<string, unknown>) {
		this.#rate = integerConfig(config, "sampleRate", DEFAULT_SAMPLE_RATE, 1, 20000);
		this.#bits = integerConfig(config, "adcBits", 12, 8, 14);
		this.#input = integerConfig(config, "adcPin", undefined, 0, 255);
		this.#blockSamples = integerConfig(config, "adcBlockSamples", Math.min(MAX_BLOCK, Math.max(1, Math.round(this.#rate / 10))), 1, MAX_BLOCK);
		this.#loPlus = config.leadOffPlusPin === undefined ? -1 : integerConfig(config, "leadOffPlusPin", undefined, 0, 255);
		this.#loMinus = config.leadOffMinusPin === undefined ? -1 : integerConfig(config, "leadOffMinusPin", undefined, 0, 255);
		const top = (1 << this.#bits) - 1;
		const gain = Number(config.adcGain ?? 1241);
		if (!(gain > 0 && Number.isFinite(gain))) throw new RangeError(`adc input: config.adcGain must be a positive number, got ${String(config.adcGain)}`);
		this.description = { sampleRate: this.#rate, adcGain: gain, adcZero: top >> 1, adcMin: 0, adcMax: top };
		this.#buffer = new ArrayBuffer(2 * this.#blockSamples);
		this.#block = new Int16Array(this.#buffer);
		// A dropped stretch reaches the pipeline as samples below adcMin: rejected, counted, never classified.
		this.#gap = new Int16Array(this.#blockSamples).fill(-1);
	}

	start(sink: SampleSink): void {
		this.#sink = sink;
		adcOpen(this.#input, this.#rate, this.#bits, this.#blockSamples, () => this.#drain());
		this.#open = true;
		trace(`hypertiny: adc input ${this.#input} at ${(adcRate() / 1000).toFixed(4)} Hz, ${this.#bits} bits, blocks of ${this.#blockSamples}\n`);
	}

	stop(): void {
		if (this.#open) adcClose();
		this.#open = false;
	}

	#drain(): void {
		const sink = this.#sink!;
		if (this.#loPlus >= 0) {
			const off = Digital.read(this.#loPlus) === 1 || (this.#loMinus >= 0 && Digital.read(this.#loMinus) === 1);
			if (off !== this.#leadOff) sink.leadOff((this.#leadOff = off));
		}
		for (;;) {
			const n = adcTake(this.#buffer);
			if (n === 0) return;
			if (n > 0) sink.block(this.#block, 0, n);
			else this.#dropped(sink, -n);
		}
	}

	#dropped(sink: SampleSink, count: number): void {
		this.lost += count;
		trace(`hypertiny: adc overrun: ${count} samples dropped (${adcLost()} since start)\n`);
		for (let left = count; left > 0; ) {
			const n = Math.min(left, this.#gap.length);
			sink.block(this.#gap, 0, n);
			left -= n;
		}
	}
}
