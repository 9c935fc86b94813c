/* The emulated board's digital pins (pins/digital's natives): the ECG front end's lead-off outputs
 * (config.leadOffPlusPin / leadOffMinusPin) read 0, electrodes on, as during the recording; so does every
 * other input. Everything but the static read throws. */
#include "xsmc.h"
#include "xsHost.h"
#include "mc.xs.h"

static void unsupported(xsMachine *the, const char *what)
{
	xsUnknownError("board digital: %s is not emulated", what);
}

void xs_digital_static_read(xsMachine *the)
{
	int pin = xsmcToInteger(xsArg(0));
	if (pin < 0 || pin > 47)
		xsRangeError("board digital: no pin %d", pin);
	xsmcSetInteger(xsResult, 0);
}

void xs_digital_destructor(void *data) { (void)data; }
void xs_digital(xsMachine *the) { unsupported(the, "new Digital()"); }
void xs_digital_static_write(xsMachine *the) { unsupported(the, "Digital.write"); }
void xs_digital_close(xsMachine *the) { unsupported(the, "close"); }
void xs_digital_mode(xsMachine *the) { unsupported(the, "mode"); }
void xs_digital_read(xsMachine *the) { unsupported(the, "read"); }
void xs_digital_write(xsMachine *the) { unsupported(the, "write"); }
void xs_digital_monitor_destructor(void *data) { (void)data; }
void xs_digital_monitor(xsMachine *the) { unsupported(the, "Monitor"); }
void xs_digital_monitor_close(xsMachine *the) { unsupported(the, "Monitor"); }
void xs_digital_monitor_read(xsMachine *the) { unsupported(the, "Monitor"); }
void xs_digital_monitor_get_rises(xsMachine *the) { unsupported(the, "Monitor"); }
void xs_digital_monitor_get_falls(xsMachine *the) { unsupported(the, "Monitor"); }
void xs_digital_monitor_get_pwm_duty(xsMachine *the) { unsupported(the, "Monitor"); }
void xs_digital_monitor_get_pwm_freq(xsMachine *the) { unsupported(the, "Monitor"); }
