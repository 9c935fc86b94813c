// The device app in the embedded-default simulator: modules/main.ts's wiring with the "sim" platform's input
// (record playback) and BLE link (trace frames), as modules/app/manifest.json maps them (rollup.config.mjs).
import config from "mc/config";
import { startApp } from "../../../modules/app/start.ts";
// Only puts the sim platform's modules into the TypeScript program the bundler compiles (type imports vanish);
// which module serves "app/input" and "ble/transport" is the manifest's choice.
import type {} from "../../../modules/app/playback-input.ts";
import type {} from "../../../modules/ble/trace-transport.ts";

startApp(config);
