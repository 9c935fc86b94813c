#include <stdint.h>

#include "semihost.h"

enum { SYS_WRITE0 = 0x04, SYS_EXIT_EXTENDED = 0x20 };
#define ADP_STOPPED_APPLICATION_EXIT 0x20026u

static uint32_t semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm("r0") = op;
	register const void *r1 __asm("r1") = arg;
	__asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

void ht_sh_write(const char *text)
{
	semihost(SYS_WRITE0, text);
}

/* SYS_EXIT_EXTENDED carries the status (plain SYS_EXIT cannot on 32-bit targets). */
void ht_sh_exit(int status)
{
	const uint32_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uint32_t)status};
	semihost(SYS_EXIT_EXTENDED, block);
	for (;;) {
	}
}
