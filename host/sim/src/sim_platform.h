/*
 * XS platform header of hypertiny-sim (selected with -DINCLUDE_XSPLATFORM -DXSPLATFORM="sim_platform.h").
 * Linux/macOS, one machine, one thread, no debugger connection, no GLib (Moddable's lin_xs.h needs it).
 */
#ifndef SIM_PLATFORM_H
#define SIM_PLATFORM_H

#if !defined(__GNUC__)
	#error "hypertiny-sim builds with gcc or clang"
#endif
#if !(defined(__x86_64__) || defined(__i386__) || defined(__aarch64__) || defined(__arm__))
	#error "hypertiny-sim expects a little-endian x86 or ARM host"
#endif

#undef mxLittleEndian
#define mxLittleEndian 1
#if defined(__linux__)
	#undef mxLinux
	#define mxLinux 1
#else
	#undef mxMacOSX
	#define mxMacOSX 1
#endif
#define mxExport extern
#define mxImport extern
#define XS_FUNCTION_NORETURN __attribute__((noreturn))

#include <ctype.h>
#include <float.h>
#include <math.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <arpa/inet.h>
#include <pthread.h>
#include <unistd.h>

#define mxUseGCCAtomics 1
#define mxUsePOSIXThreads 1

/* promiseJobs: set by fxQueuePromiseJobs, drained by the event loop (sim_loop.c). */
#define mxMachinePlatform \
	int promiseJobs; \
	void* waiterCondition; \
	void* waiterData; \
	void* waiterLink;

#define mxUseDefaultBuildKeys 1
#define mxUseDefaultFindModule 1
#define mxUseDefaultLoadModule 1
#define mxUseDefaultParseScript 1
#define mxUseDefaultSharedChunks 1
#define mxUseDefaultDebug 1

/* No console echo of every thrown exception (mxDebug reports them): the simulator reports what is uncaught. */
#define mxNoConsole 1

/* XS's own reports (parser errors, "stack overflow", ...) go to stderr: stdout carries only trace(). */
#define c_printf(...) fprintf(stderr, __VA_ARGS__)
#define c_vprintf(FORMAT, ARGUMENTS) vfprintf(stderr, FORMAT, ARGUMENTS)

#endif /* SIM_PLATFORM_H */
