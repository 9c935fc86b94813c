// The boards' hardware-timed ECG input, the TypeScript face of the C in boards/adc-block (the ring and this
// binding) and the board's driver (boards/nrf52/natives: SAADC sampled by TIMER through PPI, EasyDMA double
// buffered; boards/esp32/natives: ESP-IDF's continuous ADC driver). Mapped as "app/adc-block" by the boards'
// manifests. Each body is only `native("name").call(this, ...)` (modules/runtime/native.ts explains why).

/** Starts sampling analog input `input` at `rate` Hz, `bits` of resolution, in blocks of `blockSamples`;
 * `onBlocks` runs on the JS thread (a message from the ADC interrupt) when one or more blocks are queued. */
export function adcOpen(this: void, input: number, rate: number, bits: number, blockSamples: number, onBlocks: () => void): void {
	native("xs_ht_adc_open").call(this, input, rate, bits, blockSamples, onBlocks);
}

/** 0: nothing queued; -n: n samples were dropped (an overrun) before the next block; n > 0: the oldest block's
 * n samples, written as int16 at the start of `buffer`. */
export function adcTake(this: void, buffer: ArrayBuffer): number {
	return native("xs_ht_adc_take").call(this, buffer);
}

/** Samples dropped since the input opened because their blocks were not taken in time. */
export function adcLost(this: void): number {
	return native("xs_ht_adc_lost").call(this);
}

/** The rate the hardware really samples at, in mHz (the nRF52840's 16 MHz timer gives 360.0036 Hz for 360). */
export function adcRate(this: void): number {
	return native("xs_ht_adc_rate").call(this);
}

export function adcClose(this: void): void {
	native("xs_ht_adc_close").call(this);
}
