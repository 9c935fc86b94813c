// The hot kernels at the deployment shapes on the Cortex-M4 (native/m4/bench/kernels.c under our counting
// plugin): instructions per MAC of pointwise 187 x 64 -> 64, depthwise 187 x 64, K 7, the beat models' first
// convolution (plain and lead-only), issue 18's anchors CONV1D 256 x 8 -> 32, K 7, stride 2 and FC 64 -> 32, and
// pointwise at the widths its padded and sliced paths take (47 x 192 -> 64, 187 x 30 -> 64), each checked bit for
// bit against the naive reference kernels on the device; the portable C kernels beside them.
// Cycles: the same ELF profiled per region and weighed by the cycle model (cycle-model.ts).
import { join } from "node:path";
import { BENCH_BUILD, make, NATIVE } from "./native-tools.ts";
import { parseReport, valuesOf } from "./m4-report.ts";
import { regionCycles } from "./region-profile.ts";

export interface KernelFigure {
	kernel: string;
	macs: number;
	insns: number;
	insns_per_mac: number;
	/** Estimated Cortex-M4 cycles (cycle-model.ts: nominal, and pessimistic); absent in results made before the model. */
	cycles?: number;
	cycles_per_mac?: number;
	cycles_pessimistic?: number;
	cycles_pessimistic_per_mac?: number;
	/** The output equalled the naive reference kernel's. */
	exact: boolean;
}

/** The optimized (DSP) kernels, then the portable C ones (labels "portable-..."), counted the same way. */
export function runM4Kernels(): KernelFigure[] {
	return [...countKernels("m4-kernels", "kernels.elf"), ...countKernels("m4-kernels-portable", "kernels-portable.elf")];
}

function countKernels(target: string, elf: string): KernelFigure[] {
	const report = parseReport(make(["-s", target]));
	if (report.errors.length) throw new Error(`the M4 kernel bench reported: ${report.errors.join("; ")}`);
	const macs = valuesOf(report, "macs").map(Number);
	const matches = valuesOf(report, "match");
	const cycles = regionCycles(join(NATIVE, BENCH_BUILD, "m4", elf), report.regions);
	return report.regions.map((r, i) => ({
		kernel: r.label,
		macs: macs[i],
		insns: r.count,
		insns_per_mac: r.count / macs[i],
		cycles: cycles[i]!.cycles,
		cycles_per_mac: cycles[i]!.cycles / macs[i],
		cycles_pessimistic: cycles[i]!.cycles_pessimistic,
		cycles_pessimistic_per_mac: cycles[i]!.cycles_pessimistic / macs[i],
		exact: matches[i] === "1",
	}));
}
