// Runs a command function in this process with stdout and stderr captured (for serial tests only: it swaps the
// process's writers while it runs).
export async function captureOutput(run: () => Promise<number>): Promise<{ code: number; stdout: string; stderr: string }> {
	let stdout = "";
	let stderr = "";
	const out = process.stdout.write;
	const err = process.stderr.write;
	process.stdout.write = ((chunk: string | Uint8Array) => ((stdout += String(chunk)), true)) as typeof process.stdout.write;
	process.stderr.write = ((chunk: string | Uint8Array) => ((stderr += String(chunk)), true)) as typeof process.stderr.write;
	try {
		return { code: await run(), stdout, stderr };
	} finally {
		process.stdout.write = out;
		process.stderr.write = err;
	}
}
