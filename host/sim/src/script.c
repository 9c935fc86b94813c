/* Parses and runs a script (the bundle, the prelude) as a program in the global scope, as xst does;
 * syntax errors are printed as "path:line: error: ..." and then thrown as SyntaxError. */
#include "xsAll.h"
#include "sim.h"
#include "xsScript.h"

static void reportParserError(void *console, txString path, txInteger line, txString format, c_va_list arguments)
{
	(void)console;
	fprintf(stderr, "%s:%d: error: ", path ? path : "?", (int)line);
	vfprintf(stderr, format, arguments);
	fprintf(stderr, "\n");
}

static txScript *parseScript(txMachine *the, const char *path, void *stream, txGetter getter)
{
	txParser parser;
	txParserJump jump;
	txScript *volatile script = NULL;
	fxInitializeParser(&parser, the, the->parserBufferSize, the->parserTableModulo);
	parser.reportError = reportParserError;
	parser.firstJump = &jump;
	if (c_setjmp(jump.jmp_buf) == 0) {
		parser.path = fxNewParserSymbol(&parser, (txString)path);
		fxParserTree(&parser, stream, getter, mxProgramFlag | mxDebugFlag, NULL);
		fxParserHoist(&parser);
		fxParserBind(&parser);
		script = fxParserCode(&parser);
	}
	fxTerminateParser(&parser);
	return script;
}

static void runScript(txMachine *the, txScript *script, const char *path)
{
	txSlot *realm = mxProgram.value.reference->next->value.module.realm;
	if (!script)
		mxUnknownError("cannot parse %s", path);
	mxModuleInstanceInternal(mxProgram.value.reference)->value.module.id = fxID(the, (txString)path);
	fxRunScript(the, script, mxRealmGlobal(realm), C_NULL, mxRealmClosures(realm)->value.reference, C_NULL, mxProgram.value.reference);
	mxPop();
}

void simRunScriptFile(txMachine *the, const char *path)
{
	txScript *script;
	FILE *file = fopen(path, "r");
	if (!file) {
		fprintf(stderr, "hypertiny-sim: cannot read %s\n", path);
		exit(SIM_EXIT_USAGE);
	}
	script = parseScript(the, path, file, (txGetter)fgetc);
	fclose(file);
	runScript(the, script, path);
}

void simRunScriptString(txMachine *the, const char *source, const char *path)
{
	txStringCStream stream;
	stream.buffer = (char *)source;
	stream.offset = 0;
	stream.size = (txSize)c_strlen(source);
	runScript(the, parseScript(the, path, &stream, fxStringCGetter), path);
}
