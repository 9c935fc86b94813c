/* hypertiny-sim: runs a device bundle in one XS machine, then its event loop (see cli.c for the options). */
#include "xsAll.h"
#include "sim.h"

static xsCreation gxCreation = {
	.initialChunkSize = 4 * 1024 * 1024,
	.incrementalChunkSize = 1024 * 1024,
	.initialHeapCount = 256 * 1024, /* slots */
	.incrementalHeapCount = 64 * 1024,
	.stackCount = 16 * 1024,
	.initialKeyCount = 32 * 1024,
	.incrementalKeyCount = 8 * 1024,
	.nameModulo = 1993,
	.symbolModulo = 127,
	.parserBufferSize = 8 * 1024 * 1024, /* the longest token */
	.parserTableModulo = 1993,
};

int main(int argc, char **argv)
{
	simOptions options;
	xsMachine *machine;
	if (simParseOptions(argc, argv, &options))
		return SIM_EXIT_USAGE;
	simStartWatchdog(options.timeout_ms);
	simSetResources(&options);
	simNowMicroseconds(); /* starts the clock */
	machine = xsCreateMachine(&gxCreation, "hypertiny-sim", NULL);
	if (!machine) {
		fprintf(stderr, "hypertiny-sim: cannot create the XS machine\n");
		return 1;
	}
	xsBeginHost(machine);
	{
		xsTry {
			simInstallGlobals(the, &options);
			simRunScriptString(the, gxSimPrelude, "hypertiny-sim/prelude.js");
			simRunScriptFile(the, options.bundle);
			simRunLoop(the);
		}
		xsCatch {
			fxAbort(the, XS_UNHANDLED_EXCEPTION_EXIT); /* reported with the machine's state restored */
		}
	}
	xsEndHost(machine);
	xsDeleteMachine(machine);
	return 0;
}
