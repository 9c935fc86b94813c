/* The emulated board's BLE stack: a recording mock of the natives under Moddable's BLEServer
 * (modules/network/ble/bleserver.js), where the nRF52's SoftDevice glue (nrf52/modBLEServer.c) sits. The app's
 * own BLE server (modules/ble/server-transport.ts) runs unchanged above it. One client connects as soon as the
 * app advertises, has the link encrypted at once (a bonded central: the SDK's onAuthenticated, without which the app
 * notifies nothing) and enables every notification the services offer; each notification is copied into a log
 * (as the SoftDevice copies it into its queue) with the tick it was sent in, and printed after the counted run.
 * The characteristics come from bleservices/*.json through m4app_gatt.h, written by host/m4app at build time. */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"
#include "m4app_gatt.h"
#include "../platform/marks.h"

enum { LOG_BYTES = 256 * 1024, ENTRY_HEADER = 6 };

static xsSlot gServer;
static int gHaveServer, gAdvertising, gConnected, gLogFull;
static uint8_t gLog[LOG_BYTES];
static uint32_t gLogUsed;

static const uint8_t kClientAddress[6] = {0x11, 0x22, 0x33, 0x44, 0x55, 0x66};

static void callback(xsMachine *the, const char *event, int withOptions, int index)
{
	xsBeginHost(the);
	xsmcVars(2);
	if (!withOptions) {
		xsCall1(gServer, xsID_callback, xsString(event));
	} else {
		xsmcSetNewObject(xsVar(0));
		if (index < 0) {
			xsmcSetArrayBuffer(xsVar(1), (void *)kClientAddress, sizeof(kClientAddress));
			xsmcSet(xsVar(0), xsID_address, xsVar(1));
			xsmcSetInteger(xsVar(1), 0);
			xsmcSet(xsVar(0), xsID_addressType, xsVar(1));
			xsmcSetInteger(xsVar(1), 1);
			xsmcSet(xsVar(0), xsID_connection, xsVar(1));
		} else {
			xsmcSetInteger(xsVar(1), index + 1);
			xsmcSet(xsVar(0), xsID_handle, xsVar(1));
			xsmcSetString(xsVar(1), (char *)m4app_characteristics[index].name);
			xsmcSet(xsVar(0), xsID_name, xsVar(1));
			xsmcSetString(xsVar(1), (char *)m4app_characteristics[index].type);
			xsmcSet(xsVar(0), xsID_type, xsVar(1));
			xsmcSetInteger(xsVar(1), 1);
			xsmcSet(xsVar(0), xsID_notify, xsVar(1));
		}
		xsCall2(gServer, xsID_callback, xsString(event), xsVar(0));
	}
	xsEndHost(the);
}

static void deliver_ready(void *the, void *refcon, uint8_t *message, uint16_t length)
{
	callback(the, "onReady", 0, 0);
}

static void deliver_connect(void *the, void *refcon, uint8_t *message, uint16_t length)
{
	if (gConnected || !gAdvertising)
		return;
	gConnected = 1;
	callback(the, "onConnected", 1, -1);
}

static void deliver_authenticated(void *the, void *refcon, uint8_t *message, uint16_t length)
{
	if (!gConnected)
		return;
	xsBeginHost(the);
	xsmcVars(2);
	xsmcSetNewObject(xsVar(0));
	xsmcSetBoolean(xsVar(1), 1);
	xsmcSet(xsVar(0), xsID_bonded, xsVar(1));
	xsCall2(gServer, xsID_callback, xsString("onAuthenticated"), xsVar(0));
	xsEndHost(the);
}

static void deliver_subscribe(void *the, void *refcon, uint8_t *message, uint16_t length)
{
	int index = (int)(uintptr_t)refcon;
	if (gConnected)
		callback(the, "onCharacteristicNotifyEnabled", 1, index);
}

void xs_ble_server_initialize(xsMachine *the)
{
	if (gHaveServer)
		xsUnknownError("board ble: one BLEServer at a time");
	gServer = xsThis;
	xsRemember(gServer);
	gHaveServer = 1;
	modMessagePostToMachine(the, NULL, 0, deliver_ready, NULL);
}

void xs_ble_server_start_advertising(xsMachine *the)
{
	gAdvertising = 1;
	if (gConnected)
		return;
	modMessagePostToMachine(the, NULL, 0, deliver_connect, NULL);
	modMessagePostToMachine(the, NULL, 0, deliver_authenticated, NULL);
	for (int i = 0; i < M4APP_CHARACTERISTICS; i++)
		if (m4app_characteristics[i].notify)
			modMessagePostToMachine(the, NULL, 0, deliver_subscribe, (void *)(uintptr_t)i);
}

void xs_ble_server_stop_advertising(xsMachine *the)
{
	gAdvertising = 0;
}

void xs_ble_server_characteristic_notify_value(xsMachine *the)
{
	int handle = xsmcToInteger(xsArg(0));
	if (handle < 1 || handle > M4APP_CHARACTERISTICS || !m4app_characteristics[handle - 1].notify)
		xsRangeError("board ble: no notifying characteristic with handle %d", handle);
	if (!gConnected)
		xsUnknownError("board ble: notify without a connection");
	xsUnsignedValue length;
	void *bytes;
	xsmcGetBufferReadable(xsArg(2), &bytes, &length);
	if (length > M4APP_MAX_VALUE)
		xsRangeError("board ble: a %u-byte notification exceeds %d bytes", (unsigned)length, M4APP_MAX_VALUE);
	if (gLogUsed + ENTRY_HEADER + length > LOG_BYTES) {
		gLogFull = 1;
		return;
	}
	uint8_t *entry = gLog + gLogUsed;
	entry[0] = m4app_tick;
	entry[1] = m4app_tick >> 8;
	entry[2] = m4app_tick >> 16;
	entry[3] = m4app_tick >> 24;
	entry[4] = handle;
	entry[5] = length;
	c_memcpy(entry + ENTRY_HEADER, bytes, length);
	gLogUsed += ENTRY_HEADER + length;
}

/* "@ble <tick> <characteristic name> <hex bytes>" per notification, in the order they were sent. */
void m4app_ble_dump(void)
{
	for (uint32_t at = 0; at < gLogUsed;) {
		const uint8_t *entry = gLog + at;
		uint32_t tick = entry[0] | (entry[1] << 8) | (entry[2] << 16) | ((uint32_t)entry[3] << 24);
		printf("@ble %u %s ", (unsigned)tick, m4app_characteristics[entry[4] - 1].name);
		for (int i = 0; i < entry[5]; i++)
			printf("%02x", entry[ENTRY_HEADER + i]);
		printf("\n");
		at += ENTRY_HEADER + entry[5];
	}
	if (gLogFull)
		printf("@error ble log full after %u bytes\n", (unsigned)gLogUsed);
}

void xs_ble_server_destructor(void *data)
{
	(void)data;
}

void xs_ble_server_close(xsMachine *the)
{
	if (gHaveServer)
		xsForget(gServer);
	gHaveServer = gConnected = gAdvertising = 0;
}

void xs_ble_server_get_local_address(xsMachine *the)
{
	static const uint8_t address[6] = {0x01, 0x02, 0x03, 0x04, 0x05, 0x06};
	xsmcSetArrayBuffer(xsResult, (void *)address, sizeof(address));
}

void xs_ble_server_set_device_name(xsMachine *the) {}
void xs_ble_server_set_security_parameters(xsMachine *the) {}
void xs_ble_server_deploy(xsMachine *the) {}
void xs_ble_server_get_service_attributes(xsMachine *the) {}
void xs_ble_server_disconnect(xsMachine *the) { xsUnknownError("board ble: disconnect is not emulated"); }
void xs_ble_server_passkey_input(xsMachine *the) { xsUnknownError("board ble: passkeys are not emulated"); }
void xs_ble_server_passkey_reply(xsMachine *the) { xsUnknownError("board ble: passkeys are not emulated"); }
