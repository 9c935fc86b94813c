// Reading the app's config (mc/config): manifest values are typed JSON, mcconfig's command-line overrides are strings.

export function configFlag(config: Record<string, unknown>, key: string, fallback: boolean): boolean {
	const v = config[key];
	if (v === undefined) return fallback;
	if (v === true || v === "true") return true;
	if (v === false || v === "false") return false;
	throw new RangeError(`config.${key} must be true or false, got ${String(v)}`);
}
