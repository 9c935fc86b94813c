// The web companion: a live ECG strip with class markers, heart rate, counts and alerts. Packets come from
// the simulator over a WebSocket (/gatt, frames of host/companion/frames.ts) or from a board over Web
// Bluetooth; both are decoded by modules/ble/protocol.ts, served transpiled as /protocol.js. The buttons send
// control writes (encoded by the same module) back: a write frame on the WebSocket, or a write to the board's
// control characteristic; the device's answer comes back on the result characteristic.
import * as P from "/protocol.js";
import { FRAME_NOTIFY, FRAME_VALUE, FRAME_CONNECTED, FRAME_DISCONNECTED, FRAME_DEVICE, FRAME_END, FRAME_WRITE } from "/frames.js";

const SECONDS = 8;
const $ = (id) => document.getElementById(id);
const canvas = $("strip");
const ctx = canvas.getContext("2d");

const state = { sampleRate: 360, classes: [], counts: [], beats: 0, heartRate: 0, quality: 1, model: undefined, alerts: [], lastSample: 0 };
const samples = []; // [sampleIndex, value] raw ADC minus zero
let sendControl; // (bytes) => Promise, once a simulator or a board is connected
let stripOn = false;
const markers = []; // [sampleIndex, className]

function packet(id, bytes) {
	switch (id) {
		case P.HEART_RATE_MEASUREMENT: {
			const hr = P.decodeHeartRate(bytes);
			if (hr.bpm) state.heartRate = hr.bpm;
			break;
		}
		case P.BEAT: {
			const b = P.decodeBeat(bytes);
			state.beats++;
			const name = b.classIndex === undefined ? "?" : (state.classes[b.classIndex] ?? String(b.classIndex));
			markers.push([b.sampleIndex, name]);
			if (b.heartRate) state.heartRate = b.heartRate;
			break;
		}
		case P.SUMMARY: {
			const s = P.decodeSummary(bytes);
			state.quality = s.quality;
			state.lastSample = Math.max(state.lastSample, s.samples);
			break;
		}
		case P.COUNTS: {
			const c = P.decodeCounts(bytes);
			c.counts.forEach((n, i) => (state.counts[c.first + i] = n));
			break;
		}
		case P.EVENT: {
			const e = P.decodeEvent(bytes);
			if (e.kind === P.EVENT_QUALITY) state.quality = e.value;
			const routine = (e.kind === P.EVENT_QUALITY && e.value < P.QUALITY_LEAD_OFF) || (e.kind === P.EVENT_MODEL && e.value === P.MODEL_READY);
			if (!routine) state.alerts.push(`${(e.sampleIndex / state.sampleRate).toFixed(1)} s: ${P.EVENT_NAMES[e.kind]} ${e.value}`);
			break;
		}
		case P.MODEL_INFO:
			state.model = P.decodeModelInfo(bytes);
			if (state.model.sampleRate) state.sampleRate = state.model.sampleRate;
			break;
		case P.CLASS_NAMES:
			state.classes = P.decodeClassNames(bytes);
			break;
		case P.CONTROL_RESULT: {
			const r = P.decodeControlResult(bytes);
			$("result").textContent = `control ${r.op}: ${r.result === P.RESULT_OK ? "ok" : `refused (${P.RESULT_NAMES[r.result] ?? r.result})`}`;
			document.body.dataset.lastResult = `${r.op}:${r.result}`;
			document.body.dataset.results = String(Number(document.body.dataset.results ?? 0) + 1);
			break;
		}
		case P.STRIP: {
			const s = P.decodeStrip(bytes);
			s.samples.forEach((v, i) => samples.push([s.sampleIndex + i * s.decimation, v]));
			state.lastSample = Math.max(state.lastSample, s.sampleIndex + s.samples.length * s.decimation);
			break;
		}
	}
	schedule();
}

let pending = false;
function schedule() {
	if (pending) return;
	pending = true;
	requestAnimationFrame(draw);
}

function draw() {
	pending = false;
	$("hr").textContent = state.heartRate || "--";
	$("signal").textContent = P.QUALITY_NAMES[state.quality] ?? state.quality;
	$("beats").textContent = state.beats;
	const m = state.model;
	$("model").textContent = !m ? "-" : m.status === P.MODEL_READY ? `${state.classes.join("/")} (${P.POLICY_NAMES[m.policy]}, ${m.blobBytes} B)` : `${P.MODEL_STATUS_NAMES[m.status]}: heart rate only`;
	$("counts").textContent = state.classes.map((c, i) => `${c} ${state.counts[i] ?? 0}`).join("  ");
	$("alerts").replaceChildren(...state.alerts.slice(-8).map((t) => Object.assign(document.createElement("li"), { textContent: t })));

	const w = canvas.width, h = canvas.height;
	ctx.clearRect(0, 0, w, h);
	ctx.strokeStyle = "#f3c4c4";
	for (let x = 0; x < w; x += w / (SECONDS * 5)) { ctx.beginPath(); ctx.moveTo(x, 0); ctx.lineTo(x, h); ctx.stroke(); }
	const end = state.lastSample, start = end - SECONDS * state.sampleRate;
	const xOf = (i) => ((i - start) / (end - start)) * w;
	const visible = samples.filter(([i]) => i >= start);
	let peak = 1;
	for (const [, v] of visible) peak = Math.max(peak, Math.abs(v));
	const gain = peak / (h * 0.4);
	ctx.strokeStyle = "#222";
	ctx.lineWidth = 1.5;
	ctx.beginPath();
	visible.forEach(([i, v], k) => (k ? ctx.lineTo(xOf(i), h * 0.6 - v / gain) : ctx.moveTo(xOf(i), h * 0.6 - v / gain)));
	ctx.stroke();
	ctx.font = "bold 14px system-ui";
	for (const [i, name] of markers) {
		if (i < start) continue;
		const alert = name === "V";
		ctx.fillStyle = alert ? "#b00020" : "#1565c0";
		ctx.fillText(name, xOf(i) - 4, 18);
		ctx.fillRect(xOf(i) - 1, 24, 2, 8);
	}
	if (samples.length > 20 * SECONDS * state.sampleRate) samples.splice(0, samples.length - 2 * SECONDS * state.sampleRate);
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
			document.body.dataset.ended = "true";
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

$("reset-counts").onclick = () => control({ op: "reset-counts" });
$("send-summary").onclick = () => control({ op: "send-summary" });
$("strip-toggle").onclick = () => {
	stripOn = !stripOn;
	$("strip-toggle").textContent = stripOn ? "Strip off" : "Strip on";
	control({ op: "strip", decimation: stripOn ? 2 : 0 });
};

if (location.protocol.startsWith("http") && location.host) followSimulator();
if (navigator.bluetooth) {
	$("ble").hidden = false;
	$("ble").onclick = () => followBoard().catch((e) => ($("status").textContent = `Web Bluetooth: ${e.message}`));
}
