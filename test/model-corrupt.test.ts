import test from "ava";
import { readModel } from "../modules/model/reader.ts";
import { HtError } from "../modules/model/errors.ts";
import { HT_E_GENERATOR, statusName } from "../modules/model/format.ts";
import { corruptions, flipBit, truncate } from "../host/pack/corrupt.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";
import { Rng } from "../host/pack/rng.ts";

const ALL = { forceAllBits: true, forceResidual: true, forceStride2: true };

function statusOf(blob: Uint8Array): number {
	try {
		readModel(blob);
		return 0;
	} catch (error) {
		if (!(error instanceof HtError)) throw error;
		return error.code;
	}
}

for (const [seed, version] of [[1, 1], [2, 1], [3, 1], [1, 2], [4, 2]] as const) {
	test(`every corruption class of random model ${seed} (format version ${version}) fails with its own status`, (t) => {
		const blob = randomModelBlob(seed, { ...ALL, version });
		t.is(statusOf(blob), 0);
		const seen = new Set<number>();
		for (const c of corruptions(blob)) {
			const got = statusOf(c.blob);
			t.is(statusName(got), statusName(c.code), c.name);
			seen.add(got);
		}
		// Every validation status 1..18 is reached (19 SYNTH_RANGE and 20 ARGUMENT are not validation failures).
		for (let code = 1; code <= HT_E_GENERATOR; code++) {
			t.true(seen.has(code), `no corruption reached ${statusName(code)}`);
		}
	});
}

test("readModel throws nothing but HtError on random bit flips and truncations", (t) => {
	let failures = 0;
	let checked = 0;
	for (let seed = 1; seed <= 12; seed++) {
		const blob = randomModelBlob(seed, seed % 2 ? ALL : { version: seed % 4 === 0 ? 2 : 1 });
		const rng = new Rng(seed * 31);
		const trials: Uint8Array[] = [];
		for (let i = 0; i < 40; i++) trials.push(flipBit(blob, rng.int(0, blob.length * 8 - 1), true));
		for (let i = 0; i < 10; i++) trials.push(flipBit(blob, rng.int(0, blob.length * 8 - 1), false));
		for (let i = 0; i < 10; i++) trials.push(truncate(blob, rng.int(0, blob.length - 1)));
		for (let i = 0; i < 10; i++) {
			// several flips at once, then re-CRC: reaches deeper checks with stranger values
			let b = blob;
			for (let k = 0; k < 4; k++) b = flipBit(b, rng.int(0, blob.length * 8 - 1), k === 3);
			trials.push(b);
		}
		for (const b of trials) {
			checked++;
			try {
				readModel(b);
			} catch (error) {
				if (!(error instanceof HtError)) {
					failures++;
					t.log(`seed ${seed}: ${String(error)}`);
				}
			}
		}
	}
	t.is(failures, 0);
	t.true(checked >= 800);
});
