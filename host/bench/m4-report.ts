// Parses what native/m4/bench programs print under count.sh: "@region <label> <index> <instructions>" and
// "@<key> <value>" lines, and arm-none-eabi-size -A listings.

export interface Region {
	label: string;
	index: number;
	/** Instructions inside the region, the counting overhead (the "empty" region) already subtracted. */
	count: number;
}

export interface M4Report {
	regions: Region[];
	/** Every "@<key> <value>" line in order (values as printed). */
	values: { key: string; value: string }[];
	errors: string[];
}

export function parseReport(text: string): M4Report {
	const raw: Region[] = [];
	const values: { key: string; value: string }[] = [];
	const errors: string[] = [];
	for (const line of text.split("\n")) {
		const parts = line.trim().split(/\s+/);
		if (!parts[0]?.startsWith("@")) continue;
		const key = parts[0].slice(1);
		if (key === "region") {
			const count = Number(parts[3]);
			if (!Number.isFinite(count)) errors.push(`region ${parts[1]} ${parts[2]} has no count`);
			raw.push({ label: parts[1], index: Number(parts[2]), count });
		} else if (key === "error" || key.startsWith("plugin-")) {
			errors.push(line.trim());
		} else {
			values.push({ key, value: parts.slice(1).join(" ") });
		}
	}
	const overhead = raw.find((r) => r.label === "empty")?.count ?? 0;
	return { regions: raw.filter((r) => r.label !== "empty").map((r) => ({ ...r, count: r.count - overhead })), values, errors };
}

export function regionCount(report: M4Report, label: string, index = 0): number {
	const r = report.regions.find((x) => x.label === label && x.index === index);
	if (!r) throw new Error(`the M4 report has no region "${label} ${index}"`);
	return r.count;
}

export function regionsOf(report: M4Report, label: string): Region[] {
	return report.regions.filter((r) => r.label === label).sort((a, b) => a.index - b.index);
}

export function valuesOf(report: M4Report, key: string): string[] {
	return report.values.filter((v) => v.key === key).map((v) => v.value);
}

export interface ElfSize {
	/** What the flash holds: vectors, code, constants (the model blob among them), initialised data. */
	flash_bytes: number;
	/** What the RAM holds: data, bss (arena, kernels, scratch) and the reserved stack. */
	ram_bytes: number;
	sections: Record<string, number>;
}

const FLASH_SECTIONS = [".vectors", ".text", ".rodata", ".ARM.exidx", ".data"];
const RAM_SECTIONS = [".data", ".bss", ".stack"];

export function parseSize(text: string): ElfSize {
	const sections: Record<string, number> = {};
	for (const line of text.split("\n")) {
		const m = /^(\.\S+)\s+(\d+)\s+(\d+)/.exec(line.trim());
		if (m) sections[m[1]] = Number(m[2]);
	}
	const sum = (names: string[]) => names.reduce((total, n) => total + (sections[n] ?? 0), 0);
	return { flash_bytes: sum(FLASH_SECTIONS), ram_bytes: sum(RAM_SECTIONS), sections };
}
