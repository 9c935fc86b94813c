// The boards' ECG input: an AD8232-style analog front end on an ADC pin, sampled by a repeating timer at an
// integer number of milliseconds per sample, with the front end's lead-off outputs on two digital pins.
// Config: adcPin, leadOffPlusPin / leadOffMinusPin (optional), sampleRate (a divisor of 1000, default 250),
// adcBits (default 12), adcGain (ADC units per mV at the ADC input, after the front end's gain).
import Analog from "pins/analog";
import Digital from "pins/digital";
import Timer from "timer";
import type { EcgInput, InputDescription, SampleSink } from "./input-api.ts";

const BLOCK = 25;

export default class AdcInput implements EcgInput {
	readonly description: InputDescription;
	#pin: number;
	#loPlus: number;
	#loMinus: number;
	#periodMs: number;
	#block = new Int16Array(BLOCK);
	#filled = 0;
	#leadOff = false;
	#timer: Timer | undefined;

	constructor(config: Record<string, unknown>) {
		const rate = Number(config.sampleRate ?? 250);
		if (!Number.isInteger(rate) || rate <= 0 || 1000 % rate !== 0) throw new RangeError(`adc input: sampleRate ${rate} must divide 1000`);
		const bits = Number(config.adcBits ?? 12);
		this.#pin = Number(config.adcPin);
		if (!Number.isInteger(this.#pin)) throw new RangeError("adc input: config.adcPin is required");
		this.#loPlus = config.leadOffPlusPin === undefined ? -1 : Number(config.leadOffPlusPin);
		this.#loMinus = config.leadOffMinusPin === undefined ? -1 : Number(config.leadOffMinusPin);
		this.#periodMs = 1000 / rate;
		const top = (1 << bits) - 1;
		this.description = { sampleRate: rate, adcGain: Number(config.adcGain ?? 1241), adcZero: top >> 1, adcMin: 0, adcMax: top };
	}

	start(sink: SampleSink): void {
		this.#timer = Timer.repeat(() => {
			this.#block[this.#filled++] = Analog.read(this.#pin);
			if (this.#loPlus >= 0) {
				const off = Digital.read(this.#loPlus) === 1 || (this.#loMinus >= 0 && Digital.read(this.#loMinus) === 1);
				if (off !== this.#leadOff) sink.leadOff((this.#leadOff = off));
			}
			if (this.#filled === BLOCK) {
				sink.block(this.#block, 0, BLOCK);
				this.#filled = 0;
			}
		}, this.#periodMs);
	}

	stop(): void {
		if (this.#timer) Timer.clear(this.#timer);
		this.#timer = undefined;
	}
}
