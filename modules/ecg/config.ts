// Pipeline configuration: what the caller states (EcgConfig) and the integer sample counts every stage uses
// (EcgSettings), derived once so the device and the host dataset builder cannot disagree.

export interface EcgConfig {
	/** Samples per second of the input (360 for MIT-BIH, the ADC rate on a board). */
	sampleRate: number;
	/** ADC units per millivolt. */
	adcGain: number;
	/** ADC value of 0 mV. */
	adcZero: number;
	/** Lowest and highest values the ADC can produce (its rails). */
	adcMin: number;
	adcMax: number;
	/** Filtered samples per beat window (default 256). */
	windowLength?: number;
	/** Samples of the window before the R peak (default windowLength / 2, so the R peak is sample windowPre). */
	windowPre?: number;
	/** Mains frequency; the low-pass puts a zero on it (default 60). */
	mainsHz?: number;
	/** Samples pinned at a rail for this long mean the lead is off (default 500 ms). */
	leadOffMs?: number;
	/** No variation beyond flatlineMv for this long is a flatline (default 2000 ms, 0.02 mV). */
	flatlineMs?: number;
	flatlineMv?: number;
	/** Saturated when at least saturationPercent of the last saturationWindowMs are at a rail (default 10 % of 1000 ms). */
	saturationWindowMs?: number;
	saturationPercent?: number;
	/** ADC units from a rail still counted as "at the rail" (default 0). */
	railMargin?: number;
	/** Longest wait for the next beat before a window is delivered without rrNext (default 2000 ms). */
	maxRrMs?: number;
	/** Detector learning (threshold initialization) after start and after recovery (default 2000 ms). */
	learningMs?: number;
}

export interface EcgSettings {
	readonly sampleRate: number;
	readonly adcGain: number;
	readonly adcZero: number;
	readonly adcMin: number;
	readonly adcMax: number;
	readonly windowLength: number;
	readonly windowPre: number;
	readonly windowPost: number;
	/** Moving-average lengths of the low-pass (mains zero, then a 2-tap that makes the delay integer). */
	readonly lowpassLength: number;
	readonly lowpassSmoothLength: number;
	/** Moving-average length of the baseline estimate (two of them in cascade). */
	readonly highpassLength: number;
	/** Samples between an input sample and its filtered value (the filter is linear-phase FIR). */
	readonly filterDelay: number;
	/** Detection chain: 5 Hz high-pass length (odd), derivative span, integration window. */
	readonly detectHighpassLength: number;
	readonly derivativeSpan: number;
	readonly integrationLength: number;
	/** Right shift that brings the derivative to about 200 units per mV whatever the ADC gain. */
	readonly energyShift: number;
	readonly refractory: number;
	readonly tWaveLimit: number;
	readonly preBlank: number;
	readonly peakTimeout: number;
	readonly refineRadius: number;
	readonly learning: number;
	readonly relearnAfter: number;
	readonly maxRr: number;
	readonly leadOffSamples: number;
	readonly flatlineSamples: number;
	readonly flatlineAmplitude: number;
	readonly saturationWindow: number;
	readonly saturationCount: number;
	readonly railMargin: number;
	/** Filtered-signal history kept for windows (a power of two). */
	readonly historyLength: number;
}

const HIGHPASS_SECONDS = 0.86; // two cascaded moving averages this long: -3 dB at 0.67 Hz
const DETECT_HIGHPASS_SECONDS = 0.15; // y minus its moving average: -3 dB near 5 Hz
const INTEGRATION_SECONDS = 0.15;
const RELEARN_SECONDS = 8;
const MAX_INPUT_SPAN = 32768;

function samples(ms: number, rate: number): number {
	return Math.max(1, Math.round((ms * rate) / 1000));
}

function nextPowerOfTwo(n: number): number {
	let p = 1;
	while (p < n) p *= 2;
	return p;
}

function requireInteger(name: string, value: number, min: number, max: number): number {
	if (!Number.isInteger(value) || value < min || value > max) throw new RangeError(`ecg config: ${name} must be an integer in ${min}..${max}, got ${value}`);
	return value;
}

function requireNumber(name: string, value: number, min: number, max: number): number {
	if (typeof value !== "number" || !(value >= min && value <= max)) throw new RangeError(`ecg config: ${name} must be a number in ${min}..${max}, got ${value}`);
	return value;
}

export function resolveConfig(config: EcgConfig): EcgSettings {
	const rate = requireInteger("sampleRate", config.sampleRate, 100, 1000);
	const adcGain = requireNumber("adcGain", config.adcGain, 1, 1e6);
	const adcMin = requireInteger("adcMin", config.adcMin, -2147483647, 2147483647);
	const adcMax = requireInteger("adcMax", config.adcMax, adcMin + 1, 2147483647);
	const adcZero = requireInteger("adcZero", config.adcZero, adcMin, adcMax);
	if (adcMax - adcZero > MAX_INPUT_SPAN || adcZero - adcMin > MAX_INPUT_SPAN)
		throw new RangeError(`ecg config: adcMin..adcMax must lie within ±${MAX_INPUT_SPAN} of adcZero (shift wider ADC words down first)`);
	const windowLength = requireInteger("windowLength", config.windowLength ?? 256, 16, 4096);
	const windowPre = requireInteger("windowPre", config.windowPre ?? windowLength >> 1, 0, windowLength - 1);
	const mainsHz = requireNumber("mainsHz", config.mainsHz ?? 60, 10, 1000);

	const lowpassLength = Math.max(1, Math.round(rate / mainsHz));
	const lowpassSmoothLength = lowpassLength % 2 === 0 ? 2 : 1;
	const highpassLength = Math.round(HIGHPASS_SECONDS * rate);
	const filterDelay = highpassLength - 1 + (lowpassLength + lowpassSmoothLength - 2) / 2;
	if ((Math.max(adcMax - adcZero, adcZero - adcMin) + 1) * lowpassLength * lowpassSmoothLength * highpassLength > 2147483647)
		throw new RangeError("ecg config: ADC span too wide for the filter's 32-bit moving sums at this sample rate");

	const maxRr = samples(requireNumber("maxRrMs", config.maxRrMs ?? 2000, 300, 5000), rate);
	const refineRadius = samples(100, rate);
	const saturationWindow = samples(requireNumber("saturationWindowMs", config.saturationWindowMs ?? 1000, 10, 10000), rate);
	const saturationPercent = requireNumber("saturationPercent", config.saturationPercent ?? 10, 0.1, 100);
	let energyShift = 0;
	while (adcGain / (1 << (energyShift + 1)) >= 200) energyShift++;

	return Object.freeze({
		sampleRate: rate,
		adcGain,
		adcZero,
		adcMin,
		adcMax,
		windowLength,
		windowPre,
		windowPost: windowLength - windowPre,
		lowpassLength,
		lowpassSmoothLength,
		highpassLength,
		filterDelay,
		detectHighpassLength: Math.round(DETECT_HIGHPASS_SECONDS * rate) | 1,
		derivativeSpan: lowpassLength,
		integrationLength: Math.round(INTEGRATION_SECONDS * rate),
		energyShift,
		refractory: samples(200, rate),
		tWaveLimit: samples(360, rate),
		preBlank: samples(200, rate),
		peakTimeout: samples(95, rate),
		refineRadius,
		learning: samples(requireNumber("learningMs", config.learningMs ?? 2000, 500, 10000), rate),
		relearnAfter: RELEARN_SECONDS * rate,
		maxRr,
		leadOffSamples: samples(requireNumber("leadOffMs", config.leadOffMs ?? 500, 1, 10000), rate),
		flatlineSamples: samples(requireNumber("flatlineMs", config.flatlineMs ?? 2000, 100, 60000), rate),
		flatlineAmplitude: Math.max(1, Math.round(requireNumber("flatlineMv", config.flatlineMv ?? 0.02, 0, 10) * adcGain)),
		saturationWindow,
		saturationCount: Math.max(1, Math.ceil((saturationPercent * saturationWindow) / 100)),
		railMargin: requireInteger("railMargin", config.railMargin ?? 0, 0, MAX_INPUT_SPAN),
		// Room for a window whose beat waits maxRr for its successor, plus the detector's latency.
		historyLength: nextPowerOfTwo(windowLength + maxRr + samples(600, rate) + refineRadius),
	});
}

/**
 * The integer settings the C pipeline (native/include/ht_ecg.h, HT_ECG_S_*) takes, in its order. adcGain is not
 * among them: only energyShift and flatlineAmplitude depend on it, and they are derived here.
 */
export const ECG_SETTING_NAMES = [
	"sampleRate",
	"adcZero",
	"adcMin",
	"adcMax",
	"windowLength",
	"windowPre",
	"windowPost",
	"lowpassLength",
	"lowpassSmoothLength",
	"highpassLength",
	"filterDelay",
	"detectHighpassLength",
	"derivativeSpan",
	"integrationLength",
	"energyShift",
	"refractory",
	"tWaveLimit",
	"preBlank",
	"peakTimeout",
	"refineRadius",
	"learning",
	"relearnAfter",
	"maxRr",
	"leadOffSamples",
	"flatlineSamples",
	"flatlineAmplitude",
	"saturationWindow",
	"saturationCount",
	"railMargin",
	"historyLength",
] as const;

/** `settings` as the Int32Array the C pipeline checks and keeps (ECG_SETTING_NAMES order). */
export function settingsArray(settings: EcgSettings): Int32Array {
	const out = new Int32Array(ECG_SETTING_NAMES.length);
	for (let i = 0; i < ECG_SETTING_NAMES.length; i++) {
		const value = settings[ECG_SETTING_NAMES[i]];
		if (value !== (value | 0)) throw new RangeError(`ecg config: ${ECG_SETTING_NAMES[i]} ${value} does not fit 32 bits`);
		out[i] = value;
	}
	return out;
}
