// The headline figures of bench:deploy: the hyper model's steady state against its all-stored INT8 twin, and the
// hot kernels' instructions per MAC at the deployment shapes (targets and CMSIS-NN's counts for context).
import type { ModelResult } from "./deploy-bench.ts";
import type { KernelFigure } from "./m4-kernels.ts";

export const CMSIS_NN_INSNS_PER_MAC = { pw: 2.08, dw: 14.1 } as const;
/** Issue 18's acceptance on the anchor shapes (instructions per MAC, each bit-exact). */
export const TARGET_INSNS_PER_MAC = { pw: 1.2, dw: 4, conv1d: 2.5, fc: 2 } as const;

export interface DeploySummary {
	hyper_model: string;
	stored_model: string;
	/** Steady-state instructions per inference, hyper (boot) / all-stored INT8: 1 means synthesis costs nothing once running. */
	hyper_vs_stored_steady_ratio: number;
	hyper_vs_stored_flash_ratio: number;
	hyper_vs_stored_first_result_ratio: number;
	/** Pointwise 187 positions, 64 -> 64 channels; depthwise 187 x 64, K 7 (kernels.c, no activation clamp). */
	pw_instructions_per_mac: number;
	dw_instructions_per_mac: number;
	pw_relu_instructions_per_mac: number;
	dw_relu_instructions_per_mac: number;
	/** Issue 18's other anchor shapes: CONV1D 256 positions, 8 -> 32 channels, K 7, stride 2, pad 3 (MACs nominal,
	 * padding taps included); FC 64 -> 32, per-channel requantization, batch 1. */
	conv1d_instructions_per_mac: number;
	fc_instructions_per_mac: number;
	/** Estimated Cortex-M4 cycles per MAC of the same four shapes (cycle-model.ts: nominal, and pessimistic). */
	pw_cycles_per_mac: number | null;
	dw_cycles_per_mac: number | null;
	conv1d_cycles_per_mac: number | null;
	fc_cycles_per_mac: number | null;
	pw_cycles_pessimistic_per_mac: number | null;
	dw_cycles_pessimistic_per_mac: number | null;
	conv1d_cycles_pessimistic_per_mac: number | null;
	fc_cycles_pessimistic_per_mac: number | null;
	/** Steady-state cycles per inference, hyper (boot) / all-stored INT8, by the cycle model. */
	hyper_vs_stored_steady_cycles_ratio: number | null;
	/** The same shapes over the portable C kernels (-DHT_PORTABLE), for comparison. */
	portable_pw_instructions_per_mac: number;
	portable_dw_instructions_per_mac: number;
	portable_conv1d_instructions_per_mac: number;
	portable_fc_instructions_per_mac: number;
	targets_instructions_per_mac: typeof TARGET_INSNS_PER_MAC;
	cmsis_nn_instructions_per_mac: typeof CMSIS_NN_INSNS_PER_MAC;
	all_checksums_agree: boolean;
	all_counts_repeatable: boolean;
}

function kernelFigure(kernels: KernelFigure[], name: string): KernelFigure {
	const k = kernels.find((x) => x.kernel === name);
	if (!k) throw new Error(`the kernel bench has no "${name}"`);
	if (!k.exact) throw new Error(`the kernel bench's "${name}" output differs from the reference kernel`);
	return k;
}

function kernel(kernels: KernelFigure[], name: string): number {
	return kernelFigure(kernels, name).insns_per_mac;
}

export function deploySummary(models: ModelResult[], kernels: KernelFigure[]): DeploySummary {
	const hyper = models.find((m) => m.role === "hyper");
	const stored = models.find((m) => m.role === "stored");
	if (!hyper || !stored) throw new Error("bench:deploy needs a hyper model and its all-stored twin");
	const boot = hyper.runs.find((r) => r.label === "boot") ?? hyper.runs[0];
	const base = stored.runs[0];
	return {
		hyper_model: hyper.name,
		stored_model: stored.name,
		hyper_vs_stored_steady_ratio: boot.m4.steady_insns / base.m4.steady_insns,
		hyper_vs_stored_flash_ratio: boot.m4.flash_bytes / base.m4.flash_bytes,
		hyper_vs_stored_first_result_ratio: boot.m4.first_result_insns / base.m4.first_result_insns,
		pw_instructions_per_mac: kernel(kernels, "pw"),
		dw_instructions_per_mac: kernel(kernels, "dw"),
		pw_relu_instructions_per_mac: kernel(kernels, "pw-relu"),
		dw_relu_instructions_per_mac: kernel(kernels, "dw-relu"),
		conv1d_instructions_per_mac: kernel(kernels, "conv1d-8x32"),
		fc_instructions_per_mac: kernel(kernels, "fc-64x32"),
		pw_cycles_per_mac: kernelFigure(kernels, "pw").cycles_per_mac ?? null,
		dw_cycles_per_mac: kernelFigure(kernels, "dw").cycles_per_mac ?? null,
		conv1d_cycles_per_mac: kernelFigure(kernels, "conv1d-8x32").cycles_per_mac ?? null,
		fc_cycles_per_mac: kernelFigure(kernels, "fc-64x32").cycles_per_mac ?? null,
		pw_cycles_pessimistic_per_mac: kernelFigure(kernels, "pw").cycles_pessimistic_per_mac ?? null,
		dw_cycles_pessimistic_per_mac: kernelFigure(kernels, "dw").cycles_pessimistic_per_mac ?? null,
		conv1d_cycles_pessimistic_per_mac: kernelFigure(kernels, "conv1d-8x32").cycles_pessimistic_per_mac ?? null,
		fc_cycles_pessimistic_per_mac: kernelFigure(kernels, "fc-64x32").cycles_pessimistic_per_mac ?? null,
		hyper_vs_stored_steady_cycles_ratio: boot.m4.steady_cycles !== undefined && base.m4.steady_cycles ? boot.m4.steady_cycles / base.m4.steady_cycles : null,
		portable_pw_instructions_per_mac: kernel(kernels, "portable-pw"),
		portable_dw_instructions_per_mac: kernel(kernels, "portable-dw"),
		portable_conv1d_instructions_per_mac: kernel(kernels, "portable-conv1d-8x32"),
		portable_fc_instructions_per_mac: kernel(kernels, "portable-fc-64x32"),
		targets_instructions_per_mac: TARGET_INSNS_PER_MAC,
		cmsis_nn_instructions_per_mac: CMSIS_NN_INSNS_PER_MAC,
		all_checksums_agree: models.every((m) => m.checksums_agree),
		all_counts_repeatable: models.every((m) => m.repeatable),
	};
}
