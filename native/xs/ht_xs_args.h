/*
 * Argument helpers shared by the thin xsmc bindings (ht_xs.c, ht_xs_ecg.c, ht_xs_input.c). None coerces: no script
 * runs inside them, so a data pointer fetched earlier stays valid. Each binding words its own errors; these only
 * find the value or say it is not there.
 */
#ifndef HT_XS_ARGS_H
#define HT_XS_ARGS_H

#include <stdarg.h>
#include <stdint.h>

#include "xsmc.h"

/* Throws new Error(prefix + the formatted message); the message is exactly this in debug builds too. */
void htxs_throw(xsMachine *the, const char *prefix, const char *format, va_list arguments) XS_FUNCTION_NORETURN;

/* Throws new Error("htpw <STATUS> (<code>): " + the formatted message): the core's errors (docs/FORMAT.md §5). */
void htxs_throw_status(xsMachine *the, int status, const char *format, ...) XS_FUNCTION_NORETURN;

/* The bytes of buffer argument `index` (ArrayBuffer, host buffer or byte view; writable refuses read-only data
 * such as a Resource), or NULL when it is none. */
void *htxs_buffer(xsMachine *the, int index, int writable, uint32_t *bytes);

/* The data of host object argument `index` made with `destructor`, or NULL when it is anything else. */
void *htxs_host_data(xsMachine *the, int index, void *destructor);

/* 1 and the value when argument `index` is a number, else 0. */
int htxs_number(xsMachine *the, int index, double *value);

#endif
