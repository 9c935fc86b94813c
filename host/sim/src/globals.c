/* The globals device code sees on Moddable, as the simulator provides them: trace, native, Native and
 * __mcconfig (mc/config); plus $sim (exit, args) for tools and tests. Timer, Time and Resource are
 * defined over native() by the prelude (prelude.js). */
#include "xsAll.h"
#include "sim.h"
#include <errno.h>

#define kNameMax 256

static xsSlot *gxNativeCache; /* one remembered host function per table entry, made on first use */

/* trace(...values): each value as a string, written to stdout as is (no separator, no newline). */
static void sim_trace(xsMachine *the)
{
	int i, argc = xsToInteger(xsArgc);
	for (i = 0; i < argc; i++) {
		const char *text = xsToString(xsArg(i));
		size_t length = c_strlen(text);
		while (length > 0) {
			ssize_t written = write(1, text, length);
			if (written < 0) {
				if (errno == EINTR)
					continue;
				return; /* stdout closed: like a device without a console */
			}
			text += written;
			length -= (size_t)written;
		}
	}
}

static void nameArgument(xsMachine *the, const char *caller, char *name)
{
	const char *text;
	if (xsToInteger(xsArgc) < 1 || xsTypeOf(xsArg(0)) != xsStringType)
		xsTypeError("the name must be a string");
	text = xsToString(xsArg(0));
	if (c_strlen(text) >= kNameMax)
		xsUnknownError("no host %s named so (the name is too long)", caller);
	c_strcpy(name, text);
}

/* native(name): the host function registered under name. */
static void sim_native(xsMachine *the)
{
	char name[kNameMax];
	int index;
	nameArgument(the, "function", name);
	index = simFindNativeFunction(name);
	if (index < 0)
		xsUnknownError("no host function \"%s\" in this simulator (native/xs)", name);
	if (xsTypeOf(gxNativeCache[index]) == xsUndefinedType) {
		fxNewHostFunction(the, gxSimNativeFunctions[index].callback, 0, fxID(the, name), XS_NO_ID);
		mxPullSlot(mxResult);
		gxNativeCache[index] = xsAccess(xsResult);
		xsRemember(gxNativeCache[index]);
	}
	else
		xsResult = xsAccess(gxNativeCache[index]);
}

/* Instances are made by the run-time before this runs (the constructor is a base class constructor). */
static void sim_native_base(xsMachine *the)
{
	(void)the;
}

/* Native(name): a base class whose instances are host objects with the destructor registered under name. */
static void sim_Native(xsMachine *the)
{
	char name[kNameMax];
	int index;
	nameArgument(the, "destructor", name);
	index = simFindNativeDestructor(name);
	if (index < 0)
		xsUnknownError("no host destructor \"%s\" in this simulator (native/xs)", name);
	xsVars(1);
	xsVar(0) = xsNewHostObject(gxSimNativeDestructors[index].destructor);
	xsResult = xsNewHostConstructor(sim_native_base, 0, xsVar(0));
	fxToInstance(the, &xsResult)->next->flag |= XS_BASE_FLAG;
}

/* $sim.exit(code = 0): ends the process now with that status (0..255). */
static void sim_exit(xsMachine *the)
{
	double code = 0;
	if (xsToInteger(xsArgc) > 0 && xsTypeOf(xsArg(0)) != xsUndefinedType) {
		if (xsTypeOf(xsArg(0)) != xsIntegerType && xsTypeOf(xsArg(0)) != xsNumberType)
			xsTypeError("the code must be a number");
		code = xsToNumber(xsArg(0));
		if (!(code >= 0 && code <= 255 && code == c_floor(code)))
			xsRangeError("the code must be an integer in 0..255");
	}
	fflush(stdout);
	exit((int)code);
}

static void defineGlobal(xsMachine *the, const char *name, xsSlot value)
{
	xsDefine(xsGlobal, xsID((char *)name), value, xsDontEnum);
}

/* A named host function in *slot (XS prefixes the messages of the errors it throws with the name). */
static void newFunction(xsMachine *the, xsSlot *slot, const char *name, xsCallback callback, int length)
{
	fxNewHostFunction(the, callback, length, fxID(the, (txString)name), XS_NO_ID);
	mxPullSlot(slot);
}

static void installSim(xsMachine *the, const simOptions *options)
{
	int i;
	xsVar(0) = xsNewArray(options->arg_count);
	for (i = 0; i < options->arg_count; i++) {
		xsVar(2) = xsString(options->args[i]);
		xsSetAt(xsVar(0), xsInteger(i), xsVar(2));
	}
	xsVar(1) = xsNewObject();
	xsDefine(xsVar(1), xsID("args"), xsVar(0), xsDontDelete | xsDontSet);
	newFunction(the, &xsVar(2), "exit", sim_exit, 1);
	xsDefine(xsVar(1), xsID("exit"), xsVar(2), xsDontDelete | xsDontSet);
	xsVar(2) = xsGet(xsGlobal, xsID("Object"));
	xsCall1(xsVar(2), xsID("freeze"), xsVar(0));
	xsCall1(xsVar(2), xsID("freeze"), xsVar(1));
	defineGlobal(the, "$sim", xsVar(1));
}

static void installConfig(xsMachine *the, const simOptions *options)
{
	const char *volatile json = options->config_json ? options->config_json : "{}";
	xsVar(1) = xsGet(xsGlobal, xsID("JSON"));
	xsVar(2) = xsString(json);
	xsTry {
		xsVar(0) = xsCall1(xsVar(1), xsID("parse"), xsVar(2));
	}
	xsCatch {
		fprintf(stderr, "hypertiny-sim: --config is not valid JSON: %s\n", json);
		exit(SIM_EXIT_USAGE);
	}
	defineGlobal(the, "__mcconfig", xsVar(0));
}

void simInstallGlobals(xsMachine *the, const simOptions *options)
{
	gxNativeCache = c_calloc((size_t)gxSimNativeFunctionCount + 1, sizeof(xsSlot));
	if (!gxNativeCache) {
		fprintf(stderr, "hypertiny-sim: out of memory\n");
		exit(1);
	}
	xsVars(3);
	newFunction(the, &xsVar(0), "trace", sim_trace, 1);
	defineGlobal(the, "trace", xsVar(0));
	newFunction(the, &xsVar(0), "native", sim_native, 1);
	defineGlobal(the, "native", xsVar(0));
	newFunction(the, &xsVar(0), "Native", sim_Native, 1);
	defineGlobal(the, "Native", xsVar(0));
	installSim(the, options);
	installConfig(the, options);
}
