// Thin TypeScript faces of the C natives in native/xs/ht_xs.c. Each wrapper body is only the native call,
// the pattern xsc compiles to a direct host call (docs: "XS in C", Native API).

export type NativeBytes = ArrayBuffer | HostBuffer;
export type NativeModelHandle = object;

/** Zeroed, aligned native memory (activation arena, kernel cache, scratch) outside the JS heap. */
export function allocNative(bytes: number): HostBuffer {
	return native("xs_ht_buffer")(bytes);
}

/** Validates a blob in C (every check of docs/FORMAT.md); throws "htpw <STATUS> (<code>): ...". */
export function openNativeModel(blob: NativeBytes): NativeModelHandle {
	return native("xs_ht_model_open")(blob);
}

export function nativeScratchBytes(model: NativeModelHandle): number {
	return native("xs_ht_model_scratch_bytes")(model);
}

export function runOps(model: NativeModelHandle, blob: NativeBytes, firstOp: number, endOp: number, arena: HostBuffer): void {
	native("xs_ht_run_ops")(model, blob, firstOp, endOp, arena);
}

export function runGeneratedOp(model: NativeModelHandle, blob: NativeBytes, op: number, arena: HostBuffer, kernels: HostBuffer, kernelOffset: number): void {
	native("xs_ht_run_op")(model, blob, op, arena, kernels, kernelOffset);
}

export function synthesize(model: NativeModelHandle, blob: NativeBytes, layer: number, kernels: HostBuffer, kernelOffset: number, scratch: HostBuffer): void {
	native("xs_ht_synthesize")(model, blob, layer, kernels, kernelOffset, scratch);
}
