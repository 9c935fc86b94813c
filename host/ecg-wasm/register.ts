// Side effect: native() answers the ECG pipeline's host functions in this Node process (see native.ts).
// Loaded first by the ava tests (package.json ava.nodeArguments) and the hypertiny CLI (bin/hypertiny.js).
import { installEcgNatives } from "./native.ts";

installEcgNatives();
