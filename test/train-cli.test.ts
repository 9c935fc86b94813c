// `hypertiny train` as a user meets it before any training: missing options and a python without torch give
// errors that say what to do.
import test from "ava";
import { trainCommand } from "../host/cli/train.ts";

test("train without --model or --out prints the usage", async (t) => {
	await t.throwsAsync(trainCommand(["--model", "hyper-lowrank"]), { message: /--model and --out are required[\s\S]*families: separable-int8/ });
	await t.throwsAsync(trainCommand(["--out", "x.htpw"]), { message: /--model and --out are required/ });
});

test("a python without torch is named with the Debian package to install", async (t) => {
	const saved = process.env.HYPERTINY_PYTHON;
	process.env.HYPERTINY_PYTHON = "/bin/false";
	try {
		await t.throwsAsync(trainCommand(["--model", "cnn-32k", "--out", "never.htpw"]), { message: /\/bin\/false cannot import torch[\s\S]*apt install python3-torch/ });
	} finally {
		if (saved === undefined) delete process.env.HYPERTINY_PYTHON;
		else process.env.HYPERTINY_PYTHON = saved;
	}
});
