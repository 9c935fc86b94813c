/* The simulator's "flash": named resources mapped read-only from files, once, for the life of the process
 * (a non-copying Resource.slice keeps pointing into a mapping after its Resource is collected). */
#include "sim.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>

typedef struct simMapping {
	struct simMapping *next;
	char *name;
	const void *data;
	size_t size;
} simMapping;

static const simOptions *gxOptions;
static simMapping *gxMappings;
static const uint64_t gxEmpty = 0; /* a non-NULL address for empty files (XS treats NULL as detached) */

static int isRegularFile(const char *path)
{
	struct stat info;
	return stat(path, &info) == 0 && S_ISREG(info.st_mode);
}

void simSetResources(const simOptions *options)
{
	int i;
	gxOptions = options;
	for (i = 0; i < options->resource_count; i++) {
		if (!isRegularFile(options->resources[i].path)) {
			fprintf(stderr, "hypertiny-sim: --resource %s: cannot read %s\n", options->resources[i].name, options->resources[i].path);
			exit(SIM_EXIT_USAGE);
		}
	}
}

/* A name served from --resources DIR stays inside DIR. */
static int isSafeRelativeName(const char *name)
{
	const char *part = name;
	if (!*name || *name == '/')
		return 0;
	while (part) {
		if (!strncmp(part, "..", 2) && (part[2] == '/' || part[2] == 0))
			return 0;
		part = strchr(part, '/');
		if (part)
			part++;
	}
	return 1;
}

static char *resourcePath(const char *name)
{
	int i;
	char *path;
	for (i = gxOptions->resource_count - 1; i >= 0; i--) {
		if (!strcmp(gxOptions->resources[i].name, name))
			return strdup(gxOptions->resources[i].path);
	}
	if (!gxOptions->resources_dir || !isSafeRelativeName(name))
		return NULL;
	path = malloc(strlen(gxOptions->resources_dir) + strlen(name) + 2);
	if (!path)
		return NULL;
	sprintf(path, "%s/%s", gxOptions->resources_dir, name);
	if (!isRegularFile(path)) {
		free(path);
		return NULL;
	}
	return path;
}

static const void *mapFile(const char *path, size_t *size)
{
	struct stat info;
	void *data;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &info) || !S_ISREG(info.st_mode) || info.st_size > 0x7FFFFFFF) {
		close(fd);
		return NULL;
	}
	*size = (size_t)info.st_size;
	if (*size == 0) {
		close(fd);
		return &gxEmpty;
	}
	data = mmap(NULL, *size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	return data == MAP_FAILED ? NULL : data;
}

const void *simMapResource(const char *name, size_t *size)
{
	simMapping *mapping;
	char *path;
	const void *data;
	for (mapping = gxMappings; mapping; mapping = mapping->next) {
		if (!strcmp(mapping->name, name)) {
			*size = mapping->size;
			return mapping->data;
		}
	}
	path = resourcePath(name);
	if (!path)
		return NULL;
	data = mapFile(path, size);
	free(path);
	if (!data)
		return NULL;
	mapping = calloc(1, sizeof(simMapping));
	if (!mapping || !(mapping->name = strdup(name))) {
		fprintf(stderr, "hypertiny-sim: out of memory\n");
		exit(1);
	}
	mapping->data = data;
	mapping->size = *size;
	mapping->next = gxMappings;
	gxMappings = mapping;
	return data;
}
