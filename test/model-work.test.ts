// MAC counts of a packed model (modules/model/work.ts): nominal per op, and what the device executes for a beat,
// whose first convolution runs on the ECG lead only (native/src/ht_conv1d.c).
import test from "ava";
import { readModel } from "../modules/model/index.ts";
import { OP_CONV1D } from "../modules/model/format.ts";
import { opExecutedMacs, opMacs } from "../modules/model/work.ts";
import { featureModel } from "./feature-model.ts";

const FEATURES = ["rr_pre_ratio", "rr_post_ratio", "rr_local_s", "tpl_corr", "tpl_rdiff"];

test("a beat model's first convolution counts its lead and the features' tap sums; every other op as nominal", (t) => {
	const m = readModel(featureModel(1 + FEATURES.length, FEATURES).slice().buffer);
	const stem = m.ops[0];
	t.is(stem.opcode, OP_CONV1D);
	t.is(stem.in0, m.inputTensor);
	const out = m.tensors[stem.out];
	t.is(opMacs(m, 0), out.length * out.channels * stem.k * 6);
	t.is(opExecutedMacs(m, 0), out.length * out.channels * stem.k + out.channels * stem.k * 5);
	for (let i = 1; i < m.ops.length; i++) t.is(opExecutedMacs(m, i), opMacs(m, i));
});

test("without META.features every op executes its nominal MACs", (t) => {
	const m = readModel(featureModel(1, undefined).slice().buffer);
	for (let i = 0; i < m.ops.length; i++) t.is(opExecutedMacs(m, i), opMacs(m, i));
});
