// Modules each platform maps to its own implementation in modules/app/manifest.json ("platforms").
declare module "ble/transport" {
	type BleTransport = import("./transport-api.ts").BleTransport;
	const PlatformTransport: new (options: { deviceName: string; traceGatt?: boolean; linkEncrypted?: boolean }) => BleTransport;
	export default PlatformTransport;
}

declare module "app/input" {
	type EcgInput = import("../app/input-api.ts").EcgInput;
	const PlatformInput: new (config: Record<string, unknown>) => EcgInput;
	export default PlatformInput;
}
