/* Moddable's Resource (modules/files/resource) over the simulator's mapped files: a petrified (read-only)
 * host buffer pointing at the mapping, zero-copy, as a Resource in flash on a device. */
#include "xsmc.h"
#include "sim.h"

#define kNameMax 1024

void Resource_destructor(void *data)
{
	(void)data; /* mappings live as long as the process */
}

static void nameArgument(xsMachine *the, char *name)
{
	if (xsmcArgc < 1)
		xsTypeError("missing name");
	xsmcToStringBuffer(xsArg(0), name, kNameMax);
}

void Resource_constructor(xsMachine *the)
{
	char name[kNameMax];
	const void *data;
	size_t size;
	xsmcGetHostDataValidate(xsThis, (void *)Resource_destructor);
	nameArgument(the, name);
	data = simMapResource(name, &size);
	if (!data)
		xsURIError("Resource not found: %s", name);
	xsmcSetHostBuffer(xsThis, (void *)data, (xsIntegerValue)size);
	xsmcPetrifyHostBuffer(xsThis);
}

void Resource_exists(xsMachine *the)
{
	char name[kNameMax];
	size_t size;
	nameArgument(the, name);
	xsmcSetBoolean(xsResult, simMapResource(name, &size) != NULL);
}

void Resource_get_byteLength(xsMachine *the)
{
	xsmcGetHostDataValidate(xsThis, (void *)Resource_destructor);
	xsmcSetInteger(xsResult, xsmcGetHostBufferLength(xsThis));
}

static xsIntegerValue clampedArgument(xsMachine *the, int index, xsIntegerValue fallback, xsIntegerValue length)
{
	xsIntegerValue value;
	if (xsmcArgc <= index || xsmcTypeOf(xsArg(index)) == xsUndefinedType)
		return fallback;
	value = xsmcToInteger(xsArg(index));
	if (value < 0)
		value = 0;
	return value > length ? length : value;
}

/* slice(begin, end, copy = true): an ArrayBuffer copy, or with copy false another read-only host buffer. */
void Resource_slice(xsMachine *the)
{
	xsIntegerValue length, start, end;
	xsBooleanValue copy;
	uint8_t *data;
	xsmcGetHostDataValidate(xsThis, (void *)Resource_destructor);
	length = xsmcGetHostBufferLength(xsThis);
	start = clampedArgument(the, 0, 0, length);
	end = clampedArgument(the, 1, length, length);
	if (end < start)
		end = start;
	copy = (xsmcArgc > 2 && xsmcTypeOf(xsArg(2)) != xsUndefinedType) ? xsmcTest(xsArg(2)) : 1;
	data = xsmcGetHostData(xsThis); /* after the conversions: they may run JS */
	if (copy)
		xsmcSetArrayBuffer(xsResult, data + start, end - start);
	else {
		xsResult = xsNewHostObject(Resource_destructor);
		xsmcSetHostBuffer(xsResult, data + start, end - start);
		xsmcPetrifyHostBuffer(xsResult);
	}
}
