/* Adapted from the Moddable SDK's xs/platforms/nrf52 (Copyright (c) 2016-2024 Moddable Tech, Inc., LGPL-3.0-or-later,
 * see host/sim/LICENSE-XS-LGPL-3.0.txt) by way of ../shared/m4kit/xs/platform: the XS platform layer for a bare
 * Cortex-M4F on QEMU's mps2-an386, without FreeRTOS or the nRF5 SDK. This file stays under the LGPL-3.0. */
#include "xsAll.h"
#include "xs.h"
#include "xsHosts.h"
#include "xsHost.h"
#include "mc.xs.h"

/* ---------- clock ---------- */
static uint32_t gVirtualMs = 0;
uint32_t m4_milliseconds(void) { return gVirtualMs; }
void m4_delay(uint32_t ms) { gVirtualMs += ms; }

/* ---------- console ---------- */
void fx_putc(void *refcon, char c) { if (c) putchar(c); }
void modLog_transmit(const char *msg) { fputs(msg, stdout); fputc('\n', stdout); }

/* ---------- machine ---------- */
void fxCreateMachinePlatform(txMachine* the) { modMachineTaskInit(the); }
void fxDeleteMachinePlatform(txMachine* the) { modMachineTaskUninit(the); }

void fxAbort(txMachine* the, int status)
{
	printf("XS abort: %s\n", fxAbortString(status));
	fflush(stdout);
	exit(100 + status);
}

/* ---------- messages (single task, FIFO list) ---------- */
typedef struct modMessageRecord modMessageRecord;
struct modMessageRecord {
	modMessageRecord *next;
	char *message;
	modMessageDeliver callback;
	void *refcon;
	uint16_t length;
};
static modMessageRecord *gQueueHead, *gQueueTail;

int modMessagePostToMachine(xsMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon)
{
	modMessageRecord *msg = c_malloc(sizeof(modMessageRecord));
	if (!msg) return -1;
	msg->next = NULL;
	msg->message = NULL;
	if (message && messageLength) {
		msg->message = c_malloc(messageLength);
		if (!msg->message) { c_free(msg); return -1; }
		c_memmove(msg->message, message, messageLength);
	}
	msg->length = messageLength;
	msg->callback = callback;
	msg->refcon = refcon;
	if (gQueueTail) gQueueTail->next = msg; else gQueueHead = msg;
	gQueueTail = msg;
	return 0;
}
int modMessagePostToMachineFromISR(xsMachine *the, modMessageDeliver callback, void *refcon)
{
	return modMessagePostToMachine(the, NULL, 0, callback, refcon);
}
/* returns 1 if any message was delivered */
int modMessageService(xsMachine *the, int maxDelayMS)
{
	int delivered = 0;
	while (gQueueHead) {
		modMessageRecord *msg = gQueueHead;
		gQueueHead = msg->next;
		if (!gQueueHead) gQueueTail = NULL;
		(msg->callback)(the, msg->refcon, (uint8_t *)msg->message, msg->length);
		if (msg->message) c_free(msg->message);
		c_free(msg);
		delivered = 1;
	}
	if (!delivered && (maxDelayMS > 0))
		gVirtualMs += maxDelayMS;		/* idle: jump the virtual clock to the next timer */
	return delivered;
}
int modMessagePending(void) { return NULL != gQueueHead; }
/* Delivers the oldest message only (main.c counts each delivery as its own region). */
int modMessageServiceOne(xsMachine *the)
{
	modMessageRecord *msg = gQueueHead;
	if (!msg) return 0;
	gQueueHead = msg->next;
	if (!gQueueHead) gQueueTail = NULL;
	(msg->callback)(the, msg->refcon, (uint8_t *)msg->message, msg->length);
	if (msg->message) c_free(msg->message);
	c_free(msg);
	return 1;
}
void modMachineTaskInit(xsMachine *the) { the->task = (void *)1; }
void modMachineTaskUninit(xsMachine *the) { }
void modMachineTaskWait(xsMachine *the) { }
void modMachineTaskWake(xsMachine *the) { }

static void doRunPromiseJobs(void *machine, void *refcon, uint8_t *message, uint16_t messageLength)
{
	fxRunPromiseJobs((txMachine *)machine);
}
void fxQueuePromiseJobs(txMachine* the)
{
	modMessagePostToMachine(the, NULL, 0, doRunPromiseJobs, NULL);
}

/* ---------- date/time (from nrf52 xsHost.c, trimmed) ---------- */
static int32_t gTimeZoneOffset = 0;
static int16_t gDaylightSavings = 0;
static uint32_t gTimeOfDayOffset = 0;
static modTm gTM;
static const uint8_t gDaysInMonth[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
#define isLeapYear(YEAR) (!(YEAR % 4) && ((YEAR % 100) || !(YEAR % 400)))
static int getDOY(int year, int month, int day) {
	int dayCount[] = {0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334};
	int dayOfYear = dayCount[month] + day;
	if (month > 1 && isLeapYear(year)) dayOfYear++;
	return dayOfYear - 1;
}
struct modTm *modGmTime(const modTime_t *timep)
{
	uint32_t t = *timep;
	int days = 0;
	gTM.tm_sec = t % 60; t /= 60;
	gTM.tm_min = t % 60; t /= 60;
	gTM.tm_hour = t % 24; t /= 24;
	gTM.tm_wday = (t + 4) % 7;
	gTM.tm_year = 1970;
	while (true) {
		int daysInYear = 365 + (isLeapYear(gTM.tm_year) ? 1 : 0);
		if ((days + daysInYear) > t) break;
		gTM.tm_year += 1;
		days += daysInYear;
	}
	t -= days;
	gTM.tm_yday = t;
	for (gTM.tm_mon = 0; gTM.tm_mon < 12; gTM.tm_mon++) {
		uint8_t daysInMonth = gDaysInMonth[gTM.tm_mon];
		if ((1 == gTM.tm_mon) && isLeapYear(gTM.tm_year)) daysInMonth = 29;
		if (t < daysInMonth) break;
		t -= daysInMonth;
	}
	gTM.tm_mday = t + 1;
	gTM.tm_year -= 1900;
	return &gTM;
}
struct modTm *modLocalTime(const modTime_t *timep)
{
	modTime_t t = *timep + gTimeZoneOffset + gDaylightSavings;
	return modGmTime(&t);
}
modTime_t modMkTime(struct modTm *tm)
{
	modTime_t t;
	uint16_t yday = getDOY(tm->tm_year + 1900, tm->tm_mon, tm->tm_mday);
	t = tm->tm_sec + (tm->tm_min * 60) + (tm->tm_hour * 3600) + (yday * 86400)
		+ ((tm->tm_year-70) * 31536000) + (((tm->tm_year-69)/4) * 86400)
		- (((tm->tm_year-1)/100) * 86400) + (((tm->tm_year+299)/400)*86400);
	return t - (gTimeZoneOffset + gDaylightSavings);
}
void modStrfTime(char *s, size_t max, const char *format, const struct modTm *tm) { if (max) *s = 0; }
void modGetTimeOfDay(struct modTimeVal *tv, struct modTimeZone *tz)
{
	uint32_t ms = modMilliseconds();
	if (tv) { tv->tv_sec = (ms / 1000) + gTimeOfDayOffset; tv->tv_usec = (ms % 1000) * 1000; }
}
void modSetTime(uint32_t seconds) { gTimeOfDayOffset = seconds - (modMilliseconds() / 1000); }
void modSetTimeZone(int32_t o) { gTimeZoneOffset = o; }
int32_t modGetTimeZone(void) { return gTimeZoneOffset; }
void modSetDaylightSavingsOffset(int32_t d) { gDaylightSavings = d; }
int32_t modGetDaylightSavingsOffset(void) { return gDaylightSavings; }

/* ---------- unaligned big-endian reads ---------- */
uint16_t espRead16be(const void *addr) { const uint8_t *p = addr; return (p[0] << 8) | p[1]; }
uint32_t espRead32be(const void *addr) { const uint8_t *p = addr; return ((uint32_t)p[0] << 24) | (p[1] << 16) | (p[2] << 8) | p[3]; }
