// The hypertiny ECG monitor: live beat classification with a generated-weights model, reported over BLE.
/// <reference path="../node_modules/@moddable/typings/mc/config.d.ts" />
import config from "mc/config";
import { startApp } from "./app/start.ts";

startApp(config);
