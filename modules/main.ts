// The hypertiny ECG monitor: live beat classification with a generated-weights model, reported over BLE.
import config from "mc/config";
import { startApp } from "./app/start.ts";

startApp(config);
