// Drawing for the web companion: the strip on paper-ECG grid at 25 mm/s and 10 mm/mV (CSS millimetres, 96/25.4
// px each, at the screen's device pixel ratio) and the heart-rate trend over the whole run. Everything is drawn in
// CSS pixels; the canvases' backing stores follow their CSS size times devicePixelRatio.
import { clock } from "/run.js";

export const PX_PER_MM = 96 / 25.4;
export const MM_PER_S = 25;
export const MM_PER_MV = 10;
/** Left margin of the strip, in mm, for the 1 mV calibration pulse. */
const MARGIN_MM = 8;
/** Marker colours by class index; the class alerts are about (V) is red. */
const CLASS_COLORS = ["#1565c0", "#2e7d32", "#6a1b9a", "#ef6c00", "#00838f", "#5d4037", "#455a64", "#827717"];
/** AF episodes: a translucent band and its label. */
const AF_FILL = "rgba(123, 31, 162, 0.13)";
const AF_TEXT = "#7b1fa2";

/** Sizes the canvas's backing store to its CSS box and returns a context drawing in CSS pixels. */
function prepare(canvas) {
	const dpr = window.devicePixelRatio || 1;
	const w = canvas.clientWidth, h = canvas.clientHeight;
	if (canvas.width !== Math.round(w * dpr) || canvas.height !== Math.round(h * dpr)) {
		canvas.width = Math.round(w * dpr);
		canvas.height = Math.round(h * dpr);
	}
	const ctx = canvas.getContext("2d");
	ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
	ctx.clearRect(0, 0, w, h);
	return { ctx, w, h };
}

/** Samples the strip canvas shows at once, at 25 mm/s. */
export function windowSamples(canvas, sampleRate) {
	const mm = canvas.clientWidth / PX_PER_MM - MARGIN_MM;
	return Math.max(1, Math.round((mm / MM_PER_S) * sampleRate));
}

export function classColor(run, classIndex) {
	if (classIndex === undefined) return "#777";
	if (run.model?.alertClass === classIndex) return "#b00020";
	return CLASS_COLORS[classIndex % CLASS_COLORS.length];
}

/** The AF episodes of the run that overlap samples [from, to], as [onset, end) with end the latest sample while one lasts. */
function afRanges(run, from, to) {
	const out = [];
	for (const e of run.afEpisodes) {
		const end = run.afEnd(e);
		if (end >= from && e.onset <= to) out.push([e.onset, end, e.offset === undefined]);
	}
	return out;
}

/**
 * The strip from sample `start` on: grid anchored to the record's time (it scrolls with the trace), AF episodes as
 * shaded bands, the trace about the window's median (its baseline) at `gain` ADC units per mV, beat markers shaded
 * by confidence, event lines and second labels. Returns the first strip sample drawn (undefined when none) and the
 * number of AF bands drawn.
 */
export function drawStrip(canvas, run, start, gain) {
	const { ctx, w, h } = prepare(canvas);
	const mm = PX_PER_MM;
	const rate = run.sampleRate;
	const span = windowSamples(canvas, rate);
	const end = start + span;
	const x0 = MARGIN_MM * mm;
	const pxPerSample = (MM_PER_S * mm) / rate;
	const xOf = (i) => x0 + (i - start) * pxPerSample;
	const y0 = Math.round(h * 0.6);

	// Grid: 1 mm and 5 mm squares; vertical lines at 0.04 s steps of the record's time.
	const firstMm = Math.ceil((start / rate) * MM_PER_S);
	for (const [step, color, width] of [[1, "#f6d3d3", 0.5], [5, "#e8a5a5", 1]]) {
		ctx.strokeStyle = color;
		ctx.lineWidth = width;
		ctx.beginPath();
		for (let k = Math.ceil(firstMm / step) * step; ; k += step) {
			const x = x0 + (k / MM_PER_S - start / rate) * MM_PER_S * mm;
			if (x > w) break;
			ctx.moveTo(x, 0);
			ctx.lineTo(x, h);
		}
		for (let k = -Math.floor(y0 / mm / step) * step; k * mm + y0 <= h; k += step) {
			ctx.moveTo(0, y0 + k * mm);
			ctx.lineTo(w, y0 + k * mm);
		}
		ctx.stroke();
	}

	// The 1 mV calibration pulse, 5 mm wide, in the margin.
	ctx.strokeStyle = "#222";
	ctx.lineWidth = 1.5;
	ctx.beginPath();
	ctx.moveTo(0.5 * mm, y0);
	ctx.lineTo(1.5 * mm, y0);
	ctx.lineTo(1.5 * mm, y0 - MM_PER_MV * mm);
	ctx.lineTo(6.5 * mm, y0 - MM_PER_MV * mm);
	ctx.lineTo(6.5 * mm, y0);
	ctx.lineTo(7.5 * mm, y0);
	ctx.stroke();

	ctx.save();
	ctx.beginPath();
	ctx.rect(x0, 0, w - x0, h);
	ctx.clip();

	// AF episodes: a band over [onset, offset), labelled at its left edge (or the window's).
	const bands = afRanges(run, start, end);
	for (const [from, to, open] of bands) {
		const a = Math.max(x0, xOf(from)), b = Math.min(w, xOf(to));
		ctx.fillStyle = AF_FILL;
		ctx.fillRect(a, 0, Math.max(1, b - a), h);
		ctx.fillStyle = AF_TEXT;
		ctx.font = "bold 12px system-ui";
		ctx.fillText(open ? "AF (in progress)" : "AF", a + 3, h - 18);
	}

	// Second labels.
	ctx.fillStyle = "#a06060";
	ctx.font = "11px system-ui";
	for (let s = Math.ceil(start / rate); s * rate <= end; s++) ctx.fillText(clock(s), xOf(s * rate) + 2, h - 4);

	// Events (not the routine ones): a dashed line where each began.
	ctx.setLineDash([4, 3]);
	for (const e of run.events) {
		if (e.sampleIndex < start || e.sampleIndex > end || run.routine(e)) continue;
		ctx.strokeStyle = "#ef6c00";
		ctx.beginPath();
		ctx.moveTo(xOf(e.sampleIndex), 34);
		ctx.lineTo(xOf(e.sampleIndex), h - 16);
		ctx.stroke();
		ctx.fillStyle = "#ef6c00";
		ctx.fillText(run.eventText(e), xOf(e.sampleIndex) + 3, 46);
	}
	ctx.setLineDash([]);

	// The trace, broken where the strip has a gap.
	const strip = run.strip;
	const from = Math.max(0, strip.lowerBound(start) - 1), to = Math.min(strip.length, strip.lowerBound(end) + 1);
	let firstDrawn;
	if (to > from) {
		const values = Array.from(strip.value.subarray(from, to)).sort((a, b) => a - b);
		const baseline = values[values.length >> 1];
		const pxPerUnit = (MM_PER_MV * mm) / gain;
		const maxGap = Math.max(4 * (run.stripDecimation || 1), rate / 5);
		ctx.strokeStyle = "#111";
		ctx.lineWidth = 1.3;
		ctx.beginPath();
		for (let k = from; k < to; k++) {
			const i = strip.index[k];
			const x = xOf(i), y = y0 - (strip.value[k] - baseline) * pxPerUnit;
			if (k === from || i - strip.index[k - 1] > maxGap) ctx.moveTo(x, y);
			else ctx.lineTo(x, y);
			if (firstDrawn === undefined && i >= start) firstDrawn = i;
		}
		ctx.stroke();
	} else {
		ctx.fillStyle = "#777";
		ctx.font = "14px system-ui";
		ctx.fillText(strip.length ? "no strip samples here" : "no strip yet (Strip on starts it)", x0 + 12, y0 - 12);
	}

	// Beat markers: the class above the beat, opaque when confident; the confidence under it.
	const beats = run.beats;
	let lo = 0, hi = beats.length;
	while (lo < hi) {
		const mid = (lo + hi) >> 1;
		if (beats[mid].sampleIndex < start) lo = mid + 1;
		else hi = mid;
	}
	for (let k = lo; k < beats.length && beats[k].sampleIndex <= end; k++) {
		const b = beats[k];
		const x = xOf(b.sampleIndex);
		ctx.globalAlpha = b.confidence === undefined ? 0.6 : 0.25 + 0.75 * b.confidence;
		ctx.fillStyle = classColor(run, b.classIndex);
		ctx.font = "bold 14px system-ui";
		const name = run.className(b.classIndex) || "·";
		ctx.fillText(name, x - ctx.measureText(name).width / 2, 16);
		ctx.fillRect(x - 1, 20, 2, 7);
		if (b.confidence !== undefined) {
			ctx.font = "10px system-ui";
			const p = `${Math.round(b.confidence * 100)}%`;
			ctx.fillText(p, x - ctx.measureText(p).width / 2, 37);
		}
	}
	ctx.globalAlpha = 1;
	ctx.restore();
	return { firstDrawn, afBands: bands.length };
}

/**
 * Heart rate over the whole run, AF episodes and the strip's window shaded; returns the number of heart-rate values
 * and of AF bands.
 */
export function drawTrend(canvas, run, start, span) {
	const { ctx, w, h } = prepare(canvas);
	const left = 30, top = 6, bottom = h - 16;
	const total = Math.max(run.lastSample, span, 1);
	const xOf = (i) => left + (i / total) * (w - left - 4);
	let lo = 40, hi = 120, points = 0;
	for (const b of run.beats) {
		if (!b.heartRate) continue;
		points++;
		if (b.heartRate < lo) lo = b.heartRate;
		if (b.heartRate > hi) hi = b.heartRate;
	}
	lo = Math.floor(lo / 20) * 20;
	hi = Math.ceil(hi / 20) * 20;
	const yOf = (bpm) => bottom - ((bpm - lo) / (hi - lo)) * (bottom - top);

	const bands = afRanges(run, 0, total);
	for (const [from, to] of bands) {
		ctx.fillStyle = AF_FILL;
		ctx.fillRect(xOf(from), top, Math.max(1, xOf(to) - xOf(from)), bottom - top);
		if (xOf(to) - xOf(from) >= 18) {
			ctx.fillStyle = AF_TEXT;
			ctx.font = "bold 10px system-ui";
			ctx.fillText("AF", xOf(from) + 2, top + 10);
		}
	}
	ctx.fillStyle = "rgba(21, 101, 192, 0.12)";
	ctx.fillRect(xOf(start), top, Math.max(2, xOf(start + span) - xOf(start)), bottom - top);
	ctx.font = "10px system-ui";
	ctx.strokeStyle = "#e4e4e4";
	ctx.fillStyle = "#777";
	ctx.lineWidth = 1;
	ctx.beginPath();
	for (let bpm = lo; bpm <= hi; bpm += 20) {
		ctx.moveTo(left, yOf(bpm));
		ctx.lineTo(w, yOf(bpm));
		ctx.fillText(String(bpm), 2, yOf(bpm) + 3);
	}
	ctx.stroke();
	ctx.fillText("00:00", left, h - 3);
	const endLabel = clock(run.seconds(total));
	ctx.fillText(endLabel, w - 4 - ctx.measureText(endLabel).width, h - 3);

	// Per pixel column the mean rate (a line, broken where no rate came for 10 s) and its range (a lighter stroke).
	const columns = [];
	for (const b of run.beats) {
		if (!b.heartRate) continue;
		const c = Math.round(xOf(b.sampleIndex));
		const last = columns[columns.length - 1];
		if (last?.c === c) {
			last.min = Math.min(last.min, b.heartRate);
			last.max = Math.max(last.max, b.heartRate);
			last.sum += b.heartRate;
			last.n++;
			last.to = b.sampleIndex;
		} else columns.push({ c, min: b.heartRate, max: b.heartRate, sum: b.heartRate, n: 1, from: b.sampleIndex, to: b.sampleIndex });
	}
	ctx.strokeStyle = "rgba(176, 0, 32, 0.35)";
	ctx.beginPath();
	for (const { c, min, max } of columns) if (max > min) (ctx.moveTo(c, yOf(max)), ctx.lineTo(c, yOf(min)));
	ctx.stroke();
	ctx.strokeStyle = "#b00020";
	ctx.lineWidth = 1.5;
	ctx.beginPath();
	const gap = 10 * run.sampleRate;
	columns.forEach(({ c, sum, n, from }, k) => {
		if (k && from - columns[k - 1].to <= gap) ctx.lineTo(c, yOf(sum / n));
		else (ctx.moveTo(c - 1, yOf(sum / n)), ctx.lineTo(c + 1, yOf(sum / n)));
	});
	ctx.stroke();
	return { points, afBands: bands.length };
}

/** The sample index at a click on the trend canvas (CSS x within it). */
export function trendSampleAt(canvas, run, span, x) {
	const total = Math.max(run.lastSample, span, 1);
	return ((x - 30) / (canvas.clientWidth - 34)) * total;
}
