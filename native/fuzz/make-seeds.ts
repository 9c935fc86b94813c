// Writes the committed seed inputs of the C fuzz harnesses (native/fuzz/fuzz_{ecg,input,template}.c) into
// native/fuzz/seeds/<name>/: real beats of the bundled MIT-BIH record 119 and the edge cases each harness refuses.
//   npx tsx native/fuzz/make-seeds.ts
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveConfig, settingsArray, type EcgConfig } from "../../modules/ecg/config.ts";
import { loadRecord } from "../../host/data/records.ts";
import { isBeatSymbol } from "../../host/data/wfdb/codes.ts";

const HERE = fileURLToPath(new URL(".", import.meta.url));
const ROOT = join(HERE, "../..");
const record = await loadRecord(join(ROOT, "test/fixtures/wfdb"), "119");
const raw = record.signals[0]!; // MLII, 360 Hz, 11-bit ADC centred on 1024
const beats = record.annotations.filter((a) => isBeatSymbol(a.symbol)).map((a) => a.sample);

function bytes(...parts: ArrayBufferView[]): Uint8Array {
	const total = parts.reduce((n, p) => n + p.byteLength, 0);
	const out = new Uint8Array(total);
	let at = 0;
	for (const p of parts) {
		out.set(new Uint8Array(p.buffer, p.byteOffset, p.byteLength), at);
		at += p.byteLength;
	}
	return out;
}

function writeSeeds(name: string, seeds: Record<string, Uint8Array>): void {
	const dir = join(HERE, "seeds", name);
	rmSync(dir, { recursive: true, force: true });
	mkdirSync(dir, { recursive: true });
	for (const [file, data] of Object.entries(seeds)) writeFileSync(join(dir, file), data);
	console.log(`${dir}: ${Object.keys(seeds).length} seeds`);
}

/** Record 119 from `start` for `seconds`, resampled (nearest sample) to `rate`. */
function excerpt(start: number, seconds: number, rate = 360): Int16Array {
	const n = Math.round(seconds * rate);
	return Int16Array.from({ length: n }, (_, i) => raw[start + Math.floor((i * 360) / rate)]!);
}

// ---- ECG pipeline: mode byte, settings, samples ----
const MITDB: EcgConfig = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };
const settings = (c: Partial<EcgConfig>) => settingsArray(resolveConfig({ ...MITDB, ...c }));
const mode = (flags: { wide?: boolean; filter?: boolean; leadOff?: boolean; chunk?: number }) =>
	Uint8Array.of((flags.wide ? 1 : 0) | (flags.filter ? 2 : 0) | (flags.leadOff ? 4 : 0) | (((flags.chunk ?? 16) / 16 - 1) << 3));
const ecg = (m: Uint8Array, s: Int32Array, samples: Int16Array | Int32Array) => bytes(m, s, samples);
const flat = new Int16Array(3600).fill(1024);
const rails = Int16Array.from({ length: 3600 }, (_, i) => (Math.floor(i / 200) % 2 ? 2047 : 0));
const garbage = Int32Array.from(excerpt(0, 10), (v, i) => (i % 97 === 0 ? -2147483648 : i % 89 === 0 ? 5000 : v));
writeSeeds("ecg", {
	"mitdb-119-10s-chunk16": ecg(mode({}), settings({}), excerpt(0, 10)),
	"mitdb-119-10s-chunk256": ecg(mode({ chunk: 256 }), settings({}), excerpt(3600, 10)),
	"mitdb-119-int32": ecg(mode({ wide: true, chunk: 128 }), settings({}), Int32Array.from(excerpt(108000, 8))),
	"mitdb-119-filter-i16": ecg(mode({ filter: true, chunk: 512 }), settings({}), excerpt(7200, 10)),
	"mitdb-119-filter-i32": ecg(mode({ wide: true, filter: true, chunk: 64 }), settings({}), Int32Array.from(excerpt(7200, 6))),
	"mitdb-119-lead-off": ecg(mode({ leadOff: true, chunk: 512 }), settings({}), excerpt(36000, 10)),
	"rate-100": ecg(mode({ chunk: 64 }), settings({ sampleRate: 100 }), excerpt(0, 20, 100)),
	"rate-250": ecg(mode({ chunk: 64 }), settings({ sampleRate: 250 }), excerpt(0, 12, 250)),
	"rate-500-mains-50": ecg(mode({ chunk: 256 }), settings({ sampleRate: 500, mainsHz: 50 }), excerpt(0, 8, 500)),
	"rate-1000": ecg(mode({ chunk: 512 }), settings({ sampleRate: 1000 }), excerpt(0, 6, 1000)),
	"flatline": ecg(mode({ chunk: 256 }), settings({}), flat),
	"rails": ecg(mode({ chunk: 256 }), settings({ railMargin: 3 }), rails),
	"garbage-int32": ecg(mode({ wide: true, chunk: 32 }), settings({}), garbage),
	"wide-adc": ecg(mode({ chunk: 128 }), settings({ adcGain: 1000, adcZero: 0, adcMin: -32768, adcMax: 32767, windowLength: 512 }),
		Int16Array.from(excerpt(0, 10), (v) => (v - 1024) * 5)),
	"refused-rate": ecg(mode({}), Int32Array.from(settings({}), (v, i) => (i === 0 ? 50 : v)), excerpt(0, 1)),
});

// ---- Beat input: adc_gain, scale (doubles), zero_point (int32), feature_count, flags, features, window ----
const META_INPUT = { scale: 0.022322834946039156, zero_point: 0 }; // models/default.htpw
const features5 = Float32Array.of(1.02, 0.97, 0.05, 0.93, 0.41);
const windowAt = (sample: number, length = 256) => Int32Array.from({ length }, (_, i) => (raw[sample - length / 2 + i] ?? 1024) - 1024);
function input(gain: number, scale: number, zero: number, features: Float32Array, window: Int32Array, flags = 0, count = features.length): Uint8Array {
	return bytes(Float64Array.of(gain, scale), Int32Array.of(zero), Uint8Array.of(count, flags), features, window);
}
const beat = windowAt(beats[40]!);
writeSeeds("input", {
	"default-model-lead-only": input(200, META_INPUT.scale, 0, new Float32Array(0), beat),
	"default-model-features": input(200, META_INPUT.scale, 0, features5, windowAt(beats[41]!)),
	"zero-point-extremes": input(200, 0.05, -128, features5, windowAt(beats[42]!)),
	"zero-point-127": input(137.5, 0.01, 127, features5, beat),
	"wrong-out-count": input(200, META_INPUT.scale, 0, features5, beat, 1),
	"nan-feature": input(200, META_INPUT.scale, 0, Float32Array.of(1, Number.NaN, 0, 0, 0), beat),
	"infinite-feature": input(200, META_INPUT.scale, 0, Float32Array.of(Infinity, 1, 0, 0, 0), beat),
	"tiny-gain-overflows": input(1e-40, META_INPUT.scale, 0, features5, beat),
	"negative-gain": input(-200, META_INPUT.scale, 0, features5, beat),
	"zero-scale": input(200, 0, 0, features5, beat),
	"zero-point-out-of-range": input(200, META_INPUT.scale, 200, features5, beat),
	"int32-extremes": input(1, 1e-3, 0, features5, Int32Array.of(-2147483648, 2147483647, 0, -1, 1, 1e9, -1e9, 65535)),
	"empty-window": input(200, META_INPUT.scale, 0, features5, new Int32Array(0)),
	"huge-scale": input(1e-3, 1e30, 5, features5, beat),
});

// ---- Beat template: sample_rate, pre, window_length (int32), then beats of control byte + int16 samples ----
function template(rate: number, pre: number, length: number, windows: { control: number; samples: Int16Array }[]): Uint8Array {
	return bytes(Int32Array.of(rate, pre, length), ...windows.flatMap((w) => [Uint8Array.of(w.control), w.samples]));
}
const qrs = (i: number, length = 256, rate = 360) =>
	Int16Array.from({ length }, (_, k) => (raw[beats[i]! + Math.round(((k - length / 2) * 360) / rate)] ?? 1024) - 1024);
const run = (from: number, count: number, length = 256, rate = 360, control = (_: number) => 0) =>
	Array.from({ length: count }, (_, k) => ({ control: control(k), samples: qrs(from + k, length, rate) }));
writeSeeds("template", {
	"mitdb-119-360hz": template(360, 128, 256, run(10, 12)),
	"mitdb-119-reset": template(360, 128, 256, run(30, 10, 256, 360, (k) => (k === 5 ? 1 : 0))),
	"mitdb-119-shifted": template(360, 128, 256, run(50, 8, 256, 360, (k) => (k % 3) * 2 * 8)),
	"saturating": template(360, 128, 256, run(70, 6, 256, 360, () => 31 << 1)),
	"rate-250": template(250, 128, 256, run(90, 10, 256, 250)),
	"rate-500": template(500, 128, 256, run(110, 8, 256, 500)),
	"rate-1000-long": template(1000, 512, 1024, run(130, 3, 1024, 1000)),
	"rate-128-short": template(128, 32, 64, run(150, 30, 64, 128)),
	"flat": template(360, 128, 256, [{ control: 0, samples: new Int16Array(256) }, { control: 0, samples: new Int16Array(256) }]),
	"refused-pre": template(360, 10, 256, run(10, 1)),
	"refused-rate": template(0, 128, 256, []),
	"refused-window": template(360, 128, 70000, []),
	"one-sample-segment": template(1, 0, 1, [{ control: 0, samples: Int16Array.of(5) }, { control: 0, samples: Int16Array.of(-5) }]),
});
