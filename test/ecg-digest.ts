// A fingerprint of everything EcgPipeline delivers for a record, computed the same way in Node and in the XS
// simulator (this file is bundled into the simulator script too, so it uses nothing but ECMAScript).
import type { EcgConfig } from "../modules/ecg/config.ts";
import { EcgPipeline } from "../modules/ecg/pipeline.ts";

export interface Digest {
	beats: number;
	hash: string;
	events: string[];
	rejected: number;
}

/** Streams `samples`, pushing NaN before each index in `nanBefore` and toggling lead-off at `leadOffToggles`. */
export function digestRun(samples: Int16Array, config: EcgConfig, nanBefore: number[], leadOffToggles: number[]): Digest {
	let hash = 0x811c9dc5 | 0;
	const mix = (v: number) => {
		hash = Math.imul(hash ^ (v | 0), 16777619);
	};
	let beats = 0;
	const events: string[] = [];
	const pipeline = new EcgPipeline(
		config,
		(b) => {
			beats++;
			mix(b.sampleIndex);
			mix(b.rrPrevious);
			mix(b.rrNext);
			mix(b.heartRate);
			for (let i = 0; i < b.window.length; i++) mix(b.window[i]);
		},
		(e) => {
			events.push(`${e.reason}@${e.sampleIndex}`);
		},
	);
	let leadOff = false;
	for (let i = 0; i < samples.length; i++) {
		if (nanBefore.indexOf(i) >= 0) pipeline.push(NaN);
		if (leadOffToggles.indexOf(i) >= 0) pipeline.setLeadOff((leadOff = !leadOff));
		pipeline.push(samples[i]);
	}
	pipeline.flush();
	return { beats, hash: (hash >>> 0).toString(16), events, rejected: pipeline.rejectedSamples };
}
