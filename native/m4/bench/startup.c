/* Bare-metal start-up under nrf52840.ld: the core reads the initial SP and the reset PC from the vector table
 * at 0x0; the reset handler turns the FPU on (hard-float code faults otherwise), copies .data from flash,
 * zeroes .bss, paints the unused stack (stack_used_bytes measures the high-water mark), runs main and exits
 * QEMU with main's return value over semihosting. No C library start-up. */
#include <stdint.h>

#include "report.h"
#include "semihost.h"

extern uint32_t __data_start[], __data_end[], __data_load[], __bss_start[], __bss_end[], __stack_bottom[],
	__stack_top[];

#define STACK_PAINT 0x5AC4C0DEu

int main(void);
void ht_bare_reset(void);
void ht_bare_fault(void);

void ht_bare_reset(void)
{
	volatile uint32_t *cpacr = (volatile uint32_t *)0xE000ED88u;
	*cpacr |= 0xFu << 20; /* CP10, CP11: full access */
	__asm volatile("dsb\n\tisb" ::: "memory");
	for (uint32_t *src = __data_load, *dst = __data_start; dst < __data_end;)
		*dst++ = *src++;
	for (uint32_t *dst = __bss_start; dst < __bss_end;)
		*dst++ = 0;
	uintptr_t sp;
	__asm volatile("mov %0, sp" : "=r"(sp));
	for (volatile uint32_t *p = __stack_bottom; (uintptr_t)p < sp - 64u;) /* below this frame */
		*p++ = STACK_PAINT;
	ht_sh_exit(main());
}

uint32_t stack_used_bytes(void)
{
	const uint32_t *p = __stack_bottom;
	while (p < __stack_top && *p == STACK_PAINT)
		p++;
	return (uint32_t)((uintptr_t)__stack_top - (uintptr_t)p);
}

void ht_bare_fault(void)
{
	ht_sh_write("*** fault\n");
	ht_sh_exit(70);
}

typedef void (*ht_bare_handler)(void);

__attribute__((section(".vectors"), used)) const ht_bare_handler ht_bare_vectors[16] = {
	(ht_bare_handler)(uintptr_t)__stack_top,
	ht_bare_reset,
	ht_bare_fault, /* NMI */
	ht_bare_fault, /* HardFault */
	ht_bare_fault, /* MemManage */
	ht_bare_fault, /* BusFault */
	ht_bare_fault, /* UsageFault */
	0,
	0,
	0,
	0,
	ht_bare_fault, /* SVC */
	ht_bare_fault, /* DebugMon */
	0,
	ht_bare_fault, /* PendSV */
	ht_bare_fault, /* SysTick */
};
