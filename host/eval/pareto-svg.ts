// The Pareto plot: macro-F1 vs flash bytes (log x), 95% CI bars, one marker shape per family, filled for
// V-vs-rest and hollow for aami5. Written by hand: a few dozen lines of SVG need no plotting dependency, and
// the output is byte-identical on every run.
import type { EvalRow } from "./evaluate.ts";

const W = 760, H = 460, L = 70, R = 200, T = 30, B = 60;
const COLORS = ["#1b6ca8", "#d1495b", "#2e933c", "#8f5bb5", "#e08e0b", "#555555", "#00a1a8"];

function esc(s: string): string {
	return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

function n(x: number): string {
	return (Math.round(x * 10) / 10).toString();
}

function marker(shape: number, x: number, y: number, color: string, filled: boolean): string {
	const fill = filled ? color : "white";
	const a = `fill="${fill}" stroke="${color}" stroke-width="1.6"`;
	switch (shape % 5) {
		case 0: return `<circle cx="${n(x)}" cy="${n(y)}" r="5" ${a}/>`;
		case 1: return `<rect x="${n(x - 4.5)}" y="${n(y - 4.5)}" width="9" height="9" ${a}/>`;
		case 2: return `<path d="M${n(x)},${n(y - 6)} L${n(x + 5.5)},${n(y + 4)} L${n(x - 5.5)},${n(y + 4)} Z" ${a}/>`;
		case 3: return `<path d="M${n(x)},${n(y - 6)} L${n(x + 6)},${n(y)} L${n(x)},${n(y + 6)} L${n(x - 6)},${n(y)} Z" ${a}/>`;
		default: return `<path d="M${n(x - 5)},${n(y - 5)} L${n(x + 5)},${n(y + 5)} M${n(x - 5)},${n(y + 5)} L${n(x + 5)},${n(y - 5)}" stroke="${color}" stroke-width="2.2"/>`;
	}
}

function bytesLabel(b: number): string {
	return b >= 1 << 20 ? `${b / (1 << 20)} MiB` : b >= 1024 ? `${b / 1024} KiB` : `${b} B`;
}

export function paretoSvg(rows: EvalRow[], title: string): string {
	const plotted = rows.filter((r) => r.macro_f1 !== null);
	const families = [...new Set(plotted.map((r) => r.family))].sort();
	const bytes = plotted.map((r) => r.flash_bytes);
	const x0 = Math.floor(Math.log2(Math.min(...bytes, 4096))), x1 = Math.ceil(Math.log2(Math.max(...bytes, 8192)));
	const lows = plotted.map((r) => (r.ci95 ? r.ci95[0] : (r.macro_f1 as number)));
	const y0 = Math.max(0, Math.floor(Math.min(...lows, 0.9) * 10) / 10), y1 = 1;
	const px = (b: number) => L + ((Math.log2(b) - x0) / (x1 - x0)) * (W - L - R);
	const py = (f: number) => T + ((y1 - f) / (y1 - y0)) * (H - T - B);
	const out: string[] = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="11">`,
		`<rect width="${W}" height="${H}" fill="white"/>`,
		`<text x="${L}" y="18" font-size="13" font-weight="bold">${esc(title)}</text>`,
	];
	for (let e = x0; e <= x1; e++) {
		const x = px(2 ** e);
		out.push(`<line x1="${n(x)}" y1="${T}" x2="${n(x)}" y2="${H - B}" stroke="#e4e4e4"/>`);
		if ((e - x0) % 2 === 0 || x1 - x0 <= 8) out.push(`<text x="${n(x)}" y="${H - B + 16}" text-anchor="middle">${bytesLabel(2 ** e)}</text>`);
	}
	for (let k = Math.ceil(y0 * 20); k <= y1 * 20; k++) {
		const f = k / 20, y = py(f);
		out.push(`<line x1="${L}" y1="${n(y)}" x2="${W - R}" y2="${n(y)}" stroke="#e4e4e4"/>`);
		out.push(`<text x="${L - 6}" y="${n(y + 4)}" text-anchor="end">${f.toFixed(2)}</text>`);
	}
	out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`);
	out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">flash bytes of the packed model (.htpw), log scale</text>`);
	out.push(`<text transform="translate(18 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle">DS2 macro-F1 (95% CI, record bootstrap)</text>`);
	for (const r of plotted) {
		const k = families.indexOf(r.family), color = COLORS[k % COLORS.length];
		const x = px(r.flash_bytes), y = py(r.macro_f1 as number);
		if (r.ci95) out.push(`<line x1="${n(x)}" y1="${n(py(r.ci95[0]))}" x2="${n(x)}" y2="${n(py(r.ci95[1]))}" stroke="${color}" stroke-width="1.2"/>`);
		out.push(`<g><title>${esc(`${r.name} ${r.task}: ${r.flash_bytes} bytes, macro-F1 ${r.macro_f1}`)}</title>${marker(k, x, y, color, r.task === "v-vs-rest")}</g>`);
		const nearRight = x > W - R - 90; // keep labels inside the plot, clear of the legend
		out.push(`<text x="${n(nearRight ? x - 8 : x + 8)}" y="${n(y - 6)}" font-size="9" fill="#444"${nearRight ? ' text-anchor="end"' : ""}>${esc(r.name)}</text>`);
	}
	let ly = T + 8;
	for (const [k, f] of families.entries()) {
		out.push(marker(k, W - R + 20, ly, COLORS[k % COLORS.length], true));
		out.push(`<text x="${W - R + 32}" y="${ly + 4}">${esc(f)}</text>`);
		ly += 20;
	}
	ly += 6;
	out.push(marker(0, W - R + 20, ly, "#333", true), `<text x="${W - R + 32}" y="${ly + 4}">filled: V-vs-rest</text>`);
	out.push(marker(0, W - R + 20, ly + 20, "#333", false), `<text x="${W - R + 32}" y="${ly + 24}">hollow: aami5</text>`);
	out.push("</svg>");
	return out.join("\n") + "\n";
}
