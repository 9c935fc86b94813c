// results/firmware/README.md from the report npm run bench:firmware writes.
import type { FirmwareReport } from "../cli/bench-firmware.ts";
import { partsTable, policyTable } from "./firmware-report.ts";

const n = (v: number) => v.toLocaleString("en-US");

export function firmwareReadme(r: FirmwareReport): string {
	const d = r.images[0];
	const lines = [
		"# nRF52840 DK firmware budget, from the real link",
		"",
		`Produced by \`${r.command}\` (host/cli/bench-firmware.ts); the raw figures are in [nrf52dk.json](nrf52dk.json).`,
		`Board: ${r.board}. Toolchain: ${r.sdk}.`,
		"",
		`**Default image: flash ${n(r.flash_bytes)} B of ${n(r.limits.flash_bytes)}, RAM ${n(r.ram_bytes)} B of ${n(r.limits.ram_bytes)}** ` +
			`(static RAM ${n(d.summary.ram)} B + FreeRTOS heap ${n(d.summary.heap)} B), model ${d.model} (${n(d.model_bytes)} B).`,
		"",
		"**How.** Each image is the app's `manifest.json` built by the pinned Moddable SDK for `nrf52/dk` with that model as",
		"the resource `model.htpw`. Totals are the build's own memory summary (Moddable's make.nrf52.mk: flash counts the",
		"SoftDevice, the bootloader and the mod preferences area; RAM counts the SoftDevice's RAM and the FreeRTOS heap).",
		"The split reads every input section of the linker map (`xs_lib.map`) and attributes its object file: `mc.xs.c` is",
		"the XS archive (the preloaded modules' bytecode and their preloaded heap), `mc.resources.c` the resources (the",
		"model is the one whose bytes are found in `xs_nrf52.hex`), `native/` objects are ours, Moddable's BLE modules,",
		"the nRF5 SDK's BLE glue (peer manager, GATT caches, security) and `mc.bleservices.c` (bles2gatt's GATT tables) are",
		"BLE, the rest (XS, FreeRTOS, nrfx, libc, crypto) is the runtime. Mergeable strings are counted before the linker",
		"merges them, hence the negative merge/fill row.",
		"",
		"## Flash and RAM by part",
		"",
		partsTable(r.images),
		"",
		...r.images.map((i) => `- **${i.name}**: ${i.title}, ${i.model}, ${n(i.model_bytes)} B at 0x${i.model_address.toString(16)}; preloaded modules: our bytecode ${n(i.preloaded_modules.ours_bytecode)} B (${i.preloaded_modules.ours.length} modules), SDK bytecode ${n(i.preloaded_modules.sdk_bytecode)} B, preloaded heap and tables ${n(i.preloaded_modules.heap_and_tables)} B.`),
		"",
		"## SRAM for the synthesized kernels, per policy",
		"",
		`The FreeRTOS heap (${n(d.heap.total)} B) first gives XS its heap (\`creation.static\`, ${n(d.heap.xs_static)} B) and the XS task its`,
		`stack (${n(d.heap.xs_task_stack)} B); what is left (${n(d.heap.native_left)} B) is the C heap the natives allocate the activation arena, the`,
		"kernel cache and the synthesis scratch from (`c_calloc`), shared with the BLE stack's and USB's buffers, so the",
		"headroom below is an upper bound. `boot` and `lazy` keep every generated kernel; `stream@B` keeps at most B bytes",
		"(here the tightest budget, the largest kernel). Kernel, arena and scratch bytes come from the model itself",
		"(`modules/model`, the same figures `hypertiny inspect` and the runtime use).",
		"",
		policyTable(r.images),
		"",
		"## The large CNN",
		"",
		r.large_cnn.model === null ? r.large_cnn.why : `${r.large_cnn.model}: ${r.large_cnn.fits ? "fits" : "does not fit"}: ${r.large_cnn.why}.`,
		...(r.large_cnn.model?.startsWith("/") ? ["", "(That file is outside the repository, passed with `--large`; once the trainer commits `models/cnn-large*.htpw` the bench picks it up by itself.)"] : []),
		"",
	];
	return lines.join("\n");
}
