/* Adapted from the Moddable SDK's xs/platforms/nrf52 (Copyright (c) 2016-2024 Moddable Tech, Inc., LGPL-3.0-or-later,
 * see host/sim/LICENSE-XS-LGPL-3.0.txt) by way of ../shared/m4kit/xs/platform: the XS platform layer for a bare
 * Cortex-M4F on QEMU's mps2-an386, without FreeRTOS or the nRF5 SDK. This file stays under the LGPL-3.0. */
#ifndef __XSPLATFORM__
#define __XSPLATFORM__
#include <stdint.h>
#include <stdbool.h>

#ifndef __XS6PLATFORMMINIMAL__
#define mxExport extern
#ifndef mxImport
#define mxImport
#endif
#define mxBigEndian 0
#define mxLittleEndian 1
#define mxiOS 0
#define mxLinux 0
#define mxMacOSX 0
#define mxWindows 0
#define XS_FUNCTION_NORETURN __attribute__((noreturn))
#define XS_FUNCTION_ANALYZER_NORETURN
typedef int8_t txS1; typedef uint8_t txU1; typedef int16_t txS2; typedef uint16_t txU2;
typedef int32_t txS4; typedef uint32_t txU4; typedef int64_t txS8; typedef uint64_t txU8;
typedef int txSocket;
#define mxNoSocket NULL
#include "xsHost.h"
#define mxVolatile(type, name, value) type name = value; type *name ## Address __attribute__((unused)) = &name
#define mxGetKeySlotID(SLOT) (SLOT)->ID
#define mxGetKeySlotKind(SLOT) (SLOT)->kind
extern void fx_putc(void *refcon, char c);
#define mxTableMinLength (1)
#define mxMachineDebug
#define mxMachineInstrument
#define mxMachinePlatform \
	void* host; \
	uint8_t *heap; \
	uint8_t *heap_ptr; \
	uint8_t *heap_pend; \
	void *msgQueue; \
	void *task;
#endif
#ifndef mxFallThrough
	#define mxFallThrough __attribute__ ((fallthrough))
#endif
#endif
