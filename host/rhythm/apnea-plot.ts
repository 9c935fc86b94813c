// The apnea plot: per recording, the apnea minutes per hour the model called against those labelled (log-like
// square-root axes), one colour per recording class (A, B, C), the recording rule's line at 5 per hour on both
// axes. Written by hand like host/eval/pareto-svg.ts: byte-identical on every run, no plotting dependency.
import { RECORDING_RULE_PER_HOUR, type RecordingRow } from "./apnea-eval.ts";

const W = 560, H = 500, L = 70, R = 130, T = 40, B = 60;
const COLORS: Record<RecordingRow["class"], string> = { A: "#d1495b", B: "#e08e0b", C: "#1b6ca8" };
const MAX = 64;

const n = (x: number) => (Math.round(x * 10) / 10).toString();
const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");

export function apneaSvg(rows: RecordingRow[], title: string): string {
	const scale = (v: number) => Math.sqrt(Math.min(Math.max(v, 0), MAX) / MAX);
	const px = (v: number) => L + scale(v) * (W - L - R);
	const py = (v: number) => H - B - scale(v) * (H - T - B);
	const out = [
		`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
		`<rect width="${W}" height="${H}" fill="white"/>`,
		`<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(title)}</text>`,
	];
	for (const v of [0, 1, 5, 10, 20, 40, 60]) {
		out.push(`<line x1="${n(px(v))}" y1="${T}" x2="${n(px(v))}" y2="${H - B}" stroke="#eee"/>`, `<text x="${n(px(v))}" y="${H - B + 16}" text-anchor="middle">${v}</text>`);
		out.push(`<line x1="${L}" y1="${n(py(v))}" x2="${W - R}" y2="${n(py(v))}" stroke="#eee"/>`, `<text x="${L - 6}" y="${n(py(v) + 4)}" text-anchor="end">${v}</text>`);
	}
	out.push(`<line x1="${n(px(0))}" y1="${n(py(0))}" x2="${n(px(MAX))}" y2="${n(py(MAX))}" stroke="#999" stroke-dasharray="4 3"/>`);
	const rule = RECORDING_RULE_PER_HOUR;
	out.push(`<line x1="${n(px(rule))}" y1="${T}" x2="${n(px(rule))}" y2="${H - B}" stroke="#555" stroke-dasharray="2 3"/>`);
	out.push(`<line x1="${L}" y1="${n(py(rule))}" x2="${W - R}" y2="${n(py(rule))}" stroke="#555" stroke-dasharray="2 3"/>`);
	out.push(`<rect x="${L}" y="${T}" width="${W - L - R}" height="${H - T - B}" fill="none" stroke="#333"/>`);
	out.push(`<text x="${L + (W - L - R) / 2}" y="${H - 20}" text-anchor="middle">labelled apnea minutes per hour</text>`);
	out.push(`<text transform="translate(18 ${T + (H - T - B) / 2}) rotate(-90)" text-anchor="middle">predicted apnea minutes per hour</text>`);
	for (const r of [...rows].sort((a, b) => (a.name < b.name ? -1 : 1))) {
		out.push(`<circle cx="${n(px(r.labelled_per_hour))}" cy="${n(py(r.predicted_per_hour))}" r="4.5" fill="${COLORS[r.class]}" fill-opacity="0.8"><title>${r.name} (${r.class}): labelled ${r.labelled_per_hour.toFixed(1)}/h, predicted ${r.predicted_per_hour.toFixed(1)}/h</title></circle>`);
	}
	(["A", "B", "C"] as const).forEach((c, i) => {
		const y = T + 10 + 20 * i;
		out.push(`<circle cx="${W - R + 20}" cy="${y}" r="4.5" fill="${COLORS[c]}"/>`, `<text x="${W - R + 30}" y="${y + 4}">${c} recordings</text>`);
	});
	out.push(`<text x="${W - R + 14}" y="${T + 80}">dashed: the ${rule}/h rule</text>`, "</svg>");
	return out.join("\n") + "\n";
}
