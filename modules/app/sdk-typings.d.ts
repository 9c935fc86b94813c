// The SDK typings the app's board modules use, for `npm run typecheck` only (modules/tsconfig.json includes
// every file here). mcconfig brings its own copy of these typings: referencing them from the modules
// themselves would declare them twice in a real build.
/// <reference path="../../node_modules/@moddable/typings/mc/config.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/pins/digital.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/ble/btutils.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/ble/gap.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/ble/gatt.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/ble/sm.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/ble/connection.d.ts" />
/// <reference path="../../node_modules/@moddable/typings/ble/bleserver.d.ts" />
