// From instructions per second to duty cycle, average current and battery life on an nRF52840. QEMU counts
// instructions, not cycles: cycles = instructions x CPI, with the CPI stated. The currents are the nRF52840
// Product Specification's (v1.8, "Electrical specification" of the CPU and POWER chapters, 3 V, DC/DC on).
// Only the CPU is modelled: the radio, the SAADC and the analog front end (an AD8232 draws ~170 uA on its own)
// come on top and are listed as excluded, not guessed.

export const CLOCK_HZ = 64_000_000;
/** Cycles per instruction assumed for the interpreter-heavy mix (loads, branches, flash wait states behind the cache). */
export const CPI = 1.5;
/** CPU running from flash, cache enabled, 64 MHz, DC/DC (PS v1.8 I_CPU,FLASH,CACHE: ~52 uA/MHz). */
export const CPU_ACTIVE_MA = 3.3;
/** System ON, full 256 KB RAM retained, RTC running, waiting for the next timer (PS v1.8 I_ON,RAMON,RTC). */
export const SYSTEM_ON_IDLE_MA = 0.00316;
export const BATTERIES = { cr2032: { mAh: 225, what: "CR2032 coin cell (225 mAh nominal)" }, lipo100: { mAh: 100, what: "100 mAh LiPo" } } as const;

export interface PowerEstimate {
	instructionsPerSecond: number;
	/** By instructions at CPI (above). */
	dutyCycle: number;
	averageMa: number;
	batteryHours: Record<keyof typeof BATTERIES, number>;
	/** By the cycle model (host/bench/cycle-model.ts) where it was run: estimated cycles per second, nominal and
	 * pessimistic, and the duty, current and battery life the nominal cycles give. */
	byCycles?: {
		cyclesPerSecond: number;
		cyclesPerSecondPessimistic: number;
		dutyCycle: number;
		dutyCyclePessimistic: number;
		averageMa: number;
		batteryHours: Record<keyof typeof BATTERIES, number>;
	};
}

function currentOf(dutyCycle: number): { averageMa: number; batteryHours: Record<keyof typeof BATTERIES, number> } {
	const averageMa = dutyCycle * CPU_ACTIVE_MA + (1 - dutyCycle) * SYSTEM_ON_IDLE_MA;
	return { averageMa, batteryHours: { cr2032: BATTERIES.cr2032.mAh / averageMa, lipo100: BATTERIES.lipo100.mAh / averageMa } };
}

export function powerOf(instructionsPerSecond: number, cycles?: { perSecond: number; perSecondPessimistic: number }): PowerEstimate {
	const dutyCycle = (instructionsPerSecond * CPI) / CLOCK_HZ;
	const estimate: PowerEstimate = { instructionsPerSecond, dutyCycle, ...currentOf(dutyCycle) };
	if (cycles) {
		const byCycles = cycles.perSecond / CLOCK_HZ;
		estimate.byCycles = {
			cyclesPerSecond: cycles.perSecond,
			cyclesPerSecondPessimistic: cycles.perSecondPessimistic,
			dutyCycle: byCycles,
			dutyCyclePessimistic: cycles.perSecondPessimistic / CLOCK_HZ,
			...currentOf(byCycles),
		};
	}
	return estimate;
}

export const ASSUMPTIONS = {
	clock_hz: CLOCK_HZ,
	cpi: CPI,
	cpu_active_ma: CPU_ACTIVE_MA,
	system_on_idle_ma: SYSTEM_ON_IDLE_MA,
	batteries: BATTERIES,
	source: "nRF52840 Product Specification v1.8: CPU from flash with cache at 64 MHz on DC/DC (~52 uA/MHz); System ON with full RAM retention and RTC",
	cpi_note: "QEMU counts instructions; cycles = instructions x CPI. 1.5 assumed for XS's interpreter loop (loads 2 cycles, taken branches 2-4, flash behind the cache)",
	cycle_model:
		"Duty by cycles: each segment's instructions weighed with the cycles per instruction the cycle model gives its profile (host/bench/cycle-model.ts, Cortex-M4 TRM timings; code in flash with the instruction cache on, every fetch a hit; pessimistic: slowest refills, 2 flash wait states at each, nothing paired). An estimate: confirm with the DWT cycle counter on an nRF52840 DK (host/bench/cycle-model.md)",
	excluded: "BLE radio (TX ~4.8 mA, RX ~4.6 mA during connection events), SAADC, the analog front end (AD8232 ~170 uA), battery self-discharge",
};
