// Health data only on an encrypted link (issue 16). The app holds every notification until its link reports
// encryption: the simulator's link models that state (config.linkEncrypted false: a connection is unencrypted
// until the central pairs), so these runs prove nothing is notified before and everything flows after. The
// build check reads the pinned Moddable SDK's nRF52 server for how it guards reads and subscriptions, so that an
// SDK whose rules change is noticed (docs/ble-protocol.md, "Security").
import test from "ava";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as P from "../modules/ble/protocol.ts";
import { FIXTURE_MODEL } from "../host/app/default-model.ts";
import { GattSocket } from "../host/app/gatt-socket.ts";
import { SimApp, type SimAppOptions } from "../host/app/sim-app.ts";
import { followSimulator } from "../host/companion/sources.ts";
import { CompanionState } from "../host/companion/state.ts";
import { ROOT } from "../host/cli/sim-runner.ts";
import { built, excerpt } from "./app-helpers.ts";
import { testWithModdable } from "./toolchain.ts";

type Step = { kind: "packet"; id: number; bytes: Uint8Array } | { kind: "encrypted" } | { kind: "connection"; connected: boolean };

/** A run's notifications, connection changes and encryptions, in the order the app made them. */
async function timeline(options: SimAppOptions): Promise<{ steps: Step[]; values: Map<number, Uint8Array>; stats: Record<string, any> }> {
	const app = new SimApp(options);
	const steps: Step[] = [];
	const values = new Map<number, Uint8Array>();
	app.on("packet", (id: number, bytes: Uint8Array) => steps.push({ kind: "packet", id, bytes }));
	app.on("encrypted", () => steps.push({ kind: "encrypted" }));
	app.on("connection", (connected: boolean) => steps.push({ kind: "connection", connected }));
	app.on("value", (id: number, bytes: Uint8Array) => values.set(id, bytes));
	const result = await app.done;
	if (result.status !== 0 || !result.stats) throw new Error(`the app failed (exit ${result.status}): ${result.stderr}`);
	return { steps, values, stats: result.stats };
}

const packets = (steps: Step[]) => steps.filter((s): s is Extract<Step, { kind: "packet" }> => s.kind === "packet");
const beatIndices = (steps: Step[]) => packets(steps).filter((s) => s.id === P.BEAT).map((s) => P.decodeBeat(s.bytes).sampleIndex);
const HEALTH = [P.BEAT, P.HEART_RATE_MEASUREMENT, P.SUMMARY, P.COUNTS, P.EVENT, P.STRIP];

test.before(() => built(["app"]));

test("an unencrypted link gets no notification at all, health data or other, while the read values are kept for after pairing", async (t) => {
	const rec = await excerpt(90);
	const run = await timeline({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, stripDecimation: 4, linkEncrypted: false }, script: [{ at: 3600, write: [P.OP_RESET_COUNTS] }] });
	t.deepEqual(run.steps, [], "not one notification, and the link never became encrypted");
	t.is(run.stats.packetsSent, 0);
	t.true(run.stats.packetsDropped > 100, `held back: ${run.stats.packetsDropped}`);
	t.true(run.stats.beatsDelivered > 50);
	t.is(run.stats.controlRejected, 0);
	t.true(Object.values(run.stats.counts as Record<string, number>).reduce((a, b) => a + b, 0) > 50, "a write on an unencrypted link never reached the app (the counts were not reset)");
	t.is(P.decodeModelInfo(run.values.get(P.MODEL_INFO)!).status, P.MODEL_READY, "read values are set (the SDK refuses them to an unpaired central)");
});

test("health notifications are held until the central pairs, then flow: the current summary and counts first, then every beat, heart rate, event and strip packet; after a reconnect they wait for encryption again", async (t) => {
	const clean = await excerpt(90);
	const at = (s: number) => Math.round(s * clean.sampleRate);
	// Two bursts of samples outside the ADC's range, so events (kind 8) happen while paired and after re-pairing.
	const samples = clean.samples.slice();
	for (const start of [at(30), at(70)]) for (let i = start; i < start + 5; i++) samples[i] = clean.adcMax + 100;
	const rec = { ...clean, samples };
	const options = (config: Record<string, unknown>, script: SimAppOptions["script"]): SimAppOptions => ({ recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, stripDecimation: 4, ...config }, script });
	const [paired, always] = await Promise.all([
		timeline(options({ linkEncrypted: false }, [{ at: at(20), encrypt: true }, { at: at(50), disconnect: true }, { at: at(52), connect: true }, { at: at(60), encrypt: true }])),
		timeline(options({}, [])),
	]);
	const steps = paired.steps;
	const firstEncrypted = steps.findIndex((s) => s.kind === "encrypted");
	t.true(firstEncrypted >= 0);
	t.deepEqual(steps.slice(0, firstEncrypted), [], "nothing before the link was encrypted");
	const catchUp = packets(steps.slice(firstEncrypted + 1, firstEncrypted + 3));
	t.deepEqual(catchUp.map((p) => p.id), [P.SUMMARY, P.COUNTS], "the current summary and counts at once");
	t.true(P.decodeSummary(catchUp[0].bytes).samples >= at(20));

	const disconnected = steps.findIndex((s) => s.kind === "connection" && !s.connected);
	const secondEncrypted = steps.findIndex((s, i) => i > disconnected && s.kind === "encrypted");
	t.true(disconnected > firstEncrypted && secondEncrypted > disconnected);
	t.deepEqual(steps.slice(disconnected + 1, secondEncrypted), [{ kind: "connection", connected: true }], "reconnected, nothing sent until encrypted again");

	const between = packets(steps.slice(firstEncrypted, disconnected)).map((p) => p.id);
	const after = packets(steps.slice(secondEncrypted)).map((p) => p.id);
	for (const id of HEALTH) {
		t.true(between.includes(id), `characteristic ${id} flows once paired`);
		t.true(after.includes(id), `characteristic ${id} flows after re-encryption`);
	}

	// The same app on an always-encrypted link: the paired run's beats are exactly its beats of those stretches.
	const all = beatIndices(always.steps);
	const heldBeats = beatIndices(steps);
	t.deepEqual(all.length, always.stats.beatsDelivered, "the reference run sends every beat");
	const firstHeld = all.indexOf(heldBeats[0]);
	t.true(firstHeld > 0, "beats before pairing were held back");
	const lastBefore = beatIndices(steps.slice(0, disconnected));
	t.deepEqual(lastBefore, all.slice(firstHeld, firstHeld + lastBefore.length), "from pairing on, every beat");
	const resumed = beatIndices(steps.slice(secondEncrypted));
	const resumedAt = all.indexOf(resumed[0]);
	t.deepEqual(resumed, all.slice(resumedAt), "from re-encryption on, every beat to the end");
	t.true(paired.stats.packetsDropped > 0);
});

test("over the simulator socket the run's token is the pairing: a companion with a wrong token leaves the link unencrypted (nothing notified); one with the token gets every beat", async (t) => {
	const rec = await excerpt(60);
	const options = { recording: rec, model: FIXTURE_MODEL, config: { traceBeats: false, linkEncrypted: false } };
	const run = async (token: (gatt: GattSocket) => string) => {
		const gatt = new GattSocket();
		const port = await gatt.listen(0);
		const state = new CompanionState();
		const following = followSimulator(port, token(gatt), state).catch((e: Error) => e.message);
		if (token(gatt) === gatt.token) await gatt.client();
		const app = new SimApp(options);
		let packets = 0;
		let encrypted = 0;
		app.on("packet", () => packets++);
		app.on("encrypted", () => encrypted++);
		gatt.attach(app);
		const result = await app.done;
		await gatt.close();
		return { result, packets, encrypted, state, said: await following };
	};
	const refused = await run(() => "not-the-token");
	t.regex(String(refused.said), /refused this companion: wrong token/);
	t.is(refused.encrypted, 0);
	t.is(refused.packets, 0, "nothing notified on the unencrypted link");
	const paired = await run((gatt) => gatt.token);
	t.is(paired.encrypted, 1);
	t.is(paired.state.beats, paired.result.stats?.beatsDelivered, "the companion paired before the input started: every beat");
});

testWithModdable(
	"build check: the pinned SDK's nRF52 server guards reads by readEncrypted and subscriptions (CCCD writes) only by writeEncrypted, reports encryption with onAuthenticated, and uses LE Secure Connections only for DisplayYesNo; the app's services and server match",
	["nrf52"],
	(t, tool) => {
		const ble = join(tool.moddable, "modules/network/ble");
		const server = readFileSync(join(ble, "nrf52/modBLEServer.c"), "utf8");
		const sm = readFileSync(join(ble, "nrf52/modBLESM.c"), "utf8");
		const gatt = readFileSync(join(tool.moddable, "tools/bles2gatt.js"), "utf8");
		const squash = (s: string) => s.replace(/\s+/g, " ");
		const rules = squash(/void setAttributePermissions\([^)]*\)\s*\{([\s\S]*?)\n\}/.exec(server)?.[1] ?? "");
		t.true(rules.includes("*read_access = (permissions & GATT_PERM_READ_ENCRYPTED ? (gBLE->mitm ? SEC_MITM : SEC_JUST_WORKS) : SEC_OPEN)"), "reads: readEncrypted, MITM when asked");
		t.true(rules.includes("*cccd_write_access = (permissions & GATT_PERM_WRITE_ENCRYPTED ? (gBLE->mitm ? SEC_MITM : SEC_JUST_WORKS) : SEC_OPEN)"), "subscriptions: open unless the characteristic is writeEncrypted");
		t.regex(squash(server), /setAttributePermissions\(&add_char_params\.read_access, &add_char_params\.write_access, &add_char_params\.cccd_write_access, permissions\)/, "the CCCD takes the characteristic value's permissions");
		t.regex(squash(/static void pmConnSecSucceededEvent[\s\S]*?\n\}/.exec(server)?.[0] ?? ""), /xsCall2\(gBLE->obj, xsID_callback, xsStringX\("onAuthenticated"\), xsVar\(0\)\)/, "onAuthenticated follows PM_EVT_CONN_SEC_SUCCEEDED");
		const notifyValue = /void xs_ble_server_characteristic_notify_value\(xsMachine \*the\)\s*\{[\s\S]*?\n\}/.exec(server)?.[0] ?? "";
		t.regex(notifyValue, /sd_ble_gatts_hvx/);
		t.notRegex(notifyValue, /sec|encrypt|auth/i, "a notification is sent whatever the link's security: the app must hold it");
		t.true(squash(sm).includes("sec_param.lesc = (mitm && (io_caps == BLE_GAP_IO_CAPS_DISPLAY_YESNO));"), "LESC only with numeric comparison");
		t.true(squash(sm).includes("if (BLE_GAP_IO_CAPS_NONE == io_caps) mitm = 0;"), "no MITM without input or output");
		t.regex(gatt, /character_client_config_uuid, ESP_GATT_PERM_READ \| ESP_GATT_PERM_WRITE,/, "ESP32 (Bluedroid): CCCDs are always open");

		// The app's side of that rule: every notified characteristic is writeEncrypted (its CCCD needs an encrypted,
		// MITM link on nRF52), and the server asks for MITM with a passkey display and holds notifications.
		for (const file of ["ecg.json", "heart-rate.json"]) {
			const characteristics = JSON.parse(readFileSync(join(ROOT, "bleservices", file), "utf8")).service.characteristics as Record<string, { properties: string; permissions: string }>;
			for (const [name, c] of Object.entries(characteristics)) {
				if (c.properties.includes("notify")) t.deepEqual(c.permissions.split(","), ["readEncrypted", "writeEncrypted"], `${file} ${name}`);
			}
		}
		const transport = readFileSync(join(ROOT, "modules/ble/server-transport.ts"), "utf8");
		t.true(transport.includes("this.securityParameters = { encryption: true, bonding: true, mitm: true, ioCapability: IOCapability.DisplayOnly };"));
		t.regex(transport, /if \(!this\.connected \|\| !this\.encrypted \|\| !characteristic\) \{\s*this\.dropped\+\+;\s*return false;/);
	},
	false,
);
