import type { EcgSettings } from "./config.ts";

/** Bits of QualityMonitor.active. */
export const LEAD_OFF = 1;
export const FLATLINE = 2;
export const SATURATION = 4;

/**
 * Watches the raw (valid) samples for conditions under which beats must not be classified:
 *   lead-off:   the lead-off input is set, or samples stay pinned at a rail for leadOffMs;
 *   flatline:   no sample leaves ±flatlineMv of where the flat stretch began for flatlineMs (not at a rail);
 *   saturation: at least saturationPercent of the last saturationWindowMs samples are at a rail; it clears
 *               when fewer than half that many are (hysteresis).
 * For each active condition, `since(bit, index)` (index: the current sample) is the sample index where it began.
 */
export class QualityMonitor {
	active = 0;
	#settings: EcgSettings;
	#lowRail: number;
	#highRail: number;
	#leadOffInput = false;
	#leadOffSince = 0;
	#railRun = 0;
	#flatAnchor = 0;
	#flatRun = 0;
	#railFlags: Uint8Array;
	#railNext = 0;
	#railCount = 0;

	constructor(settings: EcgSettings) {
		this.#settings = settings;
		this.#lowRail = settings.adcMin + settings.railMargin;
		this.#highRail = settings.adcMax - settings.railMargin;
		this.#railFlags = new Uint8Array(settings.saturationWindow);
	}

	setLeadOff(on: boolean): void {
		this.#leadOffInput = on;
	}

	since(bit: number, index: number): number {
		if (bit === LEAD_OFF) return this.#leadOffInput ? this.#leadOffSince : index - this.#railRun + 1;
		if (bit === FLATLINE) return index - this.#flatRun + 1;
		return index - this.#settings.saturationWindow + 1;
	}

	/** `sample` is valid (an integer within the ADC range); `index` its position in the input. */
	step(index: number, sample: number): number {
		const s = this.#settings;
		const atRail = sample <= this.#lowRail || sample >= this.#highRail;
		let active = 0;

		this.#railRun = atRail ? this.#railRun + 1 : 0;
		if (this.#leadOffInput && (this.active & LEAD_OFF) === 0) this.#leadOffSince = index;
		if (this.#leadOffInput || this.#railRun >= s.leadOffSamples) active |= LEAD_OFF;

		const deviation = sample - this.#flatAnchor;
		if (this.#flatRun === 0 || deviation > s.flatlineAmplitude || deviation < -s.flatlineAmplitude) {
			this.#flatAnchor = sample;
			this.#flatRun = 1;
		} else this.#flatRun++;
		if (this.#flatRun >= s.flatlineSamples && !atRail) active |= FLATLINE;

		const flags = this.#railFlags;
		this.#railCount += (atRail ? 1 : 0) - flags[this.#railNext];
		flags[this.#railNext] = atRail ? 1 : 0;
		this.#railNext = this.#railNext + 1 === flags.length ? 0 : this.#railNext + 1;
		const wasSaturated = (this.active & SATURATION) !== 0;
		if (this.#railCount >= (wasSaturated ? (s.saturationCount + 1) >> 1 : s.saturationCount)) active |= SATURATION;

		this.active = active;
		return active;
	}
}
