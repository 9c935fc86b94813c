import type { EcgSettings } from "./config.ts";

/** A sample the filters may see: an integer within the ADC range (rules out NaN, ±Infinity, fractions, non-numbers). */
export function isValidSample(sample: number, settings: EcgSettings): boolean {
	return Number.isInteger(sample) && sample >= settings.adcMin && sample <= settings.adcMax;
}
