/* Lookup in the tables build.mjs generates from native/xs and src/modules (sorted by name). */
#include "xsAll.h"
#include "sim.h"

static int compareFunction(const void *key, const void *item)
{
	return c_strcmp((const char *)key, ((const simNativeFunction *)item)->name);
}

static int compareDestructor(const void *key, const void *item)
{
	return c_strcmp((const char *)key, ((const simNativeDestructor *)item)->name);
}

int simFindNativeFunction(const char *name)
{
	const simNativeFunction *found = bsearch(name, gxSimNativeFunctions, (size_t)gxSimNativeFunctionCount,
		sizeof(simNativeFunction), compareFunction);
	return found ? (int)(found - gxSimNativeFunctions) : -1;
}

int simFindNativeDestructor(const char *name)
{
	const simNativeDestructor *found = bsearch(name, gxSimNativeDestructors, (size_t)gxSimNativeDestructorCount,
		sizeof(simNativeDestructor), compareDestructor);
	return found ? (int)(found - gxSimNativeDestructors) : -1;
}
