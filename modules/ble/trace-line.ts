// One GATT packet as a trace line, "@gatt <id> <hex>\n" (notification) or "@gatt-value <id> <hex>\n" (read
// value): how the simulators carry packets to the Node side and how a board mirrors them on its serial log.

const HEX: string[] = [];
for (let i = 0; i < 256; i++) HEX.push((i < 16 ? "0" : "") + i.toString(16));

export function gattTraceLine(value: boolean, id: number, bytes: Uint8Array, length: number): string {
	let line = (value ? "@gatt-value " : "@gatt ") + id + " ";
	for (let i = 0; i < length; i++) line += HEX[bytes[i]];
	return line + "\n";
}
