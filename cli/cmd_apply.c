/* cmd_apply.c - `kpolicy apply`: policies x resources -> rows, like
 * `kyverno apply` offline. */
#include "cmd_apply.h"

#include "apply_out.h"
#include "inputs.h"

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
			l->v = realloc(l->v, (l->n + 1) * sizeof(*l->v));
			l->v[l->n++] = strndup(p, n);
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
	kp_out_format fmt;
} apply_ctx;

/* The output of one input file, produced by a worker, written in order. */
typedef struct unit {
	const char *file;
	kp_strbuf rows;       /* rendered rows */
	kp_strbuf diag;       /* stderr lines */
	size_t n_rows, n_resources;
	kp_counts counts;
	int status;           /* 2 when some input was unusable */
	int done;
} unit;

typedef struct row_ctx {
	unit *u;
	const kp_res_id *id;
	const kp_out_format fmt;
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
	kp_out_row(rc->fmt, &rc->u->rows, rc->id, r, rc->index, &rc->header_done,
		   rc->u->n_rows, &rc->u->counts);
	rc->u->n_rows++;
}

static void unit_diag(unit *u, const char *level, const kp_error *e)
{
	char buf[2600];
	kp_sb_printf(&u->diag, "kpolicy: %s: %s\n", level, kp_error_format(e, buf, sizeof buf));
}

static void unit_warn(void *ud, const kp_error *w)
{
	unit_diag(ud, "warning", w);
}

static void process_doc(const apply_ctx *c, unit *u, kp_doc *d)
{
	kp_doc_normalize_resource(d);
	const kp_value *root = kp_doc_root(d);
	kp_res_id id = {
		.api_version = kp_doc_api_version(d), .kind = kp_doc_kind(d),
		.namespace = kp_doc_namespace(d), .name = kp_doc_name(d),
		.file = kp_doc_file(d), .line = kp_value_line(root), .col = kp_value_col(root),
	};
	row_ctx rc = {.u = u, .id = &id, .fmt = c->fmt};
	kp_error e;
	u->n_resources++;
	if (kp_evaluate(c->ps, d, &c->eval, on_result, &rc, &e) < 0) {
		unit_diag(u, "error", &e);
		u->status = 2;
	}
}

static void process_unit(const apply_ctx *c, unit *u)
{
	kp_read_opts ro = c->ro;
	ro.warn = unit_warn;
	ro.warn_ud = u;
	kp_error e;
	kp_reader *r = kp_reader_open_file(u->file, &ro, &e);
	if (!r) {
		unit_diag(u, "error", &e);
		u->status = 2;
		return;
	}
	kp_doc *d;
	int rc;
	while ((rc = kp_reader_next(r, &d, &e)) != 0) {
		if (rc < 0) {
			unit_diag(u, "error", &e);
			u->status = 2;
			continue;
		}
		process_doc(c, u, d);
		kp_doc_free(d);
	}
	kp_reader_close(r);
}

/* ---- the list of resource files ---- */

typedef struct file_list {
	unit *units;
	size_t n, cap;
	int status;
	kp_strbuf diag;
} file_list;

static void walk_error(void *ud, const kp_error *e)
{
	file_list *fl = ud;
	char buf[2600];
	kp_sb_printf(&fl->diag, "kpolicy: error: %s\n", kp_error_format(e, buf, sizeof buf));
	fl->status = 2;
}

static int add_file(void *ud, const char *file, const kp_error *problem)
{
	if (problem) {
		walk_error(ud, problem);
		return 0;
	}
	file_list *fl = ud;
	if (fl->n == fl->cap) {
		fl->cap = fl->cap ? fl->cap * 2 : 16;
		fl->units = realloc(fl->units, fl->cap * sizeof(*fl->units));
	}
	memset(&fl->units[fl->n], 0, sizeof(unit));
	fl->units[fl->n++].file = strdup(file);
	return 0;
}

/* ---- workers ---- */

typedef struct pool {
	const apply_ctx *c;
	file_list *fl;
	size_t next;
	pthread_mutex_t mu;
	pthread_cond_t cv;
} pool;

static void *worker(void *arg)
{
	pool *p = arg;
	for (;;) {
		pthread_mutex_lock(&p->mu);
		size_t i = p->next++;
		pthread_mutex_unlock(&p->mu);
		if (i >= p->fl->n)
			return NULL;
		process_unit(p->c, &p->fl->units[i]);
		pthread_mutex_lock(&p->mu);
		p->fl->units[i].done = 1;
		pthread_cond_broadcast(&p->cv);
		pthread_mutex_unlock(&p->mu);
	}
}

static kp_values *load_values(const char *path, const char *what, const kp_read_opts *base,
			      kp_userinfo **ui)
{
	kp_read_opts ro = *base;
	ro.raw = true;
	kp_error e;
	kp_reader *r = kp_reader_open_file(path, &ro, &e);
	kp_doc *d = NULL;
	if (!r || kp_reader_next(r, &d, &e) != 1) {
		if (r && e.code == KP_OK)
			kp_errorf(&e, KP_E_DOC, path, 0, 0, "no %s document", what);
		kp_cli_diag(stderr, "error", &e);
		kp_reader_close(r);
		return NULL;
	}
	kp_values *v = NULL;
	if (ui)
		*ui = kp_userinfo_from_value(kp_doc_root(d), &e);
	else
		v = kp_values_from_value(kp_doc_root(d), &e);
	if (ui ? !*ui : !v)
		kp_cli_diag(stderr, "error", &e);
	kp_doc_free(d);
	kp_reader_close(r);
	return v;
}

/* The largest --max-depth: patterns are compiled and matched recursively,
 * some 400 bytes of C stack per level (over 1 KiB under AddressSanitizer);
 * 4000 levels stay inside a 2 MiB thread stack, glibc's default for -j
 * threads under `ulimit -s unlimited` (20000 overflow even 8 MiB). */
#define KP_CLI_MAX_DEPTH_CEILING 4000

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
	if (opt == 'D' && n > KP_CLI_MAX_DEPTH_CEILING) {
		fprintf(stderr, "kpolicy apply: --max-depth is at most %d\n", KP_CLI_MAX_DEPTH_CEILING);
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

int kp_cmd_apply(int argc, char **argv)
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
		{"help", no_argument, NULL, 'h'},
		{NULL, 0, NULL, 0},
	};
	strlist policies = {0}, resources = {0};
	const char *values_file = NULL, *userinfo_file = NULL;
	apply_ctx c = {.fmt = KP_OUT_TEXT};
	long jobs = 1;
	int opt, status = 0;
	optind = 1;
	while ((opt = getopt_long(argc, argv, "p:r:o:f:u:j:h", longopts, NULL)) != -1) {
		switch (opt) {
		case 'p': strlist_add_csv(&policies, optarg); break;
		case 'r': strlist_add_csv(&resources, optarg); break;
		case 'o':
			if (!strcmp(optarg, "json")) c.fmt = KP_OUT_JSON;
			else if (!strcmp(optarg, "text")) c.fmt = KP_OUT_TEXT;
			else {
				fprintf(stderr, "kpolicy apply: unknown output format '%s' (text, json)\n", optarg);
				status = 2;
			}
			break;
		case 'f': values_file = optarg; break;
		case 'u': userinfo_file = optarg; break;
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
	if (!status && (!policies.n || !resources.n)) {
		fprintf(stderr, "kpolicy apply: %s\n", !policies.n ? "no policy given" : "no resource given (-r)");
		status = 2;
	}
	if (status) {
		fputs(apply_usage, stderr);
		strlist_free(&policies);
		strlist_free(&resources);
		return 2;
	}
	c.ro.warn = kp_cli_warn;
	c.ps = kp_policy_set_new();
	status = kp_cli_load_policies(c.ps, policies.v, policies.n, &c.ro, stderr);
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

	file_list fl = {0};
	for (size_t i = 0; i < resources.n; i++) {
		kp_error e;
		if (kp_walk_inputs(resources.v[i], add_file, &fl, &e) < 0)
			walk_error(&fl, &e);
	}
	kp_sb_flush(&fl.diag, stderr);
	if (fl.status)
		status = 2;

	pool p = {.c = &c, .fl = &fl, .mu = PTHREAD_MUTEX_INITIALIZER, .cv = PTHREAD_COND_INITIALIZER};
	size_t nthreads = (size_t)jobs > fl.n ? fl.n : (size_t)jobs;
	pthread_t *threads = calloc(nthreads ? nthreads : 1, sizeof(*threads));
	size_t started = 0;
	if (nthreads > 1)
		for (; started < nthreads; started++)
			if (pthread_create(&threads[started], NULL, worker, &p))
				break;

	kp_counts total = {0};
	size_t resources_n = 0, rows_n = 0;
	kp_strbuf text_rows = {0};
	kp_out_begin(c.fmt, stdout);
	for (size_t i = 0; i < fl.n; i++) {
		unit *u = &fl.units[i];
		if (started) {
			pthread_mutex_lock(&p.mu);
			while (!u->done)
				pthread_cond_wait(&p.cv, &p.mu);
			pthread_mutex_unlock(&p.mu);
		} else {
			process_unit(&c, u);
		}
		fflush(stdout);
		kp_sb_flush(&u->diag, stderr);
		if (c.fmt == KP_OUT_JSON) {
			if (rows_n && u->n_rows)
				fputs(",\n", stdout);
			kp_sb_flush(&u->rows, stdout);
		} else {
			kp_sb_append(&text_rows, u->rows.data ? u->rows.data : "", u->rows.len);
		}
		rows_n += u->n_rows;
		resources_n += u->n_resources;
		total.pass += u->counts.pass;
		total.fail += u->counts.fail;
		total.warn += u->counts.warn;
		total.error += u->counts.error;
		total.skip += u->counts.skip;
		if (u->status)
			status = 2;
		kp_sb_free(&u->rows);
		kp_sb_free(&u->diag);
		free((char *)u->file);
	}
	for (size_t t = 0; t < started; t++)
		pthread_join(threads[t], NULL);
	free(threads);
	kp_out_end(c.fmt, stdout, kp_policy_set_rule_count(c.ps), resources_n, &total, &text_rows);
	fflush(stdout);
	kp_sb_free(&text_rows);
	kp_sb_free(&fl.diag);
	free(fl.units);
	kp_values_free(values);
	kp_userinfo_free(ui);
	kp_policy_set_free(c.ps);
	strlist_free(&policies);
	strlist_free(&resources);
	if (status)
		return 2;
	return (total.fail || total.error) ? 1 : 0;
}
