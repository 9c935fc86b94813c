// bleservices/*.json (Moddable's GATT JSON) agree with modules/ble/protocol.ts, follow Moddable's schema
// (documentation/network/ble/ble.md, "GATT Services"), and the app's manifest fragment names files that exist.
import test from "ava";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import * as P from "../modules/ble/protocol.ts";

const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
const TYPES = ["Array", "ArrayBuffer", "String", "Uint8", "Uint8Array", "Int8Array", "Int16Array", "Uint16", "Uint16Array", "Uint32"];
const PROPERTIES = ["read", "write", "writeNoResponse", "notify", "indicate", "extended"];
const PERMISSIONS = ["read", "readEncrypted", "write", "writeEncrypted"];
const UUID = /^([0-9A-F]{4}|[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12})$/;

function services(): { file: string; service: { uuid: string; characteristics: Record<string, any> } }[] {
	const dir = join(ROOT, "bleservices");
	return readdirSync(dir)
		.filter((f) => f.endsWith(".json"))
		.map((file) => ({ file, ...JSON.parse(readFileSync(join(dir, file), "utf8")) }));
}

test("every service JSON parses against Moddable's GATT schema", (t) => {
	const all = services();
	t.true(all.length >= 2);
	for (const { file, service } of all) {
		t.deepEqual(Object.keys(JSON.parse(readFileSync(join(ROOT, "bleservices", file), "utf8"))), ["service"], file);
		t.regex(service.uuid, UUID, file);
		for (const [name, c] of Object.entries(service.characteristics)) {
			const where = `${file} ${name}`;
			t.regex(c.uuid, UUID, where);
			t.true(TYPES.includes(c.type), `${where}: type ${c.type}`);
			t.true(Number.isInteger(c.maxBytes) && c.maxBytes >= 1 && c.maxBytes <= P.MAX_PACKET, `${where}: maxBytes`);
			const props: string[] = c.properties.split(",");
			t.true(props.every((p) => PROPERTIES.includes(p)), `${where}: properties ${c.properties}`);
			const perms: string[] = c.permissions.split(",");
			t.true(perms.every((p) => PERMISSIONS.includes(p)), `${where}: permissions ${c.permissions}`);
			t.true(perms.filter((p) => p.startsWith("read")).length <= 1 && perms.filter((p) => p.startsWith("write")).length <= 1, `${where}: one read and one write permission at most`);
		}
	}
});

test("the JSON services define exactly the protocol's characteristics, health data encrypted", (t) => {
	const declared = new Map<string, { uuid: string; service: string; c: any }>();
	for (const { service } of services())
		for (const [name, c] of Object.entries(service.characteristics)) declared.set(name, { uuid: c.uuid, service: service.uuid, c });
	t.deepEqual([...declared.keys()].sort(), P.CHARACTERISTICS.map((c) => c.name).sort());
	for (const info of P.CHARACTERISTICS) {
		const d = declared.get(info.name)!;
		t.is(d.uuid.toLowerCase(), info.uuid.toLowerCase(), info.name);
		t.is(d.service.toLowerCase(), info.service.toLowerCase(), info.name);
		if (info.id !== P.BODY_SENSOR_LOCATION) t.regex(d.c.permissions, /Encrypted/, `${info.name} carries health data`);
	}
	t.is(declared.get("measurement")!.c.properties, "notify", "Heart Rate Measurement is notify-only (HRS 1.0)");
	t.is(declared.get("control")!.c.properties, "write");
	t.is(declared.get("location")!.c.value, 1, "body sensor location: chest");
});

test("the device server advertises the protocol's ECG service UUID", (t) => {
	const source = readFileSync(join(ROOT, "modules/ble/server-transport.ts"), "utf8");
	t.true(source.includes(`uuid\`${P.ECG_SERVICE_UUID}\``));
	t.true(source.includes("uuid`180D`"));
});

test("the app's manifest fragment names modules and services that exist, and maps both platform modules everywhere", (t) => {
	const dir = join(ROOT, "modules/app");
	const manifest = JSON.parse(readFileSync(join(dir, "manifest.json"), "utf8"));
	const moduleExists = (path: string) => existsSync(join(dir, path + ".ts")) || existsSync(join(dir, path + ".js"));
	for (const [spec, path] of Object.entries(manifest.modules)) for (const p of [path].flat() as string[]) t.true(moduleExists(p), `${spec}: ${p}`);
	for (const [platform, section] of Object.entries<any>(manifest.platforms)) {
		t.deepEqual(Object.keys(section.modules).sort(), ["app/input", "ble/transport"], platform);
		for (const p of Object.values<string>(section.modules)) t.true(moduleExists(p), `${platform}: ${p}`);
		for (const pattern of section.ble?.["*"] ?? []) t.true(existsSync(join(dir, pattern.replace(/\/\*$/, ""))), `${platform}: ${pattern}`);
	}
	for (const name of manifest.preload) t.true(name in manifest.modules, `preload ${name} is a module of the fragment`);
});
