// Pinned fingerprints of everything the ECG pipeline delivers (test/ecg-digest.ts: beats with their fields and
// windows, quality events, rejected samples). The values are what the TypeScript pipeline of fdfa41a delivered;
// the C pipeline that replaced it delivers them bit for bit (host/ecg-wasm/compare-old.ts checks far more). Any
// change to detection, filtering or quality handling changes a digest here: if it is intended, say why in the
// commit and update the values.
import test from "ava";
import { mitdbTest } from "./mitdb-data.ts";
import { listRecords, loadRecord } from "../host/data/records.ts";
import { mitdbPath } from "../host/data/mitdb-path.ts";
import { digestRun } from "./ecg-digest.ts";
import { concat, syntheticEcg } from "./ecg-signals.ts";

const CONFIG = { sampleRate: 360, adcGain: 200, adcZero: 1024, adcMin: 0, adcMax: 2047 };

test("synthetic faults (flatline, saturation, rails, NaN, lead-off): digest pinned", (t) => {
	const ecg = syntheticEcg({ seconds: 150, seed: 31, noiseMv: 0.04 }).samples;
	const flat = new Int16Array(3 * 360).fill(1100);
	const rail = new Int16Array(2 * 360).fill(2047);
	const record = concat(ecg.subarray(0, 40 * 360), flat, ecg.subarray(43 * 360, 80 * 360), rail, ecg.subarray(82 * 360));
	t.deepEqual(digestRun(record, CONFIG, [5000, 5001, 20000], [100 * 360, 104 * 360]), {
		beats: 156,
		hash: "143d17ec",
		events: ["ok@0", "garbage@5000", "flatline@14402", "ok@15482", "garbage@20002", "saturation@28479", "lead-off@28803", "ok@29865", "lead-off@36003", "ok@37443"],
		rejected: 3,
	});
});

// beats:hash:quality events of channel 0 with NaN before samples 1000, 200000, 200001, 400000 and the lead-off
// input set for samples 300000..300359.
const MITDB: Record<string, string> = {
	"100": "2262:152c28cf:6", "101": "1859:920098b2:6", "102": "2177:ea4080e7:6", "103": "2074:60778bf5:6",
	"104": "2208:dfd31efd:6", "105": "2582:65a312fb:6", "106": "2018:eee675e7:6", "107": "2125:3449844d:6",
	"108": "1770:e7db8bc7:6", "109": "2519:b039cbda:6", "111": "2113:34d8658e:6", "112": "2527:89bf7bfd:6",
	"113": "1787:f7b40d39:6", "114": "1873:ed56b07f:6", "115": "1945:79cfe526:6", "116": "2371:a829edd1:15",
	"117": "1528:2b007a57:6", "118": "2268:d6fe1e54:6", "119": "1978:1d4087df:6", "121": "1854:212cca5a:6",
	"122": "2465:d13a1e4f:6", "123": "1508:b3c8f0d8:6", "124": "1611:77102de1:6", "200": "2593:c2f0fe1d:6",
	"201": "1939:cc7fd6a5:6", "202": "2125:cdc1da0a:6", "203": "2931:55c2ecce:6", "205": "2642:7ce33ca6:6",
	"207": "2024:a253ec9c:6", "208": "2933:1f9a9a5a:6", "209": "2992:a5f21dbf:6", "210": "2633:15a35dbb:6",
	"212": "2736:6c71d546:6", "213": "3233:29077e75:6", "214": "2249:c460914a:6", "215": "3347:80049efe:6",
	"217": "2198:df3bcfb:6", "219": "2148:a82dce07:6", "220": "2036:cf0e96f4:6", "221": "2414:99dd1a3c:6",
	"222": "2473:ba2c072e:6", "223": "2593:aa382ec2:6", "228": "2047:f7067161:6", "230": "2246:1c44bae9:6",
	"231": "1565:e0f03d01:6", "232": "1780:35acf92a:6", "233": "3060:6d2e84b9:6", "234": "2740:8df54362:6",
};

mitdbTest("all 48 MIT-BIH records: digests pinned", async (t) => {
	const dir = await mitdbPath();
	const records = await listRecords(dir);
	t.deepEqual(records, Object.keys(MITDB));
	const found: Record<string, string> = {};
	for (const name of records) {
		const { signals } = await loadRecord(dir, name);
		const d = digestRun(signals[0] as Int16Array, CONFIG, [1000, 200000, 200001, 400000], [300000, 300360]);
		found[name] = `${d.beats}:${d.hash}:${d.events.length}`;
	}
	t.deepEqual(found, MITDB);
});
