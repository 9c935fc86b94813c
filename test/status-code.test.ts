// The reader's status code as modules/app/packed-model.ts reads it out of a C reader message, without a regular expression.
import test from "ava";
import { statusCode } from "../modules/runtime/native-model.ts";

test("the first (digits) of a reader message is its status code", (t) => {
	t.is(statusCode("htpw CRC (7): blob checksum mismatch"), 7);
	t.is(statusCode("htpw ARGUMENT (20): op 3 (layer 1) failed"), 20);
	t.is(statusCode("no code (here) but (12) later"), 12);
	t.is(statusCode("htpw TRUNCATED (): nothing"), -1);
	t.is(statusCode("(3"), -1);
	t.is(statusCode(""), -1);
});
