import test from "ava";
import { readFileSync } from "node:fs";
import { readModel } from "../modules/model/reader.ts";
import { runChecksum, Xorshift32 } from "../host/pack/checksum.ts";
import { randomModelBlob } from "../host/pack/random-model.ts";

function fixture(path: string): Uint8Array {
	const data = readFileSync(new URL(path, import.meta.url));
	const out = new Uint8Array(data.byteLength);
	out.set(data);
	return out;
}

test("xorshift32 (13, 17, 5) from seed 1", (t) => {
	const rng = new Xorshift32(1);
	t.deepEqual([rng.next(), rng.next(), rng.next(), rng.next()], [270369, 67634689, 2647435461, 307599695]);
	t.deepEqual([...new Xorshift32(1).fill(new Int8Array(3))], [0x21, 0x01, -59]); // low bytes 0x21, 0x01, 0xc5
	t.throws(() => new Xorshift32(0));
	t.throws(() => new Xorshift32(2 ** 32));
});

test("windows continue one stream: two windows of n bytes equal one fill of 2n", (t) => {
	const a = new Xorshift32(99);
	const one = [...a.fill(new Int8Array(5)), ...a.fill(new Int8Array(5))];
	t.deepEqual(one, [...new Xorshift32(99).fill(new Int8Array(10))]);
});

test("checksums are deterministic and identical under boot and lazy", (t) => {
	for (let seed = 1; seed <= 8; seed++) {
		const m = readModel(randomModelBlob(seed, seed % 2 ? { forceAllBits: true } : {}));
		const boot = runChecksum(m, { seed: 7, windows: 3, policy: "boot" });
		const lazy = runChecksum(m, { seed: 7, windows: 3, policy: "lazy" });
		t.is(lazy.crc, boot.crc);
		t.is(runChecksum(m, { seed: 7, windows: 3, policy: "boot" }).crc, boot.crc);
		t.not(runChecksum(m, { seed: 8, windows: 3, policy: "boot" }).crc, boot.crc);
	}
});

test("the fixture's golden checksum (pinned; the C core's htrun gives the same)", (t) => {
	const m = readModel(fixture("fixtures/tiny-hyper.htpw"));
	t.is(runChecksum(m, { seed: 1, windows: 16, policy: "boot" }).crc.toString(16).padStart(8, "0"), GOLDEN_FIXTURE_CRC);
	t.is(runChecksum(m, { seed: 1, windows: 16, policy: "lazy" }).crc.toString(16).padStart(8, "0"), GOLDEN_FIXTURE_CRC);
});

const GOLDEN_FIXTURE_CRC = "67580b67";
