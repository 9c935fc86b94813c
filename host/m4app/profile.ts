// Where a run's instructions go, per C function of the ELF (the XS interpreter loop, property lookups, soft-float
// doubles, our kernels): the counting plugin's per-address profile folded onto the ELF's function symbols.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

export interface FunctionShare {
	name: string;
	instructions: number;
	share: number;
}

function functions(elf: string): { start: number; end: number; name: string }[] {
	const r = spawnSync(process.env.ARM_NM ?? "arm-none-eabi-nm", ["-S", elf], { encoding: "utf8", maxBuffer: 64 << 20 });
	if (r.status !== 0) throw new Error(`arm-none-eabi-nm -S ${elf} failed: ${r.stderr}`);
	const out: { start: number; end: number; name: string }[] = [];
	for (const line of r.stdout.split("\n")) {
		const f = line.trim().split(/\s+/);
		if (f.length !== 4 || !/^[tT]$/.test(f[2]!)) continue;
		const start = parseInt(f[0]!, 16) & ~1;
		out.push({ start, end: start + parseInt(f[1]!, 16), name: f[3]! });
	}
	return out.sort((a, b) => a.start - b.start);
}

/** The `top` functions by instructions executed, from a profile file ("<hex address> <count>" lines). */
export function profileByFunction(elf: string, profilePath: string, top = 15): FunctionShare[] {
	const fns = functions(elf);
	const totals = new Map<string, number>();
	let all = 0;
	for (const line of readFileSync(profilePath, "utf8").split("\n")) {
		if (!line) continue;
		const [hex, count] = line.split(" ");
		const at = parseInt(hex!, 16);
		const n = Number(count);
		all += n;
		let lo = 0;
		let hi = fns.length - 1;
		let found = "(outside any function)";
		while (lo <= hi) {
			const mid = (lo + hi) >> 1;
			if (fns[mid]!.start <= at) {
				if (at < fns[mid]!.end) {
					found = fns[mid]!.name;
					break;
				}
				lo = mid + 1;
			} else hi = mid - 1;
		}
		totals.set(found, (totals.get(found) ?? 0) + n);
	}
	return [...totals]
		.sort((a, b) => b[1] - a[1])
		.slice(0, top)
		.map(([name, instructions]) => ({ name, instructions, share: instructions / all }));
}
