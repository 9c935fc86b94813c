// META's JSON (docs/FORMAT.md §6) as every reader of a blob takes it: the host's TypeScript reader (reader.ts) and
// the device, which reads the rest of a model through the C core (modules/runtime/native-model.ts).

/** META parsed as JSON; null when it is not a JSON object (the validator does not judge META). */
export function parseMeta(text: string): any {
	try {
		const value = JSON.parse(text);
		return value !== null && typeof value === "object" && !Array.isArray(value) ? value : null;
	} catch {
		return null;
	}
}
