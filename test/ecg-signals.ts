// Synthetic ECG for the tests: each beat a sum of Gaussian P, Q, R, S, T bumps, plus baseline wander and
// seeded noise, quantized like an ADC. R peaks are where the R bump is centred (known exactly).

export interface SyntheticOptions {
	sampleRate?: number;
	seconds?: number;
	heartRate?: number;
	/** Uniform RR jitter as a fraction of the RR interval (0 = perfectly regular). */
	rrJitter?: number;
	noiseMv?: number;
	wanderMv?: number;
	adcGain?: number;
	adcZero?: number;
	adcMax?: number;
	seed?: number;
}

export interface SyntheticEcg {
	samples: Int16Array;
	/** Sample index of every R peak. */
	beats: number[];
	config: { sampleRate: number; adcGain: number; adcZero: number; adcMin: number; adcMax: number };
}

// [offset from R (s), amplitude (mV), width (s)]
const WAVES: Array<[number, number, number]> = [
	[-0.2, 0.15, 0.025],
	[-0.03, -0.12, 0.01],
	[0, 1.2, 0.011],
	[0.03, -0.25, 0.011],
	[0.26, 0.35, 0.045],
];

export function xorshift(seed: number): () => number {
	let x = seed >>> 0 || 1;
	return () => {
		x ^= x << 13;
		x >>>= 0;
		x ^= x >>> 17;
		x ^= x << 5;
		x >>>= 0;
		return x / 4294967296;
	};
}

export function syntheticEcg(options: SyntheticOptions = {}): SyntheticEcg {
	const rate = options.sampleRate ?? 360;
	const n = Math.round((options.seconds ?? 60) * rate);
	const gain = options.adcGain ?? 200;
	const zero = options.adcZero ?? 1024;
	const adcMax = options.adcMax ?? 2047;
	const random = xorshift(options.seed ?? 1);
	const rr = 60 / (options.heartRate ?? 72);
	const jitter = options.rrJitter ?? 0;
	const noise = options.noiseMv ?? 0.02;
	const wander = options.wanderMv ?? 0.3;

	const beatTimes: number[] = [];
	for (let t = 0.4 + random() * 0.3; t < n / rate; t += rr * (1 + jitter * (2 * random() - 1))) beatTimes.push(t);

	const mv = new Float64Array(n);
	for (const beat of beatTimes) {
		for (const [offset, amplitude, width] of WAVES) {
			const centre = beat + offset;
			const from = Math.max(0, Math.floor((centre - 5 * width) * rate));
			const to = Math.min(n - 1, Math.ceil((centre + 5 * width) * rate));
			for (let i = from; i <= to; i++) {
				const d = (i / rate - centre) / width;
				mv[i] += amplitude * Math.exp(-0.5 * d * d);
			}
		}
	}
	const samples = new Int16Array(n);
	for (let i = 0; i < n; i++) {
		const t = i / rate;
		const baseline = wander * Math.sin(2 * Math.PI * 0.23 * t) + 0.5 * wander * Math.sin(2 * Math.PI * 0.07 * t + 1);
		const gaussian = Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
		const v = Math.round(zero + (mv[i] + baseline + noise * gaussian) * gain);
		samples[i] = Math.max(0, Math.min(adcMax, v));
	}
	return {
		samples,
		beats: beatTimes.map((t) => Math.round(t * rate)),
		config: { sampleRate: rate, adcGain: gain, adcZero: zero, adcMin: 0, adcMax },
	};
}

/** A copy of `a` followed by `b`s and so on: builds test records from pieces. */
export function concat(...parts: ArrayLike<number>[]): Int16Array {
	const out = new Int16Array(parts.reduce((sum, p) => sum + p.length, 0));
	let at = 0;
	for (const p of parts) {
		out.set(p as ArrayLike<number>, at);
		at += p.length;
	}
	return out;
}
