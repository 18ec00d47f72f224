/* cmd_apply.c - `kpolicy apply`: policies x resources -> rows, like
 * `kyverno apply` offline. */
#include "cmd_apply.h"

#include "apply_out.h"
#include "inputs.h"
#include "xalloc.h"

#include <errno.h>
#include <getopt.h>
#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static const char apply_usage[] =
	"usage: kpolicy apply [-p] POLICY... -r RESOURCE... [options]\n"
	"\n"
	"Applies Kyverno policies (ClusterPolicy/Policy files or directories) to\n"
	"resources (YAML or JSON files, directories, - for stdin) and reports\n"
	"pass/fail/warn/error/skip per rule per resource, like `kyverno apply`.\n"
	"\n"
	"  -p, --policy PATH         policy file or directory (repeatable, comma lists)\n"
	"      --pss LEVEL[:VERSION] also apply a Pod Security Standards level (baseline,\n"
	"                            restricted; v1.19 ... v1.32, latest) with no policy file\n"
	"  -r, --resource PATH       resource file, directory or - (repeatable)\n"
	"  -o, --output-format FMT   text (default) or json\n"
	"  -f, --values-file FILE    values file (namespaceSelector labels)\n"
	"  -u, --userinfo FILE       request user info (roles, clusterRoles, subjects)\n"
	"      --yaml-parser NAME    libyaml (default) or libfyaml\n"
	"  -j, --jobs N              evaluate with N threads (output order unchanged)\n"
	"      --max-depth N         nesting limit per document (default 1000, at most 4000)\n"
	"      --max-aliases N       nodes reachable through YAML aliases per document\n"
	"                            (default 1000000)\n"
	"      --max-doc-bytes N     size limit per document (default 268435456)\n"
	"  -h, --help                this text\n"
	"\n"
	"Exit status: 0 nothing failed or errored; 1 a rule failed or errored;\n"
	"2 unusable input (bad YAML, invalid policy, missing file) or usage.\n";

typedef struct strlist {
	char **v;
	size_t n;
} strlist;

static void strlist_add_csv(strlist *l, const char *arg)
{
	const char *p = arg;
	for (;;) {
		const char *comma = strchr(p, ',');
		size_t n = comma ? (size_t)(comma - p) : strlen(p);
		if (n) {
			l->v = kpc_xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
			l->v[l->n++] = kpc_xstrndup(p, n);
		}
		if (!comma)
			break;
		p = comma + 1;
	}
}

static void strlist_free(strlist *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

typedef struct apply_ctx {
	kp_policy_set *ps;
	kp_eval_opts eval;
	kp_read_opts ro;
	kpc_out_format fmt;
} apply_ctx;

/* A piece of work: a batch of whole documents of one input (or only a
 * diagnostic to print at its place), evaluated by a worker thread and
 * written by the main thread in input order. */
typedef struct unit {
	const char *file;     /* borrowed: the input's name */
	char *data;           /* the batch (NULL: diagnostic only) */
	size_t len;
	unsigned first_line;  /* lines of the input before data[0] */
	kp_buf rows;       /* rendered rows */
	kp_buf diag;       /* stderr lines */
	size_t n_rows, n_resources;
	kpc_counts counts;
	int status;           /* 2 when some input was unusable */
	int done;
} unit;

typedef struct row_ctx {
	unit *u;
	const kpc_res_id *id;
	const kpc_out_format fmt;
	const char *policy;     /* for per-(policy, resource) numbering */
	size_t index;
	int header_done;
} row_ctx;

static void on_result(void *ud, const kp_result *r)
{
	row_ctx *rc = ud;
	if (!rc->policy || strcmp(rc->policy, r->policy) != 0) {
		rc->policy = r->policy;
		rc->index = 0;
		rc->header_done = 0;
	}
	rc->index++;
	kpc_out_row(rc->fmt, &rc->u->rows, rc->id, r, rc->index, &rc->header_done,
		    rc->u->n_rows, &rc->u->counts);
	rc->u->n_rows++;
}

static void unit_diag(unit *u, const char *level, const kp_error *e)
{
	char buf[2600];
	kp_buf_printf(&u->diag, "kpolicy: %s: %s\n", level, kp_error_format(e, buf, sizeof buf));
}

static void unit_warn(void *ud, const kp_error *w)
{
	unit_diag(ud, "warning", w);
}

static void process_doc(const apply_ctx *c, kp_eval_ctx *ctx, unit *u, kp_doc *d)
{
	kp_doc_normalize_resource(d);
	const kp_value *root = kp_doc_root(d);
	kpc_res_id id = {
		.api_version = kp_doc_api_version(d), .kind = kp_doc_kind(d),
		.namespace = kp_doc_namespace(d), .name = kp_doc_name(d),
		.file = kp_doc_file(d), .line = kp_value_line(root), .col = kp_value_col(root),
	};
	row_ctx rc = {.u = u, .id = &id, .fmt = c->fmt};
	kp_error e;
	u->n_resources++;
	if (kp_evaluate(ctx, c->ps, d, &c->eval, on_result, &rc, &e) < 0) {
		unit_diag(u, "error", &e);
		u->status = 2;
	}
}

static void process_unit(const apply_ctx *c, kp_eval_ctx *ctx, unit *u)
{
	if (!u->data)
		return;
	kp_read_opts ro = c->ro;
	ro.warn = unit_warn;
	ro.warn_ud = u;
	ro.first_line = u->first_line;
	kp_error e;
	kp_reader *r = kp_reader_open_mem(u->file, u->data, u->len, &ro, &e);
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &e)) != 0) {
		if (rc < 0) {
			unit_diag(u, "error", &e);
			u->status = 2;
			continue;
		}
		process_doc(c, ctx, u, d);
		kp_doc_free(d);
	}
	kp_reader_close(r);
	free(u->data);
	u->data = NULL;
}

/* ---- the pipeline: the main thread cuts inputs into units, workers
 * evaluate them, the main thread writes them in order ---- */

#define KPC_UNIT_BYTES ((size_t)256 << 10)   /* batch size handed to a worker */

typedef struct pipeline {
	const apply_ctx *c;
	size_t nthreads;             /* 0: evaluate on the main thread */
	unit **q;                    /* ring of units in input order */
	size_t q_cap, q_head, q_tail; /* head: next to write; tail: next free */
	size_t q_next;               /* next unit for a worker */
	bool closing;
	pthread_mutex_t mu;
	pthread_cond_t work, done;
	pthread_t *threads;
	/* totals */
	kpc_counts total;
	size_t resources, rows;
	int status;
	/* text format: the failure blocks, held until the header is printed;
	 * in memory up to KPC_TEXT_SPILL bytes (256 KiB), then in a temporary file, so
	 * memory does not grow with the number of failures */
	kp_buf text_rows;
	FILE *text_spill;
	kp_eval_ctx *main_ctx;       /* for units evaluated on the main thread */
	char **names;                /* input names the units point to */
	size_t n_names;
} pipeline;

static void *worker(void *arg)
{
	pipeline *p = arg;
	kp_eval_ctx *ctx = kp_eval_ctx_new(NULL);   /* one per thread */
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (p->q_next == p->q_tail && !p->closing)
			pthread_cond_wait(&p->work, &p->mu);
		if (p->q_next == p->q_tail)
			break;
		unit *u = p->q[p->q_next++ % p->q_cap];
		pthread_mutex_unlock(&p->mu);
		process_unit(p->c, ctx, u);
		pthread_mutex_lock(&p->mu);
		u->done = 1;
		pthread_cond_broadcast(&p->done);
	}
	pthread_mutex_unlock(&p->mu);
	kp_eval_ctx_free(ctx);
	return NULL;
}

#define KPC_TEXT_SPILL ((size_t)256 << 10)

static void hold_text(pipeline *p, const char *s, size_t n)
{
	if (!p->text_spill && p->text_rows.len + n > KPC_TEXT_SPILL)
		p->text_spill = tmpfile();   /* NULL: stay in memory */
	if (p->text_spill) {
		kp_buf_flush(&p->text_rows, p->text_spill);
		fwrite(s, 1, n, p->text_spill);
	} else {
		kp_buf_add(&p->text_rows, s, n);
	}
}

/* Copy what hold_text kept to f. */
static void write_held_text(void *ud, FILE *f)
{
	pipeline *p = ud;
	if (p->text_spill) {
		char buf[1 << 16];
		size_t n;
		rewind(p->text_spill);
		while ((n = fread(buf, 1, sizeof buf, p->text_spill)) > 0)
			fwrite(buf, 1, n, f);
		fclose(p->text_spill);
		p->text_spill = NULL;
	}
	kp_buf_flush(&p->text_rows, f);
}

/* Write one finished unit and release it. */
static void write_unit(pipeline *p, unit *u)
{
	fflush(stdout);
	kp_buf_flush(&u->diag, stderr);
	if (p->c->fmt == KPC_OUT_JSON) {
		if (p->rows && u->n_rows)
			fputs(",\n", stdout);
		kp_buf_flush(&u->rows, stdout);
	} else if (u->rows.len) {
		hold_text(p, u->rows.data, u->rows.len);
	}
	p->rows += u->n_rows;
	p->resources += u->n_resources;
	p->total.pass += u->counts.pass;
	p->total.fail += u->counts.fail;
	p->total.warn += u->counts.warn;
	p->total.error += u->counts.error;
	p->total.skip += u->counts.skip;
	if (u->status)
		p->status = 2;
	kp_buf_free(&u->rows);
	kp_buf_free(&u->diag);
	free(u->data);
	free(u);
}

/* Write finished units from the head of the queue, in order.  wait_all:
 * block until every queued unit is written; else write only those done. */
static void drain(pipeline *p, bool wait_all)
{
	pthread_mutex_lock(&p->mu);
	while (p->q_head != p->q_tail) {
		unit *u = p->q[p->q_head % p->q_cap];
		if (!u->done) {
			if (!wait_all)
				break;
			pthread_cond_wait(&p->done, &p->mu);
			continue;
		}
		p->q_head++;
		pthread_mutex_unlock(&p->mu);
		write_unit(p, u);
		pthread_mutex_lock(&p->mu);
	}
	pthread_mutex_unlock(&p->mu);
}

/* Block until the unit at the head is written (frees a queue slot). */
static void drain_one(pipeline *p)
{
	pthread_mutex_lock(&p->mu);
	unit *u = p->q[p->q_head % p->q_cap];
	while (!u->done)
		pthread_cond_wait(&p->done, &p->mu);
	pthread_mutex_unlock(&p->mu);
	drain(p, false);
}

static void submit(pipeline *p, unit *u)
{
	if (!p->nthreads) {
		process_unit(p->c, p->main_ctx, u);
		write_unit(p, u);
		return;
	}
	/* keep at most q_cap units in flight: memory stays bounded */
	for (;;) {
		pthread_mutex_lock(&p->mu);
		bool full = p->q_tail - p->q_head >= p->q_cap;
		pthread_mutex_unlock(&p->mu);
		if (!full)
			break;
		drain_one(p);
	}
	pthread_mutex_lock(&p->mu);
	p->q[p->q_tail++ % p->q_cap] = u;
	pthread_cond_signal(&p->work);
	pthread_mutex_unlock(&p->mu);
	drain(p, false);
}

static unit *unit_new(const char *file)
{
	unit *u = kpc_xcalloc(1, sizeof(*u));
	u->file = file;
	return u;
}

static void submit_diag(pipeline *p, const char *file, const kp_error *e)
{
	unit *u = unit_new(file);
	unit_diag(u, "error", e);
	u->status = 2;
	u->done = 1;
	submit(p, u);
}

/* Cut one input into units of whole chunks. */
static int feed_file(void *ud, const char *file, const kp_error *problem)
{
	pipeline *p = ud;
	if (problem) {
		submit_diag(p, NULL, problem);
		return 0;
	}
	kp_error e;
	kp_reader *r = kp_reader_open_file(file, &p->c->ro, &e);
	if (!r) {
		submit_diag(p, NULL, &e);
		return 0;
	}
	/* the unit's file name must outlive the reader: keep one copy per
	 * input, released with the pipeline */
	p->names = kpc_xrealloc(p->names, (p->n_names + 1) * sizeof(*p->names));
	const char *name = p->names[p->n_names++] = kpc_xstrdup(strcmp(file, "-") ? file : "<stdin>");
	unit *u = NULL;
	const char *data;
	size_t len;
	unsigned first;
	int rc;
	kp_buf batch = {0};
	while ((rc = kp_reader_next_chunk(r, &data, &len, &first, &e)) != 0) {
		if (rc < 0) {
			if (u) {
				u->data = batch.data, u->len = batch.len;
				batch = (kp_buf){0};
				submit(p, u);
				u = NULL;
			}
			submit_diag(p, name, &e);
			continue;
		}
		if (!u) {
			u = unit_new(name);
			u->first_line = first - 1;
		}
		kp_buf_add(&batch, data, len);
		if (batch.len >= KPC_UNIT_BYTES) {
			u->data = batch.data, u->len = batch.len;
			batch = (kp_buf){0};
			submit(p, u);
			u = NULL;
		}
	}
	if (u) {
		u->data = batch.data, u->len = batch.len;
		submit(p, u);
	}
	kp_reader_close(r);
	return 0;
}

static kp_values *load_values(const char *path, const char *what, const kp_read_opts *base,
			      kp_userinfo **ui)
{
	kp_read_opts ro = *base;
	ro.raw = true;
	kp_error e;
	kp_doc *d = kpc_first_doc(kp_reader_open_file(path, &ro, &e), path, what, &e);
	if (!d) {
		kpc_diag(stderr, "error", &e);
		return NULL;
	}
	kp_values *v = NULL;
	if (ui)
		*ui = kp_userinfo_from_value(kp_doc_root(d), &e);
	else
		v = kp_values_from_value(kp_doc_root(d), &e);
	if (ui ? !*ui : !v)
		kpc_diag(stderr, "error", &e);
	kp_doc_free(d);
	return v;
}

/* The largest --max-depth: patterns are compiled and matched recursively,
 * some 400 bytes of C stack per level (over 1 KiB under AddressSanitizer);
 * 4000 levels stay inside a 2 MiB thread stack, glibc's default for -j
 * threads under `ulimit -s unlimited` (20000 overflow even 8 MiB). */
#define KPC_MAX_DEPTH_CEILING 4000

/* --max-depth / --max-aliases / --max-doc-bytes: a positive count into ro. */
static int parse_limit(int opt, const char *arg, kp_read_opts *ro)
{
	char *end;
	errno = 0;
	unsigned long long n = strtoull(arg, &end, 10);
	const char *name = opt == 'D' ? "--max-depth" : opt == 'A' ? "--max-aliases" : "--max-doc-bytes";
	if (!*arg || *end || *arg == '-' || errno || n == 0 || n > SIZE_MAX / 4) {
		fprintf(stderr, "kpolicy apply: %s takes a positive number\n", name);
		return -1;
	}
	if (opt == 'D' && n > KPC_MAX_DEPTH_CEILING) {
		fprintf(stderr, "kpolicy apply: --max-depth is at most %d\n", KPC_MAX_DEPTH_CEILING);
		return -1;
	}
	if (opt == 'D')
		ro->max_depth = (size_t)n;
	else if (opt == 'A')
		ro->max_alias_nodes = (size_t)n;
	else
		ro->max_doc_bytes = (size_t)n;
	return 0;
}

int kpc_cmd_apply(int argc, char **argv)
{
	static const struct option longopts[] = {
		{"policy", required_argument, NULL, 'p'},
		{"resource", required_argument, NULL, 'r'},
		{"resources", required_argument, NULL, 'r'},
		{"output-format", required_argument, NULL, 'o'},
		{"values-file", required_argument, NULL, 'f'},
		{"userinfo", required_argument, NULL, 'u'},
		{"yaml-parser", required_argument, NULL, 'Y'},
		{"jobs", required_argument, NULL, 'j'},
		{"max-depth", required_argument, NULL, 'D'},
		{"max-aliases", required_argument, NULL, 'A'},
		{"max-doc-bytes", required_argument, NULL, 'B'},
		{"pss", required_argument, NULL, 'S'},
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	strlist policies = {0}, resources = {0};
	const char *values_file = NULL, *userinfo_file = NULL, *pss = NULL;
	apply_ctx c = {.fmt = KPC_OUT_TEXT};
	long jobs = 1;
	int opt, status = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:r:o:f:u:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': strlist_add_csv(&policies, optarg); break;
		case 'r': strlist_add_csv(&resources, optarg); break;
		case 'o':
			if (!strcmp(optarg, "json")) c.fmt = KPC_OUT_JSON;
			else if (!strcmp(optarg, "text")) c.fmt = KPC_OUT_TEXT;
			else {
				fprintf(stderr, "kpolicy apply: unknown output format '%s' (text, json)\n", optarg);
				status = 2;
			}
			break;
		case 'f': values_file = optarg; break;
		case 'u': userinfo_file = optarg; break;
		case 'S': pss = optarg; break;
		case 'Y':
			if (!strcmp(optarg, "libyaml")) c.ro.parser = KP_PARSER_LIBYAML;
			else if (!strcmp(optarg, "libfyaml")) c.ro.parser = KP_PARSER_LIBFYAML;
			else {
				fprintf(stderr, "kpolicy apply: unknown YAML parser '%s' (libyaml, libfyaml)\n", optarg);
				status = 2;
			}
			break;
		case 'j': {
			char *end;
			jobs = strtol(optarg, &end, 10);
			if (*end || jobs < 1 || jobs > 256) {
				fprintf(stderr, "kpolicy apply: --jobs takes a number from 1 to 256\n");
				status = 2;
			}
			break;
		}
		case 'D': case 'A': case 'B':
			if (parse_limit(opt, optarg, &c.ro) < 0)
				status = 2;
			break;
		case 'h':
			fputs(apply_usage, stdout);
			strlist_free(&policies);
			strlist_free(&resources);
			return 0;
		default:
			status = 2;
			break;
		}
	}
	for (int i = optind; i < argc; i++)
		strlist_add_csv(&policies, argv[i]);
	if (!status && ((!policies.n && !pss) || !resources.n)) {
		fprintf(stderr, "kpolicy apply: %s\n",
			!policies.n && !pss ? "no policy given" : "no resource given (-r)");
		status = 2;
	}
	if (status) {
		fputs(apply_usage, stderr);
		strlist_free(&policies);
		strlist_free(&resources);
		return 2;
	}
	c.ro.warn = kpc_warn;
	c.ps = kp_policy_set_new();
	status = kpc_load_policies(c.ps, policies.v, policies.n, &c.ro, stderr);
	kp_error pss_err;
	if (pss && kp_policy_set_add_pss(c.ps, pss, &pss_err) < 0) {
		fprintf(stderr, "kpolicy apply: %s\n", pss_err.msg);
		fputs(apply_usage, stderr);
		kp_policy_set_free(c.ps);
		strlist_free(&policies);
		strlist_free(&resources);
		return 2;
	}
	kp_policy_set_seal(c.ps);
	kp_values *values = NULL;
	kp_userinfo *ui = NULL;
	if (values_file && !(values = load_values(values_file, "values", &c.ro, NULL)))
		status = 2;
	if (userinfo_file) {
		load_values(userinfo_file, "user info", &c.ro, &ui);
		if (!ui)
			status = 2;
	}
	c.eval.values = values;
	c.eval.userinfo = ui;

	pipeline p = {.c = &c, .mu = PTHREAD_MUTEX_INITIALIZER,
		      .work = PTHREAD_COND_INITIALIZER, .done = PTHREAD_COND_INITIALIZER,
		      .main_ctx = kp_eval_ctx_new(NULL)};
	if (jobs > 1) {
		p.q_cap = (size_t)jobs * 4;
		p.q = kpc_xcalloc(p.q_cap, sizeof(*p.q));
		p.threads = kpc_xcalloc((size_t)jobs, sizeof(*p.threads));
		for (; p.nthreads < (size_t)jobs; p.nthreads++)
			if (pthread_create(&p.threads[p.nthreads], NULL, worker, &p))
				break;
	}
	kpc_out_begin(c.fmt, stdout);
	for (size_t i = 0; i < resources.n; i++) {
		kp_error e;
		if (kp_walk_inputs(resources.v[i], feed_file, &p, &e) < 0)
			submit_diag(&p, NULL, &e);
	}
	if (p.nthreads) {
		pthread_mutex_lock(&p.mu);
		p.closing = true;
		pthread_cond_broadcast(&p.work);
		pthread_mutex_unlock(&p.mu);
		drain(&p, true);
		for (size_t t = 0; t < p.nthreads; t++)
			pthread_join(p.threads[t], NULL);
	}
	if (p.status)
		status = 2;
	kpc_out_end(c.fmt, stdout, kp_policy_set_rule_count(c.ps), p.resources, &p.total,
		    write_held_text, &p);
	fflush(stdout);
	kp_buf_free(&p.text_rows);
	for (size_t i = 0; i < p.n_names; i++)
		free(p.names[i]);
	free(p.names);
	free(p.q);
	kp_eval_ctx_free(p.main_ctx);
	free(p.threads);
	kp_values_free(values);
	kp_userinfo_free(ui);
	kp_policy_set_free(c.ps);
	strlist_free(&policies);
	strlist_free(&resources);
	if (status)
		return 2;
	return (p.total.fail || p.total.error) ? 1 : 0;
}
