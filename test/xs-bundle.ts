// Device TypeScript bundled for the embedded-default XS host (host/sim/out/hypertiny-sim), so a test can check that
// XS computes exactly what Node does: rollup over the entry's imports, types stripped file by file (the device
// modules use nothing that needs type information to emit).
import { dirname, resolve } from "node:path";
import { rollup, type Plugin } from "rollup";
import ts from "typescript";

const ENTRY = "\0xs-entry";

function transpileTypeScript(entryCode: string, entryDir: string): Plugin {
	return {
		name: "transpile-typescript",
		resolveId(source, importer) {
			if (source === ENTRY) return ENTRY;
			if (importer && source.startsWith(".")) return resolve(importer === ENTRY ? entryDir : dirname(importer), source);
			return null;
		},
		load(id) {
			return id === ENTRY ? entryCode : null;
		},
		transform(code, id) {
			if (!id.endsWith(".ts")) return null;
			return ts.transpileModule(code, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext }, fileName: id }).outputText;
		},
	};
}

/** One script (IIFE) of `entryCode`, whose relative imports resolve from `entryDir`. */
export async function bundleForXs(entryCode: string, entryDir: string): Promise<string> {
	const bundle = await rollup({ input: ENTRY, plugins: [transpileTypeScript(entryCode, entryDir)] });
	const { output } = await bundle.generate({ format: "iife" });
	await bundle.close();
	return output[0].code;
}
