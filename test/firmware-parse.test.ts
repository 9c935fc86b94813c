// How bench:firmware reads a link without the SDK: which part an object file is, the ELF's flash from
// arm-none-eabi-size -A, the linker's overflow message, the build's memory summary.
import test from "ava";
import { elfFlashBytes, linkOverflow, nativeObjects, parseSizeA, partOf } from "../host/moddable/firmware.ts";
import { parseMemoryUsage } from "../host/moddable/moddable.ts";

const section = (name: string, file: string, address = 0x30000, size = 16) => ({ section: name, address, size, file: `/b/tmp/nrf52/dk/release/lib/${file}` });

test("object files are attributed to runtime, BLE, our natives, modules, resources, heap and stack", (t) => {
	const natives = nativeObjects();
	t.true(natives.has("ht_pwconv.c.o") && natives.has("ht_xs.c.o"), "native/src and native/xs");
	const model = section(".rodata._0", "mc.resources.c.o");
	t.is(partOf(model, natives, model), "model");
	t.is(partOf(section(".rodata._1", "mc.resources.c.o"), natives, model), "resources");
	t.is(partOf(section(".rodata", "mc.xs.c.o"), natives, model), "modules");
	t.is(partOf(section(".text.ht_pw", "ht_pwconv.c.o"), natives, model), "natives");
	for (const f of ["modBLEServer.c.o", "mc.bleservices.c.o", "peer_manager.c.o", "nrf_sdh_ble.c.o", "gatt_cache_manager.c.o", "btutils.c.o"]) t.is(partOf(section(".text.x", f), natives, model), "ble", f);
	for (const f of ["xsRun.c.o", "tasks.c.o", "nrfx_saadc.c.o", "libc_nano.a(lib_a-memcpy.o)", "modTimer.c.o"]) t.is(partOf(section(".text.x", f), natives, model), "runtime", f);
	t.is(partOf(section(".bss.ucHeap", "heap_4.c.o", 0x20010000), natives, model), "heap");
	t.is(partOf(section(".text.pvPortMalloc", "heap_4.c.o"), natives, model), "runtime");
	t.is(partOf(section(".stack_dummy", "moddable_startup_nrf52840.S.o", 0x2003fe00), natives, model), "stack");
});

test("the ELF's flash is what lies below 1 MiB plus .data's load image", (t) => {
	const sizes = parseSizeA(`xs_nrf52.out  :
section                   size        addr
.text                   605232      159744
.xs_lib_flash             8316      765000
.data                     1160   536887808
.fs_data                    40   536888968
.bss                    230872   536889008
.debug_info            1540776           0
Total                  4010931
`);
	t.deepEqual(Object.keys(sizes), [".text", ".xs_lib_flash", ".data", ".fs_data", ".bss"]);
	t.is(elfFlashBytes(sizes), 605232 + 8316 + 1160 + 40);
});

test("the linker's region overflow and the build's memory summary are read from its output", (t) => {
	const out = "ld: xs_nrf52.out section `.text' will not fit in region `FLASH'\nld: region `FLASH' overflowed by 652908 bytes\ncollect2: error";
	t.deepEqual(linkOverflow(out), [{ region: "FLASH", bytes: 652908 }]);
	t.deepEqual(linkOverflow("all good"), []);
	t.deepEqual(parseMemoryUsage("# Memory usage\n#  Ram:    32412 bytes\n#  Heap:  217088 bytes\n#  Flash: 821816 bytes\n#  QSPI:       0 bytes\n"), { ram: 32412, heap: 217088, flash: 821816, qspi: 0 });
	t.is(parseMemoryUsage("no summary"), undefined);
});
