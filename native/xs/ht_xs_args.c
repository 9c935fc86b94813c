/* Argument helpers shared by the thin xsmc bindings: see ht_xs_args.h. */
#include <stdio.h>

#include "ht.h"
#include "ht_xs_args.h"

void htxs_throw(xsMachine *the, const char *prefix, const char *format, va_list arguments)
{
	char message[256];
	int length = snprintf(message, sizeof(message), "%s", prefix);
	if (length < 0 || length >= (int)sizeof(message))
		length = 0;
	vsnprintf(message + length, sizeof(message) - (size_t)length, format, arguments);
	/* new Error(message) rather than xsUnknownError: the message stays exactly this in debug builds too */
	xsmcSetString(xsResult, message);
	xsmcNew(xsResult, xsGlobal, xsID("Error"), &xsResult, NULL);
	xsThrow(xsResult);
}

void htxs_throw_status(xsMachine *the, int status, const char *format, ...)
{
	char prefix[48];
	va_list arguments;
	snprintf(prefix, sizeof(prefix), "htpw %s (%d): ", ht_status_name(status), status);
	va_start(arguments, format);
	htxs_throw(the, prefix, format, arguments);
}

void *htxs_buffer(xsMachine *the, int index, int writable, uint32_t *bytes)
{
	void *data = NULL;
	xsUnsignedValue count = 0;
	xsTry {
		if (writable)
			xsmcGetBufferWritable(xsArg(index), &data, &count);
		else
			xsmcGetBufferReadable(xsArg(index), &data, &count);
	}
	xsCatch {
		data = NULL;
	}
	*bytes = data ? (uint32_t)count : 0;
	return data;
}

void *htxs_host_data(xsMachine *the, int index, void *destructor)
{
	void *volatile data = NULL;
	xsTry {
		data = xsmcGetHostDataValidate(xsArg(index), destructor);
	}
	xsCatch {
		data = NULL;
	}
	return data;
}

int htxs_number(xsMachine *the, int index, double *value)
{
	xsType type = xsmcTypeOf(xsArg(index));
	if (type != xsIntegerType && type != xsNumberType)
		return 0;
	*value = xsmcToNumber(xsArg(index));
	return 1;
}
