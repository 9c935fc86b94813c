// What the runtime needs to know about a validated model, independent of how modules/model stores it.

export const NOT_GENERATED = 0xffff;

export interface TensorView {
	arenaOffset: number;
	length: number;
	channels: number;
	zeroPoint: number;
}

export interface PlanView {
	opCount: number;
	arenaBytes: number;
	input: TensorView;
	output: TensorView;
	/** Generated-layer index of op i, or NOT_GENERATED. */
	opGenLayer(op: number): number;
	/** Per generated layer, bytes of its synthesized kernel (docs/FORMAT.md §4). */
	kernelBytes: number[];
}

/**
 * The plan cut into steps: a run of stored ops executes in one native call; a generated PW is its own step.
 * Encoded as triples [kind, a, b] so invoke() walks numbers, not objects.
 */
export const STEP_OPS = 0;
export const STEP_GENERATED = 1;

export function planSteps(plan: PlanView): Int32Array {
	const steps: number[] = [];
	let runStart = 0;
	for (let op = 0; op < plan.opCount; op++) {
		const layer = plan.opGenLayer(op);
		if (layer === NOT_GENERATED) continue;
		if (op > runStart) steps.push(STEP_OPS, runStart, op);
		steps.push(STEP_GENERATED, op, layer);
		runStart = op + 1;
	}
	if (plan.opCount > runStart) steps.push(STEP_OPS, runStart, plan.opCount);
	return Int32Array.from(steps);
}
