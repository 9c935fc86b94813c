// XS's Native API (docs: "XS in C", section Native): xsc compiles these to host calls; the embedded-default
// simulator (host/sim) provides them as globals.
declare function native(name: string): (...args: any[]) => any;
declare function Native(name: string): { new (...args: any[]): object };
