/* testfile.c - reading kyverno-test.yaml (both schemas) into kpc_testfile,
 * and the -t test-case selector. */
#include "testfile.h"
#include "inputs.h"
#include "xalloc.h"

#include <stdlib.h>
#include <string.h>

struct kpc_testfile_priv {
	kp_arena *arena;
	kp_doc *doc;
};

/* Test-level inputs that kpolicy does not use yet: a test using one of
 * them could get a different verdict from Kyverno, so its rows are all
 * reported unsupported rather than checked. */
static const char *const unsupported_inputs[] = {
	"targetResources", "jsonPayloads", "httpPayloads",
	"envoyPayloads", "checks", NULL
};

/* Row fields that ask for something other than a validate verdict. */
static const char *const unsupported_row_fields[] = {
	"patchedResources", "patchedResource", "generatedResource",
	"generatedResources", "cloneSourceResource", NULL
};

/* Row flags marking policy kinds kpolicy does not evaluate (isValidatingPolicy
 * and isValidatingAdmissionPolicy rows are run: vpol.c, vap.c). */
static const char *const unsupported_row_flags[] = {
	"isMutatingAdmissionPolicy",
	"isMutatingPolicy", "isMUtatingPolicy",
	"isGeneratingPolicy", "isDeletingPolicy", "isImageValidatingPolicy", NULL
};

/* The reason a row flag gives: the kind it names, as for a policy of that
 * kind ("isMUtatingPolicy", an upstream misspelling, -> "kind MutatingPolicy"). */
static const char *flag_kind(kp_arena *a, const char *flag)
{
	char *r = kp_arena_printf(a, "kind %s", flag + 2);
	if (!strncmp(r + 5, "MUtating", 8))
		r[6] = 'u';
	return r;
}

bool kpc_status_parse(const char *s, kp_status *out)
{
	static const char *const names[] = {"pass", "fail", "warn", "error", "skip"};
	static const kp_status codes[] = {KP_STATUS_PASS, KP_STATUS_FAIL, KP_STATUS_WARN,
					  KP_STATUS_ERROR, KP_STATUS_SKIP};
	for (size_t i = 0; s && i < 5; i++)
		if (!strcmp(s, names[i])) {
			*out = codes[i];
			return true;
		}
	return false;
}

static bool present(const kp_value *v)
{
	kp_type t = kp_value_type(v);
	if (t == KP_NULL)
		return false;
	if (t == KP_SEQ || t == KP_MAP)
		return kp_value_len(v) > 0;
	if (t == KP_STRING)
		return kp_value_len(v) > 0 || (kp_value_str(v, NULL) && *kp_value_str(v, NULL));
	return t != KP_BOOL || kp_value_bool(v);
}

static int bad(kp_error *err, const kp_value *at, const char *path, const char *fmt,
	       const char *what)
{
	kp_errorf(err, KP_E_DOC, kp_value_file(at) ? kp_value_file(at) : path,
		  kp_value_line(at), kp_value_col(at), fmt, what);
	return -1;
}

static const char *str_at(const kp_value *map, const char *key)
{
	const kp_value *v = kp_value_get(map, key);
	return kp_value_type(v) == KP_STRING ? kp_value_str(v, NULL) : NULL;
}

/* A path of the test file resolved against its directory. */
static const char *resolve(kp_arena *a, const char *dir, const char *p)
{
	if (p[0] == '/' || !strcmp(dir, "."))
		return kp_arena_strdup(a, p);
	return kp_arena_printf(a, "%s/%s", dir, p);
}

/* `policies:` / `resources:`: a sequence of path strings. */
static int path_list(kpc_testfile *t, kp_arena *a, const kp_value *root, const char *key,
		     const char ***out, size_t *n, kp_error *err)
{
	const kp_value *seq = kp_value_get(root, key);
	*out = NULL;
	*n = 0;
	if (kp_value_type(seq) == KP_NULL)
		return 0;
	if (kp_value_type(seq) != KP_SEQ)
		return bad(err, seq, t->path, "`%s` must be a list of paths", key);
	*out = kp_arena_alloc(a, sizeof(char *) * (kp_value_len(seq) + 1));
	for (size_t i = 0; i < kp_value_len(seq); i++) {
		const kp_value *it = kp_value_at(seq, i);
		const char *s = kp_value_type(it) == KP_STRING ? kp_value_str(it, NULL) : NULL;
		if (!s || !*s)
			return bad(err, it, t->path, "`%s` entries must be paths", key);
		if (strstr(s, "://"))
			return bad(err, it, t->path, "remote path not supported: %s", s);
		(*out)[(*n)++] = resolve(a, t->dir, s);
	}
	return 0;
}

static void split_ref(kp_arena *a, kpc_test_ref *r, const char *text)
{
	r->text = kp_arena_strdup(a, text);
	const char *slash = strrchr(text, '/');
	if (slash) {
		r->namespace = kp_arena_strndup(a, text, (size_t)(slash - text));
		r->name = kp_arena_strdup(a, slash + 1);
	} else {
		r->name = r->text;
	}
}

static int parse_refs(kpc_testfile *t, kp_arena *a, const kp_value *row, kpc_test_result *res,
		      kp_error *err)
{
	const kp_value *names = kp_value_get(row, "resources");
	const kp_value *one = kp_value_get(row, "resource");       /* old schema */
	const kp_value *specs = kp_value_get(row, "resourceSpecs");
	const char *ns = str_at(row, "namespace");                 /* old schema */
	if (kp_value_type(names) != KP_NULL && kp_value_type(names) != KP_SEQ)
		return bad(err, names, t->path, "`%s` must be a list", "resources");
	if (kp_value_type(specs) != KP_NULL && kp_value_type(specs) != KP_SEQ)
		return bad(err, specs, t->path, "`%s` must be a list", "resourceSpecs");
	size_t cap = kp_value_len(names) + kp_value_len(specs) + 1;
	res->refs = kp_arena_alloc(a, sizeof(kpc_test_ref) * cap);
	/* Kyverno reads `resource` only when `resources` is absent. */
	if (kp_value_type(names) == KP_NULL && kp_value_type(one) == KP_STRING) {
		kpc_test_ref *r = &res->refs[res->n_refs++];
		split_ref(a, r, kp_value_str(one, NULL));
	}
	for (size_t i = 0; i < kp_value_len(names); i++) {
		const kp_value *it = kp_value_at(names, i);
		if (kp_value_type(it) != KP_STRING)
			return bad(err, it, t->path, "%s entries must be strings", "resources");
		split_ref(a, &res->refs[res->n_refs++], kp_value_str(it, NULL));
	}
	for (size_t i = 0; i < res->n_refs; i++) {
		res->refs[i].kind = res->kind;
		if (ns && !res->refs[i].namespace)
			res->refs[i].namespace = kp_arena_strdup(a, ns);
	}
	for (size_t i = 0; i < kp_value_len(specs); i++) {
		const kp_value *it = kp_value_at(specs, i);
		const char *name = str_at(it, "name");
		if (!name)
			return bad(err, it, t->path, "%s entries need a name", "resourceSpecs");
		kpc_test_ref *r = &res->refs[res->n_refs++];
		const char *sns = str_at(it, "namespace");
		const char *kind = str_at(it, "kind");
		const char *group = str_at(it, "group"), *version = str_at(it, "version");
		r->name = kp_arena_strdup(a, name);
		r->namespace = sns && *sns ? kp_arena_strdup(a, sns) : NULL;
		r->kind = kind && *kind ? kp_arena_strdup(a, kind) : res->kind;
		if (version && *version)
			r->api_version = group && *group ? kp_arena_printf(a, "%s/%s", group, version)
							 : kp_arena_strdup(a, version);
		r->text = r->namespace ? kp_arena_printf(a, "%s/%s", r->namespace, r->name) : r->name;
	}
	return 0;
}

static int parse_result(kpc_testfile *t, kp_arena *a, const kp_value *row, kpc_test_result *res,
			kp_error *err)
{
	if (kp_value_type(row) != KP_MAP)
		return bad(err, row, t->path, "%s entries must be mappings", "results");
	res->line = kp_value_line(row);
	res->col = kp_value_col(row);
	const char *policy = str_at(row, "policy");
	if (!policy || !*policy)
		return bad(err, row, t->path, "result row without `%s`", "policy");
	res->policy = kp_arena_strdup(a, policy);
	const char *rule = str_at(row, "rule");
	res->rule = rule && *rule ? kp_arena_strdup(a, rule) : NULL;
	const char *kind = str_at(row, "kind");
	res->kind = kind && *kind ? kp_arena_strdup(a, kind) : NULL;
	const char *op = str_at(row, "operation");
	res->operation = op && *op ? kp_arena_strdup(a, op) : NULL;
	const kp_value *rv = kp_value_get(row, "result");
	if (!present(rv))
		rv = kp_value_get(row, "status");   /* old schema */
	const char *rs = kp_value_type(rv) == KP_STRING ? kp_value_str(rv, NULL) : NULL;
	if (!kpc_status_parse(rs, &res->expected))
		return bad(err, rv ? rv : row, t->path,
			   "result must be pass, fail, warn, error or skip (got %s)",
			   rs ? rs : "nothing");
	for (const char *const *f = unsupported_row_fields; *f && !res->unsupported; f++)
		if (present(kp_value_get(row, *f)))
			res->unsupported = *f;
	for (const char *const *f = unsupported_row_flags; *f && !res->unsupported; f++)
		if (kp_value_bool(kp_value_get(row, *f)))
			res->unsupported = flag_kind(a, *f);
	return parse_refs(t, a, row, res, err);
}

static int parse_root(kpc_testfile *t, kp_arena *a, const kp_value *root, kp_error *err)
{
	if (kp_value_type(root) != KP_MAP)
		return bad(err, root, t->path, "%s is not a mapping", "test file");
	const char *api = str_at(root, "apiVersion"), *kind = str_at(root, "kind");
	const char *oldname = str_at(root, "name");
	t->old_schema = !api || !*api || !kind || !*kind || oldname;
	const char *name = str_at(kp_value_get(root, "metadata"), "name");
	if (!name || !*name)
		name = oldname;
	t->name = kp_arena_strdup(a, name ? name : "");
	if (kp_value_type(kp_value_get(root, "policies")) != KP_SEQ)
		return bad(err, root, t->path, "test file without a `%s` list", "policies");
	if (path_list(t, a, root, "policies", &t->policies, &t->n_policies, err) < 0 ||
	    path_list(t, a, root, "resources", &t->resources, &t->n_resources, err) < 0 ||
	    path_list(t, a, root, "exceptions", &t->exceptions, &t->n_exceptions, err) < 0 ||
	    path_list(t, a, root, "clusterResources", &t->cluster_resources,
		      &t->n_cluster_resources, err) < 0 ||
	    path_list(t, a, root, "paramResources", &t->param_resources,
		      &t->n_param_resources, err) < 0)
		return -1;
	t->has_cluster_resources = present(kp_value_get(root, "clusterResources"));
	t->api_responses = kp_value_get(root, "apiCallResponses");
	t->global_entries = kp_value_get(root, "globalContextEntries");
	if (kp_value_type(t->api_responses) != KP_NULL && kp_value_type(t->api_responses) != KP_SEQ)
		return bad(err, t->api_responses, t->path, "`%s` must be a list", "apiCallResponses");
	if (kp_value_type(t->global_entries) != KP_NULL && kp_value_type(t->global_entries) != KP_SEQ)
		return bad(err, t->global_entries, t->path, "`%s` must be a list", "globalContextEntries");
	/* one path each (strings in the CLI's Test type: anything else fails
	 * its decoding, not read as absent) */
	static const char *const single[] = {"variables", "userinfo", "context"};
	for (size_t i = 0; i < 3; i++) {
		const kp_value *v = kp_value_get(root, single[i]);
		if (kp_value_type(v) != KP_NULL && kp_value_type(v) != KP_STRING)
			return bad(err, v, t->path, "`%s` must be a path", single[i]);
	}
	const char *vars = str_at(root, "variables"), *user = str_at(root, "userinfo");
	t->variables = vars && *vars ? resolve(a, t->dir, vars) : NULL;
	t->userinfo = user && *user ? resolve(a, t->dir, user) : NULL;
	const char *context = str_at(root, "context");
	t->context = context && *context ? resolve(a, t->dir, context) : NULL;
	const kp_value *values = kp_value_get(root, "values");
	t->values = kp_value_type(values) == KP_MAP ? values : NULL;
	for (const char *const *f = unsupported_inputs; *f && !t->unsupported; f++)
		if (present(kp_value_get(root, *f)))
			t->unsupported = *f;
	const kp_value *results = kp_value_get(root, "results");
	if (kp_value_type(results) != KP_SEQ && kp_value_type(results) != KP_NULL)
		return bad(err, results, t->path, "`%s` must be a list", "results");
	t->results = kp_arena_alloc(a, sizeof(kpc_test_result) * (kp_value_len(results) + 1));
	for (size_t i = 0; i < kp_value_len(results); i++)
		if (parse_result(t, a, kp_value_at(results, i), &t->results[t->n_results++], err) < 0)
			return -1;
	return 0;
}

static kpc_testfile *from_reader(const char *path, kp_reader *r, kp_error *err)
{
	kp_doc *doc = kpc_first_doc(r, path, "test", err);
	if (!doc)
		return NULL;
	kp_arena *a = kp_arena_new();
	kpc_testfile *t = kp_arena_alloc(a, sizeof(*t));
	t->priv = kp_arena_alloc(a, sizeof(*t->priv));
	t->priv->arena = a;
	t->priv->doc = doc;
	t->path = kp_arena_strdup(a, path);
	const char *slash = strrchr(path, '/');
	t->dir = slash ? (slash == path ? "/" : kp_arena_strndup(a, path, (size_t)(slash - path)))
		       : ".";
	if (parse_root(t, a, kp_doc_root(doc), err) < 0) {
		kpc_testfile_free(t);
		return NULL;
	}
	return t;
}

static const kp_read_opts test_read_opts = {.raw = true, .warn = NULL};

kpc_testfile *kpc_testfile_load(const char *path, kp_error *err)
{
	return from_reader(path, kp_reader_open_file(path, &test_read_opts, err), err);
}

kpc_testfile *kpc_testfile_parse(const char *path, const char *buf, size_t len, kp_error *err)
{
	return from_reader(path, kp_reader_open_mem(path, buf, len, &test_read_opts, err), err);
}

void kpc_testfile_free(kpc_testfile *t)
{
	if (!t)
		return;
	kp_doc_free(t->priv->doc);
	kp_arena_free(t->priv->arena);   /* t itself lives in the arena */
}

/* ---------------------------------------------------------------- selector */

/* s without leading and trailing white space (Go's strings.TrimSpace), in place. */
static char *trim_space(char *s)
{
	while (*s && strchr(" \t\n\r\v\f", *s))
		s++;
	size_t n = strlen(s);
	while (n && strchr(" \t\n\r\v\f", s[n - 1]))
		s[--n] = '\0';
	return s;
}

/* As Kyverno's filter.ParseFilter: split at ',', each part exactly one
 * '=', key and value trimmed of white space. */
int kpc_test_selector_parse(kpc_test_selector *sel, const char *spec, kp_error *err)
{
	memset(sel, 0, sizeof(*sel));
	char *copy = kpc_xstrdup(spec), *rest = copy;
	int rc = 0;
	for (char *part; (part = strsep(&rest, ",")) != NULL;) {
		char *eq = strchr(part, '=');
		char **slot = NULL;
		if (eq && !strchr(eq + 1, '=')) {
			*eq = '\0';
			const char *key = trim_space(part);
			if (!strcmp(key, "policy"))
				slot = &sel->policy;
			else if (!strcmp(key, "rule"))
				slot = &sel->rule;
			else if (!strcmp(key, "resource"))
				slot = &sel->resource;
		}
		if (!slot) {
			rc = kp_errorf(err, KP_E_USAGE, NULL, 0, 0,
				       "invalid test case selector \"%s\" (want policy=,rule=,resource=)",
				       spec);
			break;
		}
		free(*slot);
		*slot = kpc_xstrdup(trim_space(eq + 1));
	}
	free(copy);
	if (rc < 0)
		kpc_test_selector_fini(sel);
	return rc;
}

void kpc_test_selector_fini(kpc_test_selector *sel)
{
	free(sel->policy);
	free(sel->rule);
	free(sel->resource);
	memset(sel, 0, sizeof(*sel));
}

static bool part_match(const char *pattern, const char *s)
{
	if (!pattern)
		return true;
	return kp_wildcard_match(pattern, strlen(pattern), s ? s : "", s ? strlen(s) : 0);
}

bool kpc_test_selector_match(const kpc_test_selector *sel, const char *policy, const char *rule,
			     const char *resource)
{
	return part_match(sel->policy, policy) && part_match(sel->rule, rule) &&
	       part_match(sel->resource, resource);
}
