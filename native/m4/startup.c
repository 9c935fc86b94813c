/* Bare-metal start-up for QEMU's mps2-an386 (Cortex-M4F), used with newlib's rdimon (semihosting).
 * The core reads the initial SP and the reset PC from the vector table at address 0 (placed there with
 * -Wl,--section-start=.vectors=0x0); the reset handler turns the FPU on (hard-float code faults
 * otherwise) and enters rdimon's crt0 (_start), which sets up stack, heap and argv over semihosting
 * and calls main. A fault reports itself over semihosting and stops QEMU with a failure status. */
#include <stdint.h>

extern void _start(void);

void ht_m4_reset(void);
void ht_m4_fault(void);
void ht_m4_unexpected(void);

enum { SEMI_WRITE0 = 0x04, SEMI_EXIT = 0x18 };
#define ADP_STOPPED_RUNTIME_ERROR 0x20023u
#define RAM_TOP 0x20400000u /* end of the 4 MiB SRAM at 0x20000000 */

static uint32_t semihost(uint32_t op, const void *arg)
{
	register uint32_t r0 __asm("r0") = op;
	register const void *r1 __asm("r1") = arg;
	__asm volatile("bkpt 0xAB" : "+r"(r0) : "r"(r1) : "memory");
	return r0;
}

static void stop_with(const char *msg)
{
	semihost(SEMI_WRITE0, msg);
	semihost(SEMI_EXIT, (const void *)ADP_STOPPED_RUNTIME_ERROR);
	for (;;) {
	}
}

void ht_m4_fault(void)
{
	stop_with("*** fault (hard/mem/bus/usage)\n");
}

void ht_m4_unexpected(void)
{
	stop_with("*** unexpected exception\n");
}

__attribute__((naked, noreturn)) void ht_m4_reset(void)
{
	__asm volatile("ldr r0, =0xE000ED88\n" /* CPACR */
	               "ldr r1, [r0]\n"
	               "orr r1, r1, #(0xF << 20)\n" /* CP10, CP11: full access */
	               "str r1, [r0]\n"
	               "dsb\n"
	               "isb\n"
	               "b _start\n");
}

typedef void (*ht_m4_handler)(void);

__attribute__((section(".vectors"), used)) const ht_m4_handler ht_m4_vectors[16] = {
	(ht_m4_handler)RAM_TOP, /* initial SP */
	ht_m4_reset,
	ht_m4_unexpected, /* NMI */
	ht_m4_fault,      /* HardFault */
	ht_m4_fault,      /* MemManage */
	ht_m4_fault,      /* BusFault */
	ht_m4_fault,      /* UsageFault */
	0,
	0,
	0,
	0,
	ht_m4_unexpected, /* SVC */
	ht_m4_unexpected, /* DebugMon */
	0,
	ht_m4_unexpected, /* PendSV */
	ht_m4_unexpected, /* SysTick */
};
