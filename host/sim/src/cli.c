/* Command line of hypertiny-sim. Options come before the bundle path; everything after it goes to $sim.args. */
#include "sim.h"

static const char *gxUsage =
	"usage: hypertiny-sim [--resource NAME=PATH]... [--resources DIR] [--config JSON] [--timeout MS] bundle.js [ARG]...\n"
	"  --resource NAME=PATH  serve the file PATH as new Resource(NAME) (repeatable)\n"
	"  --resources DIR       serve DIR/NAME as new Resource(NAME) for names not given with --resource\n"
	"  --config JSON         the mc/config object (global __mcconfig), default {}\n"
	"  --timeout MS          stop with exit status 124 after MS milliseconds\n";

static int usage(const char *problem, const char *detail)
{
	if (problem)
		fprintf(stderr, "hypertiny-sim: %s%s\n", problem, detail ? detail : "");
	fputs(gxUsage, stderr);
	return -1;
}

/* "--name value" or "--name=value"; returns the value or NULL, advancing *i past what it consumed. */
static const char *optionValue(int argc, char **argv, int *i, const char *name)
{
	size_t length = strlen(name);
	const char *arg = argv[*i];
	if (strncmp(arg, name, length))
		return NULL;
	if (arg[length] == '=')
		return arg + length + 1;
	if (arg[length] != 0)
		return NULL;
	if (*i + 1 >= argc)
		return NULL;
	*i += 1;
	return argv[*i];
}

static int parseTimeout(const char *text, long *result)
{
	char *end = NULL;
	long value = strtol(text, &end, 10);
	if (!*text || *end || value < 0 || value > 24L * 3600 * 1000)
		return -1;
	*result = value;
	return 0;
}

static int addResource(simOptions *options, const char *spec)
{
	const char *equal = strchr(spec, '=');
	char *name;
	simResourceOption *grown;
	if (!equal || equal == spec || !equal[1])
		return usage("--resource expects NAME=PATH, got ", spec);
	name = strndup(spec, (size_t)(equal - spec));
	grown = realloc(options->resources, sizeof(simResourceOption) * (size_t)(options->resource_count + 1));
	if (!name || !grown) {
		fprintf(stderr, "hypertiny-sim: out of memory\n");
		exit(1);
	}
	options->resources = grown;
	options->resources[options->resource_count].name = name;
	options->resources[options->resource_count].path = equal + 1;
	options->resource_count++;
	return 0;
}

int simParseOptions(int argc, char **argv, simOptions *options)
{
	int i;
	memset(options, 0, sizeof(*options));
	for (i = 1; i < argc; i++) {
		const char *arg = argv[i];
		const char *value;
		if (!strcmp(arg, "--help") || !strcmp(arg, "-h"))
			return usage(NULL, NULL);
		if (!strcmp(arg, "--")) {
			i++;
			break;
		}
		if (arg[0] != '-' || arg[1] != '-')
			break;
		if ((value = optionValue(argc, argv, &i, "--resource"))) {
			if (addResource(options, value))
				return -1;
		}
		else if ((value = optionValue(argc, argv, &i, "--resources")))
			options->resources_dir = value;
		else if ((value = optionValue(argc, argv, &i, "--config")))
			options->config_json = value;
		else if ((value = optionValue(argc, argv, &i, "--timeout"))) {
			if (parseTimeout(value, &options->timeout_ms))
				return usage("--timeout expects milliseconds, got ", value);
		}
		else
			return usage("unknown option or missing value: ", arg);
	}
	if (i >= argc)
		return usage("missing the bundle path", NULL);
	options->bundle = argv[i];
	options->args = argv + i + 1;
	options->arg_count = argc - i - 1;
	return 0;
}
