// Bundles device TypeScript (modules/ plus the small simulator entry points in host/sim/entries) into one
// script per entry for the embedded-default XS host. Moddable-provided modules stay external and map to the
// globals the host defines, so the device source is the same as for an mcconfig build.
import typescript from "@rollup/plugin-typescript";
import { readdirSync } from "node:fs";

const entriesDir = "host/sim/entries";
const entries = readdirSync(entriesDir).filter((f) => f.endsWith(".ts"));

const moddableGlobals = { Resource: "Resource", timer: "Timer", time: "Time", "mc/config": "__mcconfig" };

export default entries.map((file) => ({
	input: `${entriesDir}/${file}`,
	external: Object.keys(moddableGlobals),
	output: { file: `dist/sim/${file.replace(/\.ts$/, ".js")}`, format: "iife", globals: moddableGlobals, sourcemap: false },
	onwarn(warning, warn) {
		if (warning.code === "MISSING_NAME_OPTION_FOR_IIFE_EXPORT") return;
		warn(warning);
	},
	plugins: [
		typescript({ tsconfig: "host/sim/entries/tsconfig.json", noEmitOnError: true }),
	],
}));
