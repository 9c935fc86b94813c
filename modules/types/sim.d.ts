// Globals of the desktop hosts that device modules may read (the Moddable build provides "mc/config" too).
declare module "mc/config" {
	const config: Record<string, unknown>;
	export default config;
}
declare module "time" {
	const Time: { readonly ticks: number; readonly microseconds?: number };
	export default Time;
}
/** Only in the embedded-default simulator (host/sim); entry points for tools and tests use it. */
declare const $sim: { exit(code: number): never; readonly args: string[] } | undefined;
