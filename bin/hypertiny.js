#!/usr/bin/env node
// The `hypertiny` command: host tools are TypeScript, loaded through tsx.
import { register } from "tsx/esm/api";

register();
await import("../host/ecg-wasm/register.ts"); // native() for modules/ecg: the C pipeline as WebAssembly
const { main } = await import("../host/cli/main.ts");
process.exitCode = await main(process.argv.slice(2));
