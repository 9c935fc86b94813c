// Timer, Time and Resource as device code sees them on Moddable (modules/base/timer/timer.js,
// modules/base/time/time.js, modules/files/resource/Resource.js): thin classes over native().
// build.mjs embeds this file in hypertiny-sim; it runs before the bundle.
(function () {
	"use strict";
	class Timer {
		static set(...args) { return native("xs_timer_set").call(this, ...args); }
		static repeat(...args) { return native("xs_timer_repeat").call(this, ...args); }
		static schedule(...args) { return native("xs_timer_schedule").call(this, ...args); }
		static clear(...args) { return native("xs_timer_clear").call(this, ...args); }
		static delay(...args) { return native("xs_timer_delay").call(this, ...args); }
	}
	class Time {
		static get ticks() { return native("xs_time_ticks").call(this); }
		static get microseconds() { return native("xs_time_microseconds").call(this); }
		static delta(...args) { return native("xs_time_delta").call(this, ...args); }
	}
	class Resource extends Native("Resource_destructor") {
		constructor(path) { super(); native("Resource_constructor").call(this, path); }
		static exists(path) { return native("Resource_exists").call(this, path); }
		get byteLength() { return native("Resource_get_byteLength").call(this); }
		slice(...args) { return native("Resource_slice").call(this, ...args); }
	}
	// Preloaded modules are frozen on a device.
	function freezeDeep(value) {
		if (value === null || (typeof value !== "object" && typeof value !== "function") || Object.isFrozen(value))
			return;
		Object.freeze(value);
		for (const key of Reflect.ownKeys(value)) {
			const property = Object.getOwnPropertyDescriptor(value, key);
			if ("value" in property) freezeDeep(property.value);
		}
	}
	for (const c of [Timer, Time, Resource]) {
		freezeDeep(c);
		Object.defineProperty(globalThis, c.name, { value: c, writable: true, configurable: true });
	}
	freezeDeep(globalThis.__mcconfig);
})();
