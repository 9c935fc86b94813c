export { resolveConfig, type EcgConfig, type EcgSettings } from "./config.ts";
export type { BeatEvent, BeatListener, QualityEvent, QualityListener, QualityReason } from "./events.ts";
export { windowToMillivolts } from "./normalize.ts";
export { EcgPipeline } from "./pipeline.ts";
export { detectBeats, filterRecord, windowsAt, type WindowSet } from "./record.ts";
