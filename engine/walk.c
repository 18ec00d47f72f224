/* walk.c - expanding input paths: files as given, directories walked
 * recursively in byte-sorted order for *.yaml, *.yml and *.json. */
#include "internal.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

typedef struct walk_dir {
	dev_t dev;
	ino_t ino;
	const struct walk_dir *up;
} walk_dir;

typedef struct {
	int (*cb)(void *, const char *);
	void (*on_error)(void *, const kp_error *);
	void *ud;
} walk_ctx;

static bool has_doc_suffix(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

static void report(walk_ctx *w, const char *path, const char *what, int e)
{
	if (!w->on_error)
		return;
	kp_error err;
	kp_errorf(&err, KP_E_IO, path, 0, 0, "%s%s%s", what, e ? ": " : "", e ? strerror(e) : "");
	w->on_error(w->ud, &err);
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int walk_dir_entries(walk_ctx *w, const char *dir, const walk_dir *up)
{
	DIR *d = opendir(dir);
	if (!d) {
		report(w, dir, "cannot open directory", errno);
		return 0;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = realloc(names, cap * sizeof(*names));
			if (!names)
				abort();
		}
		names[n++] = strdup(de->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), cmp_names);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		if (rc) {
			free(names[i]);
			continue;
		}
		size_t len = strlen(dir) + strlen(names[i]) + 2;
		char *path = malloc(len);
		if (!path)
			abort();
		snprintf(path, len, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", names[i]);
		struct stat st;
		if (stat(path, &st) < 0) {
			report(w, path, "cannot read", errno);
		} else if (S_ISDIR(st.st_mode)) {
			bool loop = false;
			for (const walk_dir *p = up; p; p = p->up)
				if (p->dev == st.st_dev && p->ino == st.st_ino)
					loop = true;
			if (loop) {
				report(w, path, "symbolic link loop, not followed", 0);
			} else {
				walk_dir here = {st.st_dev, st.st_ino, up};
				rc = walk_dir_entries(w, path, &here);
			}
		} else if (has_doc_suffix(names[i])) {
			rc = w->cb(w->ud, path);
		}
		free(path);
		free(names[i]);
	}
	free(names);
	return rc;
}

int kp_walk_inputs(const char *path, int (*cb)(void *ud, const char *file),
		   void (*on_error)(void *ud, const kp_error *e), void *ud,
		   kp_error *err)
{
	if (!strcmp(path, "-"))
		return cb(ud, path);
	struct stat st;
	if (stat(path, &st) < 0)
		return kp_errorf(err, KP_E_IO, path, 0, 0, "cannot read: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cb(ud, path);
	walk_ctx w = {cb, on_error, ud};
	walk_dir top = {st.st_dev, st.st_ino, NULL};
	return walk_dir_entries(&w, path, &top);
}
