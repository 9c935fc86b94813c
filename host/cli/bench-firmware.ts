// `hypertiny bench:firmware` (npm run bench:firmware): the nRF52840 DK firmware budget from the real link. Builds the
// app's manifest.json with the pinned Moddable SDK (mcconfig -m -p nrf52/dk -t build) once per model: the default
// HyperTinyPW model, the all-stored INT8 baseline, the large CNN (whose link must fail: the bytes it overflows by
// are the answer). Writes results/firmware/nrf52dk.json and results/firmware/README.md. With --measure it first runs
// the app on the emulated core (host/m4app/ram.ts: whole records, every synthesis policy) and writes the RAM
// high-water marks to results/firmware/ram.json; every run checks boards/nrf52/manifest.json's sizes against them
// (host/moddable/ram-budget.ts) and reports the RAM free.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative, resolve } from "node:path";
import { parseArgs } from "node:util";
import { readModel } from "../../modules/model/index.ts";
import { storedTwinBlob } from "../bench/stored-twin.ts";
import { BOARDS, defaultModel } from "../moddable/boards.ts";
import { linkOverflow, NRF52840_FLASH, NRF52840_RAM, parseSizeA } from "../moddable/firmware.ts";
import { firmwareReadme } from "../moddable/firmware-readme.ts";
import { imageReport, type ImageReport } from "../moddable/firmware-report.ts";
import { parseMemoryUsage, tail } from "../moddable/moddable.ts";
import { describeMissing, findToolchain, MODDABLE_VERSION, ROOT, type Toolchain } from "../moddable/toolchain.ts";
import { buildBoard } from "./build.ts";
import { measureRam } from "../m4app/ram.ts";
import { configuredSizes, C_HEAP_MARGIN, highWater, RAM_MARGIN, readRamReport, requiredSizes, sizeProblems, BLE_HEAP_ALLOWANCE, FREERTOS_ALLOWANCE, HEAP4_HEADER, NATIVE_STACK_CONTEXT, XS_TASK_TCB, type RamReport } from "../moddable/ram-budget.ts";
import { ramSection, type RamSection } from "../moddable/firmware-ram.ts";

/** Records the RAM marks are measured on: 119 (bench:m4app's, bigeminy) and 203 (AF and flutter, multiform PVCs, noise). */
const RAM_RECORDS = ["119", "203"];

const USAGE = `usage: hypertiny bench:firmware [--model M.htpw] [--stored S.htpw] [--large L.htpw] [--out DIR] [--measure [--records R,R]]
  --model   the default HyperTinyPW model (default: models/default.htpw, else test/fixtures/tiny-hyper.htpw)
  --stored  the all-stored INT8 baseline (default: models/<the default's META name>-int8.htpw, else the first
            models/*.htpw of family separable-int8 and the default's task, else of any task, else the default model's
            all-stored twin: the same network with every generated PW synthesized once and stored as INT8)
  --large   the paper's large CNN (default: the first models/*.htpw of family cnn-large, the default's task first;
            without one its row says so)
  --out     results directory (default: results/firmware)
  --measure first measure the RAM high-water marks on the emulated core (QEMU mps2-an386): the app with the default
            model plays each of --records (whole MIT-BIH records, default ${RAM_RECORDS.join(",")}) under every synthesis
            policy; writes ram.json. Without it the committed ram.json is used.
`;

/** The first models/*.htpw of this family (META.family) for the default's task, else of this family, by name. */
function firstModel(family: string, task: unknown): string | undefined {
	const dir = join(ROOT, "models");
	if (!existsSync(dir)) return undefined;
	const meta = (f: string) => {
		try {
			return readModel(new Uint8Array(readFileSync(join(dir, f)))).meta ?? {};
		} catch {
			return {};
		}
	};
	const found = readdirSync(dir).filter((f) => f.endsWith(".htpw")).sort().map((f) => ({ f, m: meta(f) })).filter(({ m }) => m.family === family);
	const pick = found.find(({ m }) => m.task === task) ?? found[0];
	return pick ? join(dir, pick.f) : undefined;
}

const label = (path: string) => (path.startsWith(ROOT + "/") ? relative(ROOT, path) : path);

function elfSections(tool: Toolchain, elf: string): Record<string, { size: number; address: number }> {
	const gccRoot = tool.env.NRF52_GCC_ROOT;
	const size = gccRoot && existsSync(join(gccRoot, "bin/arm-none-eabi-size")) ? join(gccRoot, "bin/arm-none-eabi-size") : "arm-none-eabi-size";
	const r = spawnSync(size, ["-A", "-d", elf], { encoding: "utf8" });
	if (r.status !== 0) throw new Error(`${size} -A ${elf} failed: ${r.stderr || r.error?.message}`);
	return parseSizeA(r.stdout);
}

interface Candidate {
	name: string;
	title: string;
	path: string;
	label: string;
}

export interface LargeReport {
	model: string;
	model_bytes: number;
	fits: boolean;
	/** The linker's own words: "region `FLASH' overflowed by N bytes". */
	overflow: { region: string; bytes: number }[];
	/** The app's flash region (0x27000 .. 0xEF000) and what the default image leaves free in it. */
	app_flash_region_bytes: number;
	why: string;
}

async function build(tool: Toolchain, c: Candidate, log: (s: string) => void) {
	log(`building ${c.name} (${c.label}) ...`);
	// One build folder for every image, one after the other: only the model resource and the link change.
	const result = await buildBoard(tool, BOARDS.nrf52, { debug: false, model: c.path, outDir: join(ROOT, "build/moddable/bench") });
	log(`  ${result.status === 0 ? "built" : "failed"} in ${result.seconds.toFixed(0)} s: ${result.command}`);
	return result;
}

export type FirmwareReport = {
	board: string;
	sdk: string;
	command: string;
	limits: { flash_bytes: number; ram_bytes: number; app_flash_region_bytes: number };
	flash_bytes: number;
	ram_bytes: number;
	images: ImageReport[];
	large_cnn: LargeReport | { model: null; why: string };
	/** The RAM the default image leaves free, and the high-water marks its sizes were taken from. */
	ram: RamSection;
};

export async function benchFirmwareCommand(args: string[]): Promise<number> {
	const { values } = parseArgs({
		args,
		options: {
			model: { type: "string" },
			stored: { type: "string" },
			large: { type: "string" },
			out: { type: "string", default: join(ROOT, "results/firmware") },
			measure: { type: "boolean", default: false },
			records: { type: "string" },
			help: { type: "boolean", default: false },
		},
	});
	if (values.help) {
		process.stdout.write(USAGE);
		return 0;
	}
	const check = findToolchain(["nrf52"]);
	if (!check.toolchain) {
		process.stderr.write(`hypertiny bench:firmware: ${describeMissing(check)}\n`);
		return 1;
	}
	const tool = check.toolchain;
	const log = (s: string) => process.stdout.write(`${s}\n`);
	const outDir = resolve(values.out as string);
	const work = mkdtempSync(join(tmpdir(), "hypertiny-firmware-"));
	try {
		const defaultPath = resolve(values.model ?? defaultModel());
		const defaultMeta = readModel(new Uint8Array(readFileSync(defaultPath))).meta;
		const task = defaultMeta?.task;
		const candidates: Candidate[] = [{ name: "default", title: "default HyperTinyPW model", path: defaultPath, label: label(defaultPath) }];
		// the default recipe's own baseline (recipe name + "-int8", as host/train/recipes.ts names them) when shipped
		const recipeTwin = join(ROOT, "models", `${String(defaultMeta?.name ?? "")}-int8.htpw`);
		const storedPath = values.stored ?? (defaultMeta?.name && existsSync(recipeTwin) ? recipeTwin : firstModel("separable-int8", task));
		if (storedPath) candidates.push({ name: "stored", title: "all-stored INT8 baseline", path: resolve(storedPath), label: label(resolve(storedPath)) });
		else {
			const twin = join(work, "stored-twin.htpw");
			writeFileSync(twin, storedTwinBlob(readModel(new Uint8Array(readFileSync(defaultPath)))));
			candidates.push({ name: "stored", title: "all-stored INT8 twin of the default model (same network, every PW stored)", path: twin, label: `all-stored twin of ${label(defaultPath)} (host/bench/stored-twin.ts)` });
		}

		const ramPath = join(outDir, "ram.json");
		if (values.measure) {
			const records = (values.records ?? RAM_RECORDS.join(",")).split(",").filter(Boolean);
			log(`measuring RAM high-water marks on the emulated core: records ${records.join(", ")}, every synthesis policy ...`);
			const runs = await measureRam(tool, { model: defaultPath, records, log: (l) => log(`  ${l}`) });
			const blob = readModel(new Uint8Array(readFileSync(defaultPath)));
			const hw = highWater(runs);
			const ram: RamReport = {
				command: `npm run bench:firmware${args.length ? ` -- ${args.join(" ")}` : ""}`,
				source: sourceState(),
				model: {
					path: label(defaultPath),
					crc32: blob.crc.toString(16).padStart(8, "0"),
					arena_bytes: blob.arenaBytes,
					kernel_bytes: blob.kernelBytes.reduce((a, b) => a + b, 0),
					max_kernel_bytes: blob.maxKernelBytes,
					scratch_bytes: blob.kernelBytes.length > 0 ? blob.synthScratchBytes : 0,
				},
				margins: { xs_and_stacks: RAM_MARGIN, c_heap: C_HEAP_MARGIN },
				allowances: { ble_heap_bytes: BLE_HEAP_ALLOWANCE, freertos_bytes: FREERTOS_ALLOWANCE, native_stack_context_bytes: NATIVE_STACK_CONTEXT, xs_task_tcb_bytes: XS_TASK_TCB, heap4_header_bytes: HEAP4_HEADER },
				runs,
				high_water: hw,
				required: requiredSizes(hw),
			};
			mkdirSync(outDir, { recursive: true });
			writeFileSync(ramPath, JSON.stringify(ram, null, 2) + "\n");
			log(`wrote ${label(ramPath)}: ${JSON.stringify(hw)}`);
		}
		if (!existsSync(ramPath)) {
			process.stderr.write(`hypertiny bench:firmware: no ${label(ramPath)}: run it once with --measure\n`);
			return 1;
		}
		const ramReport = readRamReport(ramPath);
		const configured = configuredSizes();
		const problems = sizeProblems(configured, requiredSizes(ramReport.high_water));
		if (problems.length) {
			process.stderr.write(`hypertiny bench:firmware: boards/nrf52/manifest.json is below the measured high-water marks plus margin:\n  ${problems.join("\n  ")}\n`);
			return 1;
		}

		const images: ImageReport[] = [];
		for (const c of candidates) {
			const result = await build(tool, c, log);
			const summary = parseMemoryUsage(result.output);
			if (result.status !== 0 || !result.binDir || !result.tmpDir || !summary) {
				process.stderr.write(`hypertiny bench:firmware: the ${c.name} image did not build:\n${tail(result.output)}\n`);
				return 1;
			}
			images.push(imageReport({
				name: c.name,
				title: c.title,
				modelPath: c.path,
				modelLabel: c.label,
				binDir: result.binDir,
				tmpDir: result.tmpDir,
				summary,
				elfSections: elfSections(tool, join(result.tmpDir, "xs_nrf52.out")),
			}));
		}

		const largePath = values.large ?? firstModel("cnn-large", task);
		let large: LargeReport | { model: null; why: string };
		const base = images[0];
		const appRegion = 0xc8000;
		if (largePath) {
			const c = { name: "large", title: "the paper's large CNN", path: resolve(largePath), label: label(resolve(largePath)) };
			const result = await build(tool, c, log);
			const overflow = linkOverflow(result.output);
			const bytes = readFileSync(c.path).length;
			if (result.status === 0) {
				large = { model: c.label, model_bytes: bytes, fits: true, overflow: [], app_flash_region_bytes: appRegion, why: "it linked: see its memory summary" };
			} else if (overflow.length === 0) {
				process.stderr.write(`hypertiny bench:firmware: the large CNN build failed for another reason than size:\n${tail(result.output)}\n`);
				return 1;
			} else {
				const flashOver = overflow.filter((o) => o.region === "FLASH").reduce((a, o) => Math.max(a, o.bytes), 0);
				large = {
					model: c.label,
					model_bytes: bytes,
					fits: false,
					overflow,
					app_flash_region_bytes: appRegion,
					why: `its blob is ${bytes.toLocaleString("en-US")} B; the app's flash region (0x27000..0xEF000, after the SoftDevice, before the bootloader) is ${appRegion.toLocaleString("en-US")} B, of which the same app with the default model already uses ${(base.summary.flash - 0x27000 - 0xc000 - 0x2000).toLocaleString("en-US")} B including its ${base.model_bytes.toLocaleString("en-US")}-byte model; the linker says region FLASH overflowed by ${flashOver.toLocaleString("en-US")} B`,
				};
			}
		} else {
			large = { model: null, why: "no models/cnn-large*.htpw yet (the trainer's large CNN); run again with --large <file> when it exists" };
		}

		const report: FirmwareReport = {
			board: "Nordic nRF52840 DK (pca10056), mcconfig -m -p nrf52/dk -t build",
			sdk: `Moddable SDK ${MODDABLE_VERSION}, nRF5 SDK 17.0.2, arm-none-eabi-gcc ${tool.env.NRF52_GNU_VERSION ?? "12.2.1"}`,
			command: `npm run bench:firmware${args.length ? ` -- ${args.join(" ")}` : ""}`,
			limits: { flash_bytes: NRF52840_FLASH, ram_bytes: NRF52840_RAM, app_flash_region_bytes: appRegion },
			flash_bytes: base.flash_bytes,
			ram_bytes: base.ram_bytes,
			images,
			large_cnn: large,
			ram: ramSection(base, ramReport, configured),
		};
		mkdirSync(outDir, { recursive: true });
		writeFileSync(join(outDir, "nrf52dk.json"), JSON.stringify(report, null, 2) + "\n");
		writeFileSync(join(outDir, "README.md"), firmwareReadme(report));
		log(`wrote ${label(join(outDir, "nrf52dk.json"))} and ${label(join(outDir, "README.md"))}: default image flash ${base.flash_bytes} B, RAM ${base.ram_bytes} B (${(report.ram.free_fraction * 100).toFixed(1)} % free)`);
		return 0;
	} finally {
		rmSync(work, { recursive: true, force: true });
	}
}

function sourceState(): { commit: string; modified: boolean } {
	const git = (a: string[]): string => {
		const r = spawnSync("git", a, { cwd: ROOT, encoding: "utf8" });
		return r.status === 0 ? r.stdout.trim() : "";
	};
	const modified = git(["status", "--porcelain", "--untracked-files=no", "--", "modules", "native", "boards", "manifest.json", "models"]) !== "";
	return { commit: git(["rev-parse", "HEAD"]) || "unknown", modified };
}
