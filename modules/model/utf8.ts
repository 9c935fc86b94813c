// A small UTF-8 decoder (the device has no TextDecoder). Malformed sequences decode to U+FFFD.

export function decodeUtf8(bytes: Uint8Array): string {
	let out = "";
	let i = 0;
	while (i < bytes.length) {
		const b = bytes[i++];
		let cp = 0xfffd;
		let need = 0;
		let min = 0;
		if (b < 0x80) cp = b;
		else if (b >= 0xc2 && b < 0xe0) { cp = b & 0x1f; need = 1; min = 0x80; }
		else if (b >= 0xe0 && b < 0xf0) { cp = b & 0x0f; need = 2; min = 0x800; }
		else if (b >= 0xf0 && b < 0xf5) { cp = b & 0x07; need = 3; min = 0x10000; }
		let ok = true;
		for (let k = 0; k < need; k++) {
			const c = bytes[i];
			if (i >= bytes.length || (c & 0xc0) !== 0x80) { ok = false; break; }
			cp = (cp << 6) | (c & 0x3f);
			i++;
		}
		if (!ok || (need > 0 && (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)))) cp = 0xfffd;
		out += String.fromCodePoint(cp);
	}
	return out;
}
