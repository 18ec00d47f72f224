/* inputs.c - loading policies named on the command line. */
#include "inputs.h"

#include <string.h>

static void (*error_hook)(void *ud, const kp_error *e);
static void *error_hook_ud;

void kpc_set_error_hook(void (*fn)(void *ud, const kp_error *e), void *ud)
{
	error_hook = fn;
	error_hook_ud = ud;
}

void kpc_diag(FILE *out, const char *level, const kp_error *e)
{
	char buf[2600];
	if (error_hook && !strcmp(level, "error"))
		error_hook(error_hook_ud, e);
	fprintf(out, "kpolicy: %s: %s\n", level, kp_error_format(e, buf, sizeof buf));
}

void kpc_note_skipped(FILE *out, const kp_error *e)
{
	char buf[2600];
	fprintf(out, "kpolicy: note: %s; skipped\n", kp_error_format(e, buf, sizeof buf));
}

void kpc_warn(void *ud, const kp_error *w)
{
	(void)ud;
	kpc_diag(stderr, "warning", w);
}

kp_doc *kpc_first_doc(kp_reader *r, const char *name, const char *what, kp_error *err)
{
	if (!r)
		return NULL;
	kp_doc *d = NULL;
	int rc = kp_reader_next(r, &d, err);
	kp_reader_close(r);
	if (rc == 0)
		kp_errorf(err, KP_E_DOC, name, 0, 0, "no %s document", what);
	return rc > 0 ? d : NULL;
}

typedef struct {
	kp_policy_set *ps;
	const kp_read_opts *ro;
	const kp_walk_opts *wo;
	FILE *diag;
	size_t added, rejected;
	int status;
	bool exceptions;        /* PolicyException files (-e) */
	bool params;            /* parameter resources (--parameter-resource) */
} load_ctx;

static void walk_error(void *ud, const kp_error *e)
{
	load_ctx *c = ud;
	kpc_diag(c->diag, "error", e);
	c->status = 2;
}

static int load_file(void *ud, const char *file, const kp_error *problem)
{
	if (problem) {
		walk_error(ud, problem);
		return 0;
	}
	load_ctx *c = ud;
	kp_error e;
	kp_reader *r = kp_reader_open_file(file, c->ro, &e);
	if (!r) {
		kpc_diag(c->diag, "error", &e);
		c->status = 2;
		return 0;
	}
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &e)) != 0) {
		if (rc < 0 && e.code == KP_W_NOTRESOURCE) {
			kpc_note_skipped(c->diag, &e);
			continue;
		}
		if (rc < 0) {
			kpc_diag(c->diag, "error", &e);
			c->status = 2;
			continue;
		}
		kp_error_clear(&e);
		if (c->params)
			kp_doc_normalize_resource(d);
		rc = c->params ? (kp_policy_set_add_param(c->ps, d, &e) < 0 ? -1 : 1)
		   : c->exceptions ? kp_policy_set_add_exception(c->ps, d, &e)
				   : kp_policy_set_add(c->ps, d, &e);
		if (rc > 0) {
			c->added++;
			/* an expression that does not compile: where, with a caret */
			if (e.code == KP_W_SUSPECT || (e.code == KP_W_POLICY && e.expr_col))
				kpc_diag(c->diag, "warning", &e);
		} else if (rc == 0 && !c->exceptions)
			kpc_note_skipped(c->diag, &e);
		else {
			kpc_diag(c->diag, "error", &e);
			c->rejected++;
			c->status = 2;
		}
		kp_doc_free(d);
	}
	kp_reader_close(r);
	return 0;
}

static int load_all(load_ctx c, char *const *paths, size_t n)
{
	FILE *diag = c.diag;
	const kp_walk_opts *wo = c.wo;
	for (size_t i = 0; i < n; i++) {
		size_t before = c.added, rejected_before = c.rejected;
		kp_error e;
		kp_error_clear(&e);
		if (kp_walk_inputs_opts(paths[i], wo, load_file, &c, &e) < 0) {
			walk_error(&c, &e);
			continue;
		}
		/* said once: a path whose policies were all rejected has its errors */
		if (c.added == before && c.rejected == rejected_before) {
			kp_error ne;
			kp_errorf(&ne, KP_E_POLICY, paths[i], 0, 0, c.params ? "no parameter resource found"
				  : c.exceptions ? "no PolicyException found" : "no Kyverno policy found");
			kpc_diag(diag, "error", &ne);
			c.status = 2;
		}
	}
	return c.status;
}

int kpc_load_policies(kp_policy_set *ps, char *const *paths, size_t n,
			 const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag)
{
	return load_all((load_ctx){.ps = ps, .ro = ro, .wo = wo, .diag = diag}, paths, n);
}

int kpc_load_exceptions(kp_policy_set *ps, char *const *paths, size_t n,
			   const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag)
{
	return load_all((load_ctx){.ps = ps, .ro = ro, .wo = wo, .diag = diag, .exceptions = true},
			paths, n);
}

int kpc_load_params(kp_policy_set *ps, char *const *paths, size_t n,
		    const kp_read_opts *ro, const kp_walk_opts *wo, FILE *diag)
{
	return load_all((load_ctx){.ps = ps, .ro = ro, .wo = wo, .diag = diag, .params = true},
			paths, n);
}

kp_doc *kpc_read_first_doc(const char *path, const char *what, const kp_read_opts *ro)
{
	kp_error e;
	kp_doc *d = kpc_first_doc(kp_reader_open_file(path, ro, &e), path, what, &e);
	if (!d)
		kpc_diag(stderr, "error", &e);
	return d;
}
