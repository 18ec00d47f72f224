/* walk.c - the input files named by a command-line path: the path itself,
 * or the YAML/JSON files below a directory, in a stable (byte-sorted)
 * order.  Iterative (an explicit stack of open directories), so deep trees
 * cost heap, not C stack.  Bounded on hostile trees: a directory reached
 * through more than KP_WALK_MAX_VISITS paths (symbolic links can make the
 * number of paths grow exponentially with depth) is not walked again, and
 * named pipes, sockets and devices below a directory are not opened (a FIFO
 * would block the run forever). */
#include "input/input.h"

#include <dirent.h>
#include <errno.h>
#include <fnmatch.h>
#include <search.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

/* One directory being walked: its sorted entry names and where we are. */
typedef struct {
	char *path;
	char **names;
	size_t n, next;
	dev_t dev;
	ino_t ino;
} kp_walk_dir;

/* Times one directory was entered during the walk. */
typedef struct {
	dev_t dev;
	ino_t ino;
	unsigned visits;
} kp_walk_seen;

#define KP_WALK_MAX_VISITS 8

typedef struct {
	kp_walk_dir *dirs;
	size_t depth, cap;
	void *seen;               /* tsearch tree of kp_walk_seen */
	int (*cb)(void *ud, const char *file, const kp_error *problem);
	void *ud;
	const kp_walk_opts *o;
	size_t root_len;          /* bytes of a walked path before the relative part */
} kp_walker;

static bool has_input_ext(const char *name)
{
	const char *dot = strrchr(name, '.');
	return dot && (!strcmp(dot, ".yaml") || !strcmp(dot, ".yml") || !strcmp(dot, ".json"));
}

static int cmp_names(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static char *join(const char *dir, const char *name)
{
	size_t dl = strlen(dir), nl = strlen(name);
	bool slash = dl && dir[dl - 1] == '/';
	char *p = kp_xmalloc(dl + nl + 2);
	memcpy(p, dir, dl);
	if (!slash)
		p[dl++] = '/';
	memcpy(p + dl, name, nl + 1);
	return p;
}

/* Report a problem with one entry to the callback. */
static int report(kp_walker *w, const char *path, const char *what, int e)
{
	kp_error pb;
	kp_errorf(&pb, KP_E_IO, path, 0, 0, "%s: %s", what, strerror(e));
	return w->cb(w->ud, path, &pb);
}

static void free_dir(kp_walk_dir *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->names[i]);
	free(d->names);
	free(d->path);
}

static int cmp_seen(const void *a, const void *b)
{
	const kp_walk_seen *x = a, *y = b;
	if (x->dev != y->dev)
		return x->dev < y->dev ? -1 : 1;
	return x->ino < y->ino ? -1 : x->ino > y->ino;
}

/* Count one more entry into the directory st; returns the count. */
static unsigned note_visit(kp_walker *w, const struct stat *st)
{
	kp_walk_seen *n = kp_xmalloc(sizeof(*n));
	*n = (kp_walk_seen){.dev = st->st_dev, .ino = st->st_ino};
	kp_walk_seen **found = tsearch(n, &w->seen, cmp_seen);
	if (!found)
		kp_oom(sizeof(*n));
	if (*found != n)
		free(n);
	return ++(*found)->visits;
}

/* Open directory `path` (stat'ed as st) onto the stack, unless it is already
 * on the current path (a symlink loop) or was entered too often.  Returns
 * the callback's verdict. */
static int push_dir(kp_walker *w, char *path, const struct stat *st)
{
	for (size_t i = 0; i < w->depth; i++) {
		if (w->dirs[i].dev == st->st_dev && w->dirs[i].ino == st->st_ino) {
			int rc = report(w, path, "directory loop (symbolic link back to a parent)", ELOOP);
			free(path);
			return rc;
		}
	}
	unsigned visits = note_visit(w, st);
	if (visits > KP_WALK_MAX_VISITS) {
		kp_error pb;
		int rc = 0;
		/* said once per directory: later arrivals are skipped silently */
		if (visits == KP_WALK_MAX_VISITS + 1) {
			kp_errorf(&pb, KP_E_IO, path, 0, 0,
				  "directory reached through more than %d paths (symbolic links); not walked again",
				  KP_WALK_MAX_VISITS);
			rc = w->cb(w->ud, path, &pb);
		}
		free(path);
		return rc;
	}
	DIR *dir = opendir(path);
	if (!dir) {
		int rc = report(w, path, "cannot open directory", errno);
		free(path);
		return rc;
	}
	kp_walk_dir d = {.path = path, .dev = st->st_dev, .ino = st->st_ino};
	size_t cap = 0;
	struct dirent *de;
	while ((de = readdir(dir)) != NULL) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (d.n == cap) {
			cap = cap ? cap * 2 : 16;
			d.names = kp_xrealloc(d.names, cap * sizeof(*d.names));
		}
		d.names[d.n] = kp_xstrdup(de->d_name);
		d.n++;
	}
	closedir(dir);
	if (d.n)
		qsort(d.names, d.n, sizeof(*d.names), cmp_names);
	if (w->depth == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 8;
		w->dirs = kp_xrealloc(w->dirs, w->cap * sizeof(*w->dirs));
	}
	w->dirs[w->depth++] = d;
	return 0;
}

/* True if one of the --exclude globs matches `name`, or (globs with a '/')
 * `path`. */
static bool excluded(const kp_walk_opts *o, const char *name, const char *path)
{
	for (size_t i = 0; o && i < o->n_exclude; i++) {
		const char *g = o->exclude[i];
		if (!fnmatch(g, name, 0) || (strchr(g, '/') && path && !fnmatch(g, path, 0)))
			return true;
	}
	return false;
}

/* Whether a directory entry is left out by the options. */
static bool leave_out(const kp_walker *w, const char *name, const char *full)
{
	if (!w->o)
		return false;
	if (w->o->skip_hidden && name[0] == '.')
		return true;
	return excluded(w->o, name, full + w->root_len);
}

int kp_walk_inputs(const char *path,
		   int (*cb)(void *ud, const char *file, const kp_error *problem),
		   void *ud, kp_error *err)
{
	return kp_walk_inputs_opts(path, NULL, cb, ud, err);
}

int kp_walk_inputs_opts(const char *path, const kp_walk_opts *o,
			int (*cb)(void *ud, const char *file, const kp_error *problem),
			void *ud, kp_error *err)
{
	if (!strcmp(path, "-"))
		return cb(ud, path, NULL);
	const char *base = strrchr(path, '/');
	base = base && base[1] ? base + 1 : path;
	if (excluded(o, base, path))
		return 0;
	struct stat st;
	if (stat(path, &st) != 0)
		return kp_errorf(err, KP_E_IO, path, 0, 0, "cannot read: %s", strerror(errno));
	if (!S_ISDIR(st.st_mode))
		return cb(ud, path, NULL);

	size_t pl = strlen(path);
	kp_walker w = {.cb = cb, .ud = ud, .o = o,
		       .root_len = pl + (pl && path[pl - 1] == '/' ? 0 : 1)};
	char *root = kp_xstrdup(path);
	int rc = push_dir(&w, root, &st);
	while (rc == 0 && w.depth) {
		kp_walk_dir *d = &w.dirs[w.depth - 1];
		if (d->next == d->n) {
			free_dir(d);
			w.depth--;
			continue;
		}
		const char *name = d->names[d->next++];
		char *full = join(d->path, name);
		if (leave_out(&w, name, full)) {
			free(full);
			continue;
		}
		if (stat(full, &st) != 0) {
			/* a dangling link to a non-input name is not worth a word */
			if (has_input_ext(full) || errno != ENOENT)
				rc = report(&w, full, "cannot read", errno);
			free(full);
		} else if (S_ISDIR(st.st_mode)) {
			rc = push_dir(&w, full, &st);
		} else {
			if (has_input_ext(full) && !S_ISREG(st.st_mode)) {
				kp_error pb;
				kp_errorf(&pb, KP_E_IO, full, 0, 0,
					  "not a regular file (a pipe, socket or device is only read when named)");
				rc = cb(ud, full, &pb);
			} else if (has_input_ext(full)) {
				rc = cb(ud, full, NULL);
			}
			free(full);
		}
	}
	while (w.depth)
		free_dir(&w.dirs[--w.depth]);
	free(w.dirs);
	tdestroy(w.seen, free);
	return rc;
}
