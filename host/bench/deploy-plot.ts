// The deployment plot (results/deploy/deploy.svg): one panel per model, each policy a point at its SRAM (arena +
// kernels + scratch) and its milliseconds at 64 MHz, filled for the steady state, hollow to the first result.
// Axes span the data (not from zero): the policies of one model differ by little. Plain SVG, no dependencies.
import type { ModelResult } from "./deploy-bench.ts";

const PANEL_W = 250, PANEL_H = 220, CELL_W = 330, CELL_H = 320, MARGIN_L = 70, TOP = 70, COLUMNS = 3;

function esc(s: string): string {
	return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

/** [lo, hi] around the values with some room, never empty. */
function span(values: number[]): [number, number] {
	const lo = Math.min(...values), hi = Math.max(...values);
	const pad = Math.max((hi - lo) * 0.15, Math.abs(hi) * 0.02, 1e-6);
	return [lo - pad, hi + pad];
}

function tick(v: number): string {
	return String(+v.toPrecision(3));
}

function panel(m: ModelResult, x0: number, y0: number): string[] {
	const xs = m.runs.map((r) => r.m4.sram_bytes / 1024);
	const ys = m.runs.flatMap((r) => [r.ms_steady_at_64mhz, r.ms_first_result_at_64mhz]);
	const [xLo, xHi] = span(xs), [yLo, yHi] = span(ys);
	const sx = (x: number) => x0 + ((x - xLo) / (xHi - xLo)) * PANEL_W;
	const sy = (y: number) => y0 + PANEL_H - ((y - yLo) / (yHi - yLo)) * PANEL_H;
	const out = [
		`<text x="${x0 + PANEL_W / 2}" y="${y0 - 10}" text-anchor="middle" font-weight="bold" font-size="13">${esc(m.name)}</text>`,
		`<rect x="${x0}" y="${y0}" width="${PANEL_W}" height="${PANEL_H}" fill="none" stroke="#444"/>`,
		`<text x="${x0 + PANEL_W / 2}" y="${y0 + PANEL_H + 34}" text-anchor="middle" font-size="11">SRAM (KiB)</text>`,
		`<text transform="translate(${x0 - 48},${y0 + PANEL_H / 2}) rotate(-90)" text-anchor="middle" font-size="11">ms at 64 MHz</text>`,
	];
	for (let i = 0; i <= 4; i++) {
		const xv = xLo + ((xHi - xLo) * i) / 4, yv = yLo + ((yHi - yLo) * i) / 4;
		out.push(`<text x="${sx(xv)}" y="${y0 + PANEL_H + 16}" text-anchor="middle" font-size="10">${tick(xv)}</text>`);
		out.push(`<text x="${x0 - 6}" y="${sy(yv) + 4}" text-anchor="end" font-size="10">${tick(yv)}</text>`);
		if (i > 0 && i < 4) out.push(`<line x1="${x0}" y1="${sy(yv)}" x2="${x0 + PANEL_W}" y2="${sy(yv)}" stroke="#e4e4e4"/>`);
	}
	m.runs.forEach((r, row) => {
		const x = sx(r.m4.sram_bytes / 1024);
		const color = r.policy === "stream" ? "#d62728" : r.label === "lazy" ? "#2ca02c" : "#1f77b4";
		const steady = sy(r.ms_steady_at_64mhz), first = sy(r.ms_first_result_at_64mhz);
		out.push(`<line x1="${x.toFixed(1)}" y1="${steady.toFixed(1)}" x2="${x.toFixed(1)}" y2="${first.toFixed(1)}" stroke="${color}" stroke-dasharray="2,2"/>`);
		out.push(`<circle cx="${x.toFixed(1)}" cy="${steady.toFixed(1)}" r="4" fill="${color}"><title>${esc(`${r.label}: steady ${r.ms_steady_at_64mhz.toFixed(2)} ms`)}</title></circle>`);
		out.push(`<circle cx="${x.toFixed(1)}" cy="${first.toFixed(1)}" r="4" fill="white" stroke="${color}" stroke-width="1.5"><title>${esc(`${r.label}: first result ${r.ms_first_result_at_64mhz.toFixed(2)} ms`)}</title></circle>`);
		out.push(`<text x="${(x + 6).toFixed(1)}" y="${(steady + 12 + 10 * (row % 2)).toFixed(1)}" font-size="9" fill="${color}">${esc(r.label)}</text>`);
	});
	return out;
}

export function deployPlot(models: ModelResult[]): string {
	const columns = Math.min(COLUMNS, models.length);
	const rows = Math.ceil(models.length / COLUMNS);
	const w = MARGIN_L + columns * CELL_W, h = TOP + rows * CELL_H + 10;
	const panels = models.flatMap((m, i) => panel(m, MARGIN_L + (i % COLUMNS) * CELL_W, TOP + Math.floor(i / COLUMNS) * CELL_H));
	return [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" font-family="sans-serif">`,
		`<rect width="${w}" height="${h}" fill="white"/>`,
		`<text x="${w / 2}" y="22" text-anchor="middle" font-size="15" font-weight="bold">Cortex-M4 at 64 MHz (exact QEMU instruction counts, 1 instruction/cycle): SRAM vs time per policy</text>`,
		`<text x="${w / 2}" y="42" text-anchor="middle" font-size="12">filled: steady state per inference · hollow: to the first result (open + init + 1 inference) · blue boot/stored, green lazy, red stream@budget</text>`,
		...panels,
		"</svg>",
		"",
	].join("\n");
}
