// The web companion: the ECG strip on a calibrated grid with class markers shaded by confidence, heart rate and
// its trend over the whole run, AF episodes shaded on both with their burden, the apnea timeline (a cell per
// minute), per-class counts, every event,
// scrollback through the whole run (live or ended), and CSV / JSON export as downloads made in the page. Packets
// come from the simulator over a WebSocket (/gatt, frames of host/companion/frames.ts) or from a board over Web
// Bluetooth; both are decoded by modules/ble/protocol.ts, served transpiled as /protocol.js, into the run of
// run.js; draw.js draws it. The buttons send control writes (encoded by the same module) back: a write frame on
// the WebSocket, or a write to the board's control characteristic; the device's answer comes back on the result
// characteristic.
// Nothing here sends data anywhere but those control writes.
import * as P from "/protocol.js";
import { FRAME_NOTIFY, FRAME_VALUE, FRAME_CONNECTED, FRAME_DISCONNECTED, FRAME_DEVICE, FRAME_END, FRAME_WRITE } from "/frames.js";
import { Run, clock } from "/run.js";
import { drawStrip, drawTrend, trendSampleAt, windowSamples, classColor } from "/draw.js";

const $ = (id) => document.getElementById(id);
const run = new Run(P);
/** &gain=N: ADC units per mV that override the device's (run.js, stripGain). */
const gainParam = Number(new URLSearchParams(location.search).get("gain"));

/** Where the strip is: following the end of the run, or from sample `start`. */
const view = { follow: true, start: 0 };
let ended = false;
let sendControl; // (bytes) => Promise, once a simulator or a board is connected
let stripOn = false, stripToggled = false;

function packet(id, bytes) {
	run.packet(id, bytes);
	if (id === P.STRIP && !stripToggled && !stripOn) {
		stripOn = true;
		$("strip-toggle").textContent = "Strip off";
	}
	if (id === P.CONTROL_RESULT) {
		const r = P.decodeControlResult(bytes);
		$("result").textContent = `control ${r.op}: ${r.result === P.RESULT_OK ? "ok" : `refused (${P.RESULT_NAMES[r.result] ?? r.result})`}`;
		document.body.dataset.lastResult = `${r.op}:${r.result}`;
		document.body.dataset.results = String(Number(document.body.dataset.results ?? 0) + 1);
	}
	schedule();
}

let pending = false;
function schedule() {
	if (pending) return;
	pending = true;
	requestAnimationFrame(draw);
}

function span() {
	return windowSamples($("strip"), run.sampleRate);
}

/** The strip's first sample: the end of the run when following, else where the user scrolled to. */
function windowStart() {
	const latest = Math.max(0, run.lastSample - span());
	return view.follow ? latest : Math.min(Math.max(0, view.start), latest);
}

function show(start) {
	const latest = Math.max(0, run.lastSample - span());
	view.start = Math.max(0, Math.round(start));
	view.follow = view.start >= latest && !ended;
	if (ended && view.start >= latest) view.start = latest;
	schedule();
}

function draw() {
	pending = false;
	$("hr").textContent = run.heartRate || "--";
	$("signal").textContent = run.quality === undefined ? "-" : (P.QUALITY_NAMES[run.quality] ?? run.quality);
	const m = run.model;
	$("model").textContent = !m ? "-" : m.status === P.MODEL_READY ? `${run.classes.join("/")} (${P.POLICY_NAMES[m.policy]}, ${m.blobBytes} B)` : `${P.MODEL_STATUS_NAMES[m.status]}: heart rate only`;
	const last = run.beats[run.beats.length - 1];
	$("last-beat").textContent = !last ? "-" : last.classIndex === undefined ? "not classified" : `${run.className(last.classIndex)} ${Math.round(last.confidence * 100)}%`;
	$("last-beat").style.color = last ? classColor(run, last.classIndex) : "";

	drawCounts();
	drawEvents();

	const n = span(), start = windowStart();
	const canvas = $("strip");
	const { gain, text } = run.stripGain(gainParam);
	$("gain").textContent = text;
	const { firstDrawn, afBands } = drawStrip(canvas, run, start, gain);
	canvas.dataset.afBands = String(afBands);
	canvas.dataset.gain = String(gain);
	canvas.dataset.firstSample = String(start);
	canvas.dataset.lastSample = String(start + n);
	canvas.dataset.firstDrawn = firstDrawn === undefined ? "" : String(firstDrawn);
	canvas.dataset.follow = String(view.follow);
	const slider = $("scroll");
	slider.max = String(Math.max(0, run.lastSample - n));
	slider.step = String(Math.max(1, Math.round(run.sampleRate / 10)));
	slider.value = String(start);
	$("follow").setAttribute("aria-pressed", String(view.follow));
	const forgotten = run.strip.forgotten && run.strip.first !== undefined ? ` · strip before ${clock(run.seconds(run.strip.first))} forgotten (memory cap)` : "";
	$("window").textContent = `${clock(run.seconds(start))}–${clock(run.seconds(start + n))} of ${clock(run.seconds(run.lastSample))}${view.follow ? " · live" : ended ? " · run ended" : ""}${forgotten}`;
	const trend = drawTrend($("trend"), run, start, n);
	$("trend").dataset.points = String(trend.points);
	$("trend").dataset.afBands = String(trend.afBands);
}

function drawCounts() {
	const rows = [];
	const n = Math.max(run.classes.length, run.deviceCounts.length);
	const row = (name, device, received) => {
		const tr = document.createElement("tr");
		tr.dataset.class = name;
		tr.dataset.device = String(device);
		tr.dataset.received = String(received);
		for (const v of [name, device, received]) tr.append(Object.assign(document.createElement(v === name ? "th" : "td"), { textContent: String(v) }));
		return tr;
	};
	for (let i = 0; i < n; i++) rows.push(row(run.className(i), run.deviceCounts[i] ?? 0, run.receivedCounts.get(i) ?? 0));
	const unclassified = run.receivedCounts.get(-1);
	if (unclassified) {
		const tr = row("not classified", "–", unclassified);
		delete tr.dataset.device;
		rows.push(tr);
	}
	$("counts").tBodies[0].replaceChildren(...rows);
	$("total").textContent = String(run.deviceTotal);
	$("received").textContent = String(run.received);
	const at = run.countsAt === undefined ? "" : ` (its summary at ${clock(run.seconds(run.countsAt))})`;
	const lost = run.beatsLost ? `; ${run.beatsLost} beat notifications lost` : "";
	$("counts-note").textContent = `device total: the device's own per-class counts${at}, zeroed by Reset counts; received here: beats this page got since it connected${lost}.`;
	drawAf();
}

/** AF episodes and burden beside the counts: the page's figure from the episodes, and the device's last one. */
function drawAf() {
	const af = $("af");
	const { percent } = run.afBurden();
	af.dataset.episodes = String(run.afEpisodes.length + run.afEpisodesForgotten);
	af.dataset.open = String(run.afOpen !== undefined);
	af.dataset.burden = percent === undefined ? "" : percent.toFixed(2);
	af.dataset.deviceBurden = run.deviceAfBurden ? String(run.deviceAfBurden.permille / 10) : "";
	af.textContent = run.afText();
	$("af-note").textContent = run.deviceAfText();
	drawApnea();
}

const APNEA_WORDS = { apnea: "apnea", normal: "normal", notAssessed: "not assessed (no measured RR interval)", notYetKnown: "not yet known" };

/** The apnea findings and a cell per minute begun (rebuilt only when a minute or the run's length changed). */
function drawApnea() {
	$("apnea").textContent = run.apneaText();
	const el = $("apnea-timeline");
	const t = run.apnea, begun = run.apneaMinutesBegun;
	const key = `${t.first}:${begun}:${t.apnea}:${t.normal}:${t.notAssessed}`;
	if (el.dataset.key === key) return;
	el.dataset.key = key;
	const cells = [];
	for (let m = t.first; m < begun; m++) {
		const state = run.apneaMinute(m);
		const cell = document.createElement("span");
		cell.className = state;
		cell.dataset.minute = String(m);
		cell.title = `${clock(60 * m)}–${clock(60 * m + 60)}: ${APNEA_WORDS[state]}`;
		cell.onclick = () => show(60 * m * run.sampleRate);
		cells.push(cell);
	}
	el.replaceChildren(...cells);
	el.dataset.minutes = String(cells.length);
	el.dataset.marks = cells.map((c) => c.className).join(",");
}

let eventsShown = 0, eventsForgotten = 0, eventsRate = 0;
function drawEvents() {
	const list = $("events");
	if (eventsForgotten !== run.eventsForgotten || eventsRate !== run.sampleRate) {
		list.replaceChildren();
		eventsShown = 0;
		eventsForgotten = run.eventsForgotten;
		eventsRate = run.sampleRate;
	}
	if (eventsShown === run.events.length) return;
	for (const e of run.events.slice(eventsShown)) {
		const li = document.createElement("li");
		li.dataset.kind = P.EVENT_NAMES[e.kind] || String(e.kind);
		li.dataset.sample = String(e.sampleIndex);
		if (run.routine(e)) li.className = "routine";
		li.append(Object.assign(document.createElement("time"), { textContent: clock(run.seconds(e.sampleIndex)) }), run.eventText(e));
		li.title = "show on the strip";
		li.onclick = () => show(e.sampleIndex - span() / 3);
		list.append(li);
	}
	eventsShown = run.events.length;
	if (view.follow) list.scrollTop = list.scrollHeight;
	const alerts = run.events.filter((e) => !run.routine(e)).length;
	$("events-note").textContent = `${run.events.length} events, ${alerts} not routine (routine ones in grey)${run.eventsForgotten ? `; ${run.eventsForgotten} oldest forgotten (memory cap)` : ""}${run.malformed ? `; ${run.malformed} packets could not be decoded` : ""}. Click one to see it on the strip.`;
}

function followSimulator() {
	// The run's token, from the URL hypertiny printed; the server refuses the WebSocket without it.
	const token = new URLSearchParams(location.search).get("token") ?? "";
	const ws = new WebSocket(`ws://${location.host}/gatt?token=${encodeURIComponent(token)}`);
	ws.binaryType = "arraybuffer";
	ws.onopen = () => {
		$("status").textContent = "simulator connected";
		enableControls(async (bytes) => ws.send(Uint8Array.of(FRAME_WRITE, P.CONTROL, bytes.length, ...bytes)));
	};
	ws.onmessage = (m) => {
		const b = new Uint8Array(m.data);
		const kind = b[0], id = b[1], bytes = b.subarray(3, 3 + b[2]);
		if (kind === FRAME_NOTIFY || kind === FRAME_VALUE) packet(id, bytes);
		else if (kind === FRAME_DEVICE) $("status").textContent = `simulator: ${new TextDecoder().decode(bytes)}`;
		else if (kind === FRAME_DISCONNECTED) $("status").textContent = "client disconnected";
		else if (kind === FRAME_CONNECTED) $("status").textContent = "client connected";
		else if (kind === FRAME_END) {
			$("status").textContent = "recording ended";
			ended = true;
			view.start = windowStart();
			view.follow = false;
			document.body.dataset.ended = "true";
			schedule();
		}
	};
	ws.onerror = () => ($("status").textContent = "cannot reach the simulator: open the exact URL hypertiny start printed (it holds the run's token)");
}

async function followBoard() {
	const device = await navigator.bluetooth.requestDevice({ filters: [{ services: [0x180d] }], optionalServices: [P.ECG_SERVICE_UUID] });
	const server = await device.gatt.connect();
	$("status").textContent = `board: ${device.name}`;
	for (const info of P.CHARACTERISTICS) {
		const uuid = info.uuid.length === 4 ? parseInt(info.uuid, 16) : info.uuid.toLowerCase();
		const serviceUuid = info.service.length === 4 ? parseInt(info.service, 16) : info.service.toLowerCase();
		let c;
		try {
			c = await (await server.getPrimaryService(serviceUuid)).getCharacteristic(uuid);
		} catch {
			continue;
		}
		if (info.id === P.CONTROL) enableControls((bytes) => c.writeValueWithResponse(bytes));
		if (c.properties.read) packet(info.id, new Uint8Array((await c.readValue()).buffer));
		if (c.properties.notify) {
			c.addEventListener("characteristicvaluechanged", (e) => packet(info.id, new Uint8Array(e.target.value.buffer)));
			await c.startNotifications();
		}
	}
}

function enableControls(send) {
	sendControl = send;
	for (const id of ["reset-counts", "send-summary", "strip-toggle"]) $(id).disabled = false;
}

function control(command) {
	if (!sendControl) return;
	sendControl(P.encodeControl(command)).catch((e) => ($("result").textContent = `control write failed: ${e.message}`));
}

/** A download made in the page (nothing leaves the machine). */
function download(extension, type, text) {
	const stamp = new Date().toISOString().slice(0, 19).replaceAll(":", "-");
	const url = URL.createObjectURL(new Blob([text], { type }));
	const a = Object.assign(document.createElement("a"), { href: url, download: `hypertiny-run-${stamp}.${extension}` });
	document.body.append(a);
	a.click();
	a.remove();
	setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

$("reset-counts").onclick = () => control({ op: "reset-counts" });
$("send-summary").onclick = () => control({ op: "send-summary" });
$("strip-toggle").onclick = () => {
	stripOn = !stripOn;
	stripToggled = true;
	$("strip-toggle").textContent = stripOn ? "Strip off" : "Strip on";
	control({ op: "strip", decimation: stripOn ? 2 : 0 });
};
$("export-csv").onclick = () => download("csv", "text/csv", run.csv());
$("export-json").onclick = () => download("json", "application/json", run.json());
// The export texts, for tests and the console.
window.hypertiny = { csv: () => run.csv(), json: () => run.json() };

$("to-start").onclick = () => show(0);
$("back").onclick = () => show(windowStart() - span());
$("forward").onclick = () => show(windowStart() + span());
$("follow").onclick = () => {
	view.follow = !ended;
	if (ended) view.start = run.lastSample;
	schedule();
};
$("scroll").oninput = (e) => show(Number(e.target.value));
$("strip").addEventListener("wheel", (e) => {
	e.preventDefault();
	const px = Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : e.deltaY;
	show(windowStart() + (px / e.target.clientWidth) * span());
}, { passive: false });
$("trend").onclick = (e) => show(trendSampleAt(e.target, run, span(), e.offsetX) - span() / 2);
document.addEventListener("keydown", (e) => {
	if (e.target instanceof HTMLInputElement) return;
	const step = { ArrowLeft: -0.5, ArrowRight: 0.5, PageUp: -1, PageDown: 1 }[e.key];
	if (step) show(windowStart() + step * span());
	else if (e.key === "Home") show(0);
	else if (e.key === "End") $("follow").click();
	else return;
	e.preventDefault();
});
window.addEventListener("resize", schedule);

if (location.protocol.startsWith("http") && location.host) followSimulator();
if (navigator.bluetooth) {
	$("ble").hidden = false;
	$("ble").onclick = () => followBoard().catch((e) => ($("status").textContent = `Web Bluetooth: ${e.message}`));
}
schedule();
