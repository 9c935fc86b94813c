#include "ht.h"

static const char *const names[] = {
	"OK", "TRUNCATED", "MAGIC", "VERSION", "SIZE", "CRC", "SECTION_BOUNDS", "SECTION_OVERLAP",
	"SECTION_ALIGN", "SECTION_MISSING", "SECTION_TYPE", "PLAN", "OPCODE", "TENSOR", "SHAPE",
	"PARAM_BOUNDS", "PARAM", "ARENA_OVERLAP", "GENERATOR", "SYNTH_RANGE", "ARGUMENT",
};

const char *ht_status_name(int status)
{
	if (status < 0 || status >= (int)(sizeof names / sizeof names[0]))
		return "UNKNOWN";
	return names[status];
}
