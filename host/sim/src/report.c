/* Prints the pending exception to stderr: its stack when it has one (Errors do), else its string. */
#include "xsAll.h"
#include "sim.h"

static void printValue(txMachine *the, txSlot *value)
{
	fxToString(the, value);
	fprintf(stderr, "%s\n", value->value.string);
}

void simReportException(txMachine *the, const char *when)
{
	static int reporting = 0;
	txSlot *exception;
	if (reporting)
		return; /* failing while reporting: fxAbort exits anyway */
	reporting = 1;
	fprintf(stderr, "hypertiny-sim: %s: ", when);
	mxPush(mxException);
	exception = the->stack;
	mxException = mxUndefined;
	mxTry(the) {
		txSlot *stack = C_NULL;
		if (mxIsReference(exception)) {
			mxPushSlot(exception);
			mxGetID(mxID(_stack));
			if (mxIsStringPrimitive(the->stack))
				stack = the->stack;
		}
		printValue(the, stack ? stack : exception);
	}
	mxCatch(the) {
		fprintf(stderr, "(the exception cannot be converted to a string)\n");
	}
	reporting = 0;
}
