// Reads a Moddable manifest the way mcconfig does for one platform (includes, platform sections, build variables,
// module wildcards) and says what it names that does not exist, without the SDK: every include, module, preload
// name, data and BLE service file of ours, and every module our TypeScript imports at run time. The real build
// (test/firmware.test.ts) checks the same through mcconfig; this finds the mistake in milliseconds.
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, dirname, extname, join, resolve } from "node:path";
import ts from "typescript";

export interface ResolvedManifest {
	/** Our manifests that were read (SDK manifests are only checked to exist when MODDABLE is known). */
	manifests: string[];
	/** Module specifier → its source files (.ts, .js, .c, ...). */
	modules: Map<string, string[]>;
	preload: string[];
	/** Data, resource and BLE service files. */
	data: string[];
	ble: string[];
	config: Record<string, unknown>;
	/** Everything named that is missing or wrong, one line each. */
	problems: string[];
}

const SDK_VARIABLE = /^\$\((MODDABLE|MODULES|BUILD|BUILD_SIMULATOR|BLEMODULEPATH|SUBPLATFORMMANIFEST|COMMODETTO|PIU)\)/;

/** mcconfig's platform matching: the full platform ("nrf52/dk"), then its family ("nrf52"), then "...". */
export function matchPlatform(platforms: Record<string, unknown>, platform: string): Record<string, any> | undefined {
	const family = platform.split("/")[0];
	for (const key of [platform, `${family}/*`, family]) if (key in platforms) return platforms[key] as Record<string, any>;
	return platforms["..."] as Record<string, any> | undefined;
}

function asList(value: unknown): string[] {
	if (value === undefined) return [];
	return (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === "string");
}

function filesMatching(pattern: string): string[] {
	if (!pattern.endsWith("/*")) {
		if (existsSync(pattern) && statSync(pattern).isFile()) return [pattern];
		const dir = dirname(pattern);
		if (!existsSync(dir)) return [];
		const prefix = basename(pattern) + ".";
		return readdirSync(dir).filter((f) => f.startsWith(prefix) && !f.slice(prefix.length).includes(".") || f.startsWith(prefix) && f.endsWith(".d.ts")).map((f) => join(dir, f));
	}
	const dir = pattern.slice(0, -2);
	if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
	return readdirSync(dir).filter((f) => !f.startsWith(".") && statSync(join(dir, f)).isFile()).map((f) => join(dir, f));
}

/** A stem's files: "./x/a" is a.ts or a.js (a module), or a.c and a.h (a native). */
function stem(file: string): string {
	const name = basename(file);
	return name.endsWith(".d.ts") ? name.slice(0, -5) : name.slice(0, name.length - extname(name).length);
}

export interface ResolveOptions {
	/** mcconfig -p */
	platform: string;
	/** Shell variables (build variables declared `NAME ?=` take them), and MODDABLE when the SDK is known. */
	env?: Record<string, string | undefined>;
}

export function resolveManifest(path: string, options: ResolveOptions): ResolvedManifest {
	const env = options.env ?? {};
	const result: ResolvedManifest = { manifests: [], modules: new Map(), preload: [], data: [], ble: [], config: {}, problems: [] };
	const variables: Record<string, string> = {};
	if (env.MODDABLE) Object.assign(variables, { MODDABLE: env.MODDABLE, MODULES: `${env.MODDABLE}/modules`, BUILD: `${env.MODDABLE}/build` });
	const seen = new Set<string>();

	const expand = (value: string, where: string): string | undefined => {
		let unknown = false;
		const out = value.replace(/\$\(([A-Z0-9_]+)\)/g, (_, name: string) => {
			if (name in variables) return variables[name];
			unknown = true;
			return "";
		});
		if (unknown) {
			if (!SDK_VARIABLE.test(value)) result.problems.push(`${where}: "${value}" uses a build variable no manifest defines`);
			return undefined;
		}
		return out;
	};
	const local = (value: string, dir: string, where: string): string | undefined => {
		const expanded = expand(value, where);
		if (expanded === undefined) return undefined;
		return resolve(dir, expanded);
	};

	const readBuild = (build: Record<string, unknown> | undefined, dir: string) => {
		for (const [rawName, value] of Object.entries(build ?? {})) {
			if (typeof value !== "string") continue;
			const optional = rawName.endsWith(" ?=");
			const name = optional ? rawName.slice(0, -3) : rawName;
			if (optional && (name in variables)) continue;
			const shell = optional ? env[name] : undefined;
			if (shell !== undefined) variables[name] = shell;
			else {
				const expanded = expand(value, `build ${name}`);
				if (expanded !== undefined) variables[name] = expanded.startsWith("./") || expanded === "." ? resolve(dir, expanded) : expanded;
			}
		}
	};

	// mcconfig concatenates every manifest's modules, then leaves out the files under "~" wherever they matched.
	const excluded = new Set<string>();
	const readModules = (modules: Record<string, unknown>, dir: string, where: string) => {
		for (const [key, value] of Object.entries(modules)) {
			for (const entry of asList(value)) {
				const source = local(entry, dir, `${where} modules "${key}"`);
				if (source === undefined) continue;
				const files = filesMatching(source);
				if (files.length === 0) {
					result.problems.push(`${where}: modules "${key}": ${entry} matches no file`);
					continue;
				}
				if (key === "~") {
					for (const f of files) excluded.add(f);
					continue;
				}
				const byStem = new Map<string, string[]>();
				for (const f of files) byStem.set(stem(f), [...(byStem.get(stem(f)) ?? []), f]);
				for (const [name, stemFiles] of byStem) {
					const specifier = key === "*" ? name : key.endsWith("/*") ? key.slice(0, -1) + name : key;
					result.modules.set(specifier, [...(result.modules.get(specifier) ?? []), ...stemFiles]);
				}
			}
		}
	};

	const readFiles = (section: Record<string, unknown> | undefined, dir: string, where: string, into: string[]) => {
		for (const [key, value] of Object.entries(section ?? {})) {
			for (const entry of asList(value)) {
				const source = local(entry, dir, `${where} "${key}"`);
				if (source === undefined) continue;
				const files = filesMatching(source).filter((f) => !f.endsWith(".md"));
				if (files.length === 0) result.problems.push(`${where} "${key}": ${entry} matches no file`);
				into.push(...files);
			}
		}
	};

	const read = (file: string, from: string) => {
		if (seen.has(file)) return;
		seen.add(file);
		if (!existsSync(file)) {
			result.problems.push(`${from}: includes ${file}, which does not exist`);
			return;
		}
		let manifest: Record<string, any>;
		try {
			manifest = JSON.parse(readFileSync(file, "utf8"));
		} catch (error) {
			result.problems.push(`${file}: not JSON: ${(error as Error).message}`);
			return;
		}
		result.manifests.push(file);
		const dir = dirname(file);
		const platform = manifest.platforms ? matchPlatform(manifest.platforms, options.platform) : undefined;
		if (platform?.error) result.problems.push(`${file}: platform ${options.platform}: ${platform.error}`);
		readBuild(manifest.build, dir);
		readBuild(platform?.build, dir);
		for (const section of [manifest, platform ?? {}]) {
			for (const include of asList(section.include)) {
				const target = local(include, dir, `${file} include`);
				if (target === undefined) continue;
				if (SDK_VARIABLE.test(include)) {
					if (!existsSync(target)) result.problems.push(`${file}: includes ${include}, which the SDK at ${variables.MODDABLE} does not have`);
					continue;
				}
				read(target, file);
			}
			if (section.modules) readModules(section.modules, dir, file);
			result.preload.push(...asList(section.preload));
			readFiles(section.data, dir, `${file} data`, result.data);
			readFiles(section.resources, dir, `${file} resources`, result.data);
			readFiles(section.ble, dir, `${file} ble`, result.ble);
			Object.assign(result.config, section.config ?? {});
		}
	};

	read(resolve(path), "(command line)");
	for (const [specifier, files] of result.modules) {
		const kept = files.filter((f) => !excluded.has(f));
		if (kept.length) result.modules.set(specifier, kept);
		else result.modules.delete(specifier);
	}
	for (const name of result.preload) {
		const found = name.endsWith("/*") ? [...result.modules.keys()].some((m) => m.startsWith(name.slice(0, -1))) : result.modules.has(name);
		if (!found) result.problems.push(`preload "${name}" names no module of the manifest`);
	}
	return result;
}

/** True when a TypeScript file has something at run time (tsc elides imports of a types-only file). */
function hasRuntimeExports(source: string): boolean {
	return /^export\s+(default|const|let|var|function|async|class|enum|abstract)\b|^export\s*\{/m.test(source);
}

const IMPORT = /^\s*(?:import|export)\s+(type\s+)?([^'"]*?)\s*from\s+["']([^"']+)["']|^\s*import\s+["']([^"']+)["']/gm;

/**
 * Every run-time import of our TypeScript modules that the manifest does not provide: a relative import must land
 * on a module's source file; a bare one in one of `namespaces` (model/, app/, ...) must be a module of the manifest.
 * SDK modules (Resource, timer, pins/..., bleserver) are mcconfig's to find.
 */
export function missingImports(manifest: ResolvedManifest, ownRoot: string, namespaces: string[]): string[] {
	const problems: string[] = [];
	const sourceToModule = new Map<string, string>();
	for (const [specifier, files] of manifest.modules) for (const f of files) sourceToModule.set(f, specifier);
	for (const [specifier, files] of manifest.modules) {
		for (const file of files) {
			if (!file.startsWith(ownRoot) || !file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
			const text = readFileSync(file, "utf8");
			for (const m of text.matchAll(IMPORT)) {
				const typeOnly = m[1] !== undefined || (m[2] !== undefined && /^\{[^}]*\}$/s.test(m[2].trim()) && m[2].trim().slice(1, -1).split(",").every((b) => !b.trim() || /^type\s/.test(b.trim())));
				if (typeOnly) continue;
				const target = m[3] ?? m[4];
				if (target.startsWith(".")) {
					const path = resolve(dirname(file), target.replace(/\.js$/, ".ts"));
					if (sourceToModule.has(path)) continue;
					if (existsSync(path) && !hasRuntimeExports(readFileSync(path, "utf8"))) continue;
					problems.push(`${specifier} (${file}) imports ${target}, which no module of the manifest provides`);
				} else if (namespaces.some((n) => target.startsWith(n)) && !manifest.modules.has(target)) {
					problems.push(`${specifier} (${file}) imports "${target}", which is not a module of the manifest`);
				}
			}
		}
	}
	return problems;
}

/**
 * Every regular expression in our TypeScript modules of the manifest (a literal, or RegExp named), "file:line"
 * each: one anywhere keeps XS's whole RegExp engine in the firmware, about 30 kB of flash (results/firmware).
 */
export function regExpUses(manifest: ResolvedManifest, ownRoot: string): string[] {
	const uses: string[] = [];
	for (const files of manifest.modules.values()) {
		for (const file of files) {
			if (!file.startsWith(ownRoot) || !file.endsWith(".ts") || file.endsWith(".d.ts")) continue;
			const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
			const visit = (node: ts.Node): void => {
				if (node.kind === ts.SyntaxKind.RegularExpressionLiteral || (ts.isIdentifier(node) && node.text === "RegExp"))
					uses.push(`${file.slice(ownRoot.length)}:${source.getLineAndCharacterOfPosition(node.getStart()).line + 1}`);
				ts.forEachChild(node, visit);
			};
			visit(source);
		}
	}
	return uses;
}
