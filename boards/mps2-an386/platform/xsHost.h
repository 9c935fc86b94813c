/* Adapted from the Moddable SDK's xs/platforms/nrf52 (Copyright (c) 2016-2024 Moddable Tech, Inc., LGPL-3.0-or-later,
 * see host/sim/LICENSE-XS-LGPL-3.0.txt) by way of ../shared/m4kit/xs/platform: the XS platform layer for a bare
 * Cortex-M4F on QEMU's mps2-an386, without FreeRTOS or the nRF5 SDK. This file stays under the LGPL-3.0. */
#ifndef __XSHOST__
#define __XSHOST__
#include <stdint.h>
#include <stddef.h>
#include <errno.h>
#include "mc.defines.h"

#define ICACHE_RAM_ATTR
#define ICACHE_FLASH_ATTR
#define ICACHE_FLASH1_ATTR
#define ICACHE_RODATA_ATTR
#define ICACHE_XS6RO_ATTR __attribute__((aligned(4)))
#define ICACHE_XS6RO2_ATTR __attribute__((aligned(4)))
#define ICACHE_XS6STRING_ATTR __attribute__((aligned(4)))

#ifdef __cplusplus
extern "C" {
#endif
extern void modLog_transmit(const char *msg);
#define modLog(msg) modLog_transmit(msg)
#define modLogVar(msg) modLog_transmit(msg)
#define modLogInt(msg) do { char temp[12]; itoa(msg, temp, 10); modLog_transmit(temp); } while (0)
#define modLogHex(msg) do { char temp[12]; itoa((int)(msg), temp, 16); modLog_transmit(temp); } while (0)
#define xmodLog(msg)
#define xmodLogVar(msg)
#define xmodLogInt(msg)
#define xmodLogHex(msg)

/* virtual clock: advances only when the main loop idles (deterministic) */
extern uint32_t m4_milliseconds(void);
extern void m4_delay(uint32_t ms);
#define modMilliseconds() m4_milliseconds()
#define modMicroseconds() (m4_milliseconds() * 1000)
#define modDelayMilliseconds(ms) m4_delay(ms)
#define modDelayMicroseconds(us) m4_delay(((us) + 500) / 1000)
extern void modTimersExecute(void);
extern int modTimersNext(void);

#define modCriticalSectionDeclare
#define modCriticalSectionBegin()
#define modCriticalSectionEnd()

typedef uint32_t modTime_t;
struct modTimeVal { modTime_t tv_sec; uint32_t tv_usec; };
typedef struct modTimeVal modTimeVal;
struct modTimeZone { int32_t tz_minuteswest; int32_t tz_dsttime; };
struct modTm { int32_t tm_sec, tm_min, tm_hour, tm_mday, tm_mon, tm_year, tm_wday, tm_yday, tm_isdst; };
typedef struct modTm modTm;
void modGetTimeOfDay(struct modTimeVal *tv, struct modTimeZone *tz);
struct modTm *modGmTime(const modTime_t *timep);
struct modTm *modLocalTime(const modTime_t *timep);
modTime_t modMkTime(struct modTm *tm);
void modStrfTime(char *s, size_t max, const char *format, const struct modTm *tm);
void modSetTime(uint32_t seconds);
int32_t modGetTimeZone(void);
void modSetTimeZone(int32_t timeZoneOffset);
int32_t modGetDaylightSavingsOffset(void);
void modSetDaylightSavingsOffset(int32_t daylightSavings);

#define modWatchDogReset()

typedef void (*modMessageDeliver)(void *the, void *refcon, uint8_t *message, uint16_t messageLength);
struct sxMachine;
int modMessagePostToMachine(struct sxMachine *the, uint8_t *message, uint16_t messageLength, modMessageDeliver callback, void *refcon);
int modMessagePostToMachineFromISR(struct sxMachine *the, modMessageDeliver callback, void *refcon);
int modMessageService(struct sxMachine *the, int maxDelayMS);
void modMachineTaskInit(struct sxMachine *the);
void modMachineTaskUninit(struct sxMachine *the);
void modMachineTaskWait(struct sxMachine *the);
void modMachineTaskWake(struct sxMachine *the);
/* single task: MOD_TASKS left undefined */

#include <ctype.h>
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#ifndef PATH_MAX
#define PATH_MAX 128
#endif
#define c_tolower tolower
#define c_toupper toupper
typedef jmp_buf c_jmp_buf;
#define c_longjmp longjmp
#define c_setjmp setjmp
typedef va_list c_va_list;
#define c_va_arg va_arg
#define c_va_end va_end
#define c_va_start va_start
#define c_calloc calloc
#define c_malloc malloc
#define c_realloc realloc
#define c_free free
#define c_exit(n) exit(n)
#define c_abort abort
#define c_qsort qsort
#define c_bsearch bsearch
#define c_strtod strtod
#define c_strtol strtol
#define c_strtoul strtoul
#define c_vprintf vprintf
#define c_printf printf
#define c_vsnprintf vsnprintf
#define c_snprintf snprintf
#define c_fprintf fprintf

#define c_tm modTm
#define c_timeval modTimeVal
#define c_time_t modTime_t
#define c_timezone modTimeZone
#define c_gettimeofday modGetTimeOfDay
#define c_gmtime modGmTime
#define c_localtime modLocalTime
#define c_mktime modMkTime
#define c_strftime modStrfTime

#define C_EOF EOF
#define C_NULL NULL
#define C_ENOMEM ENOMEM
#define C_EINVAL EINVAL
#define C_PATH_MAX PATH_MAX

#include <math.h>
#include <float.h>
#define C_DBL_MAX DBL_MAX
#define C_DBL_MIN (double)5e-324
#define C_EPSILON (double)2.2204460492503130808472633361816e-16
#define C_FP_INFINITE FP_INFINITE
#define C_FP_NAN FP_NAN
#define C_FP_NORMAL FP_NORMAL
#define C_FP_SUBNORMAL FP_SUBNORMAL
#define C_FP_ZERO FP_ZERO
#define C_INFINITY (double)INFINITY
#define C_M_E M_E
#define C_M_LN10 M_LN10
#define C_M_LN2 M_LN2
#define C_M_LOG10E M_LOG10E
#define C_M_LOG2E M_LOG2E
#define C_M_PI M_PI
#define C_M_SQRT1_2 M_SQRT1_2
#define C_M_SQRT2 M_SQRT2
#define C_MAX_SAFE_INTEGER (double)9007199254740991
#define C_MIN_SAFE_INTEGER (double)-9007199254740991
#define C_NAN NAN
#define C_RAND_MAX RAND_MAX
#define C_FP_ILOGB0 FP_ILOGB0
#define C_FP_ILOGBNAN FP_ILOGBNAN
#define C_INT_MAX INT_MAX
#define c_acos acos
#define c_acosh acosh
#define c_asin asin
#define c_asinh asinh
#define c_atan atan
#define c_atanh atanh
#define c_atan2 atan2
#define c_cbrt cbrt
#define c_ceil ceil
#define c_cos cos
#define c_cosh cosh
#define c_exp exp
#define c_expm1 expm1
#define c_fabs fabs
#define c_floor floor
#define c_fmod fmod
#define c_fpclassify fpclassify
#define c_hypot hypot
#define c_ilogb ilogb
#define c_isfinite isfinite
#define c_isnormal isnormal
#define c_isnan isnan
#define c_llround llround
#define c_log log
#define c_log1p log1p
#define c_log10 log10
#define c_log2 log2
#define c_nearbyint nearbyint
#define c_pow pow
#define c_rand rand
#define c_round round
#define c_signbit signbit
#define c_sin sin
#define c_sinh sinh
#define c_sqrt sqrt
#define c_srand srand
#define c_tan tan
#define c_tanh tanh
#define c_trunc trunc

uint16_t espRead16be(const void *addr);
uint32_t espRead32be(const void *addr);
#include <string.h>
#define c_memcpy memcpy
#define c_memmove memmove
#define c_memset memset
#define c_memcmp memcmp
#define c_strcat strcat
#define c_strchr strchr
#define c_strcmp strcmp
#define c_strcpy strcpy
#define c_strlen strlen
#define c_strncat strncat
#define c_strncmp strncmp
#define c_strncpy strncpy
#define c_strstr strstr
#define c_strrchr strrchr
#define c_isEmpty(s) (!c_read8(s))
#define c_strcspn strcspn
#define c_strspn strspn
#define c_read8(POINTER) (*((uint8_t *)(POINTER)))
#define c_read16(POINTER) (*((uint16_t *)(POINTER)))
#define c_read32(POINTER) (*((uint32_t *)(POINTER)))
#define c_read16be espRead16be
#define c_read32be espRead32be

#ifdef __cplusplus
}
#endif
#endif
