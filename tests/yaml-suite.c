/* yaml-suite - checks both YAML loaders (libyaml, libfyaml) against the YAML
 * test suite (yaml/yaml-test-suite, `data` branch layout).
 *
 *   yaml-suite [--known FILE] [-v] SUITE_DIR
 *   yaml-suite --dump LOADER FILE
 *
 * Every case directory (or numbered sub-directory) holds `in.yaml`, and
 * `error` when the stream must be rejected, else usually `in.json` with the
 * expected documents.  Each case is read with each loader through the
 * public reader in raw mode and YAML 1.2 core typing, and:
 *   - an `error` case passes when some document of the stream gives -1;
 *   - a case with `in.json` passes when no document gives -1 and the
 *     documents equal the JSON values in order, compared by value (mappings
 *     as unordered, numbers by numeric value: JSON has one number type);
 *     the reader skips empty and null documents, so null JSON values are
 *     skipped too;
 *   - any other (valid, not representable in JSON) case passes when no
 *     document gives -1.
 * FILE lists expected deviations, one `CASE LOADER` per line (`CASE` as in
 * `2G84/01`, LOADER `libyaml`, `libfyaml` or `*`), a reason after `#`.  A
 * listed case that deviates is reported and not counted as failed; a listed
 * case that passes is reported as fixed and counted as failed, so the list
 * cannot go stale.
 * Prints each unexpected result, then per loader
 * `yaml-suite LOADER: N passed, N failed (N known deviations)`.
 * Exit status 0 when nothing failed. */
#include "input/input.h"

#include <dirent.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#define KP_MAX_DOCS 1000 /* a stream never has more: stops a runaway reader */

/* ---------------------------------------------------------------- JSON
 * A tiny JSON reader for in.json (several JSON values one after another),
 * kept apart from the loaders under test. */
typedef struct {
	const char *p, *end;
	kp_arena *arena;
	bool bad;
} kp_json;

static void json_space(kp_json *j)
{
	while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\n' || *j->p == '\r'))
		j->p++;
}

static bool json_lit(kp_json *j, const char *w)
{
	size_t n = strlen(w);
	if ((size_t)(j->end - j->p) < n || memcmp(j->p, w, n) != 0)
		return false;
	j->p += n;
	return true;
}

static int hex4(const char *p)
{
	int v = 0;
	for (int i = 0; i < 4; i++) {
		char c = p[i];
		int d = c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10 : -1;
		if (d < 0)
			return -1;
		v = v * 16 + d;
	}
	return v;
}

static size_t put_utf8(char *o, unsigned long c)
{
	if (c < 0x80) {
		o[0] = (char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (char)(0xC0 | c >> 6), o[1] = (char)(0x80 | (c & 0x3F));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (char)(0xE0 | c >> 12), o[1] = (char)(0x80 | ((c >> 6) & 0x3F));
		o[2] = (char)(0x80 | (c & 0x3F));
		return 3;
	}
	o[0] = (char)(0xF0 | c >> 18), o[1] = (char)(0x80 | ((c >> 12) & 0x3F));
	o[2] = (char)(0x80 | ((c >> 6) & 0x3F)), o[3] = (char)(0x80 | (c & 0x3F));
	return 4;
}

/* A string at j->p (after the opening quote); decoded into the arena. */
static kp_value *json_string(kp_json *j)
{
	/* the decoded text is never longer than the source */
	const char *q = j->p;
	while (q < j->end && *q != '"')
		q += *q == '\\' ? 2 : 1;
	if (q >= j->end) {
		j->bad = true;
		return NULL;
	}
	char *out = kp_arena_alloc(j->arena, (size_t)(q - j->p) + 1);
	size_t n = 0;
	while (j->p < q) {
		char c = *j->p++;
		if (c != '\\') {
			out[n++] = c;
			continue;
		}
		c = *j->p++;
		switch (c) {
		case 'n': out[n++] = '\n'; break;
		case 't': out[n++] = '\t'; break;
		case 'r': out[n++] = '\r'; break;
		case 'b': out[n++] = '\b'; break;
		case 'f': out[n++] = '\f'; break;
		case 'u': {
			int u = q - j->p >= 4 ? hex4(j->p) : -1;
			if (u < 0) {
				j->bad = true;
				return NULL;
			}
			j->p += 4;
			unsigned long cp = (unsigned long)u;
			if (cp >= 0xD800 && cp < 0xDC00 && q - j->p >= 6 && j->p[0] == '\\' &&
			    j->p[1] == 'u') {
				int lo = hex4(j->p + 2);
				if (lo >= 0xDC00 && lo < 0xE000) {
					cp = 0x10000 + ((cp - 0xD800) << 10) + (unsigned long)(lo - 0xDC00);
					j->p += 6;
				}
			}
			n += put_utf8(out + n, cp);
			break;
		}
		default: out[n++] = c; break; /* " \ / */
		}
	}
	j->p = q + 1;
	kp_value *v = kp_value_new(j->arena, KP_STRING, "", 0, 0);
	v->u.s.ptr = out;
	v->u.s.len = n;
	return v;
}

static kp_value *json_value(kp_json *j, int depth);

static kp_value *json_number(kp_json *j)
{
	const char *s = j->p;
	bool integral = true;
	while (j->p < j->end && strchr("+-0123456789.eE", *j->p)) {
		if (*j->p == '.' || *j->p == 'e' || *j->p == 'E')
			integral = false;
		j->p++;
	}
	char buf[128];
	size_t n = (size_t)(j->p - s);
	if (n == 0 || n >= sizeof buf) {
		j->bad = true;
		return NULL;
	}
	memcpy(buf, s, n);
	buf[n] = 0;
	kp_value *v = kp_value_new(j->arena, integral ? KP_INT : KP_FLOAT, "", 0, 0);
	if (integral)
		v->u.i = strtoll(buf, NULL, 10);
	else
		v->u.f = strtod(buf, NULL);
	return v;
}

/* Items are gathered in a heap array, then copied into the arena. */
static kp_value *json_collection(kp_json *j, bool map, int depth)
{
	kp_value *v = kp_value_new(j->arena, map ? KP_MAP : KP_SEQ, "", 0, 0);
	char close = map ? '}' : ']';
	kp_value **tmp = NULL; /* maps: key, value, key, value ... */
	size_t n = 0;
	json_space(j);
	bool done = j->p < j->end && *j->p == close;
	if (done)
		j->p++;
	while (!done) {
		kp_value *k = NULL;
		json_space(j);
		if (map) {
			if (j->p >= j->end || *j->p != '"')
				break;
			j->p++;
			k = json_string(j);
			json_space(j);
			if (!k || j->p >= j->end || *j->p != ':')
				break;
			j->p++;
		}
		kp_value *item = json_value(j, depth + 1);
		if (!item)
			break;
		tmp = realloc(tmp, (n + 2) * sizeof(*tmp));
		if (!tmp)
			abort();
		if (map)
			tmp[n++] = k;
		tmp[n++] = item;
		json_space(j);
		if (j->p < j->end && *j->p == ',') {
			j->p++;
			continue;
		}
		if (j->p < j->end && *j->p == close) {
			j->p++;
			done = true;
		}
		break;
	}
	if (!done) {
		free(tmp);
		j->bad = true;
		return NULL;
	}
	if (map) {
		v->u.map.n = n / 2;
		v->u.map.pairs = kp_arena_alloc(j->arena, sizeof(kp_pair) * (n / 2 + 1));
		for (size_t i = 0; i < n / 2; i++)
			v->u.map.pairs[i] = (kp_pair){tmp[2 * i], tmp[2 * i + 1]};
	} else {
		v->u.seq.n = n;
		v->u.seq.items = kp_arena_alloc(j->arena, sizeof(kp_value *) * (n + 1));
		if (n)
			memcpy(v->u.seq.items, tmp, sizeof(kp_value *) * n);
	}
	free(tmp);
	return v;
}

static kp_value *json_value(kp_json *j, int depth)
{
	json_space(j);
	if (j->p >= j->end || depth > 200) {
		j->bad = true;
		return NULL;
	}
	char c = *j->p;
	if (c == '{' || c == '[') {
		j->p++;
		return json_collection(j, c == '{', depth);
	}
	if (c == '"') {
		j->p++;
		return json_string(j);
	}
	if (json_lit(j, "null"))
		return kp_value_new(j->arena, KP_NULL, "", 0, 0);
	if (json_lit(j, "true") || json_lit(j, "false")) {
		kp_value *v = kp_value_new(j->arena, KP_BOOL, "", 0, 0);
		v->u.b = j->p[-1] == 'e' && j->p[-2] == 'u';
		return v;
	}
	return json_number(j);
}

/* ---------------------------------------------------------------- files */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	size_t cap = 4096, n = 0, got;
	char *buf = malloc(cap);
	while (buf && (got = fread(buf + n, 1, cap - n, f)) > 0) {
		n += got;
		if (n == cap)
			buf = realloc(buf, cap *= 2);
	}
	fclose(f);
	if (!buf)
		abort();
	*len = n;
	return buf;
}

static bool exists(const char *dir, const char *name)
{
	char path[4096];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return stat(path, &st) == 0;
}

/* ---------------------------------------------------------------- comparing */
static bool same_value(const kp_value *a, const kp_value *b);

static bool is_number(const kp_value *v)
{
	return v->type == KP_INT || v->type == KP_FLOAT;
}

static double as_double(const kp_value *v)
{
	return v->type == KP_INT ? (double)v->u.i : v->u.f;
}

static const kp_value *map_find(const kp_value *m, const kp_value *key)
{
	for (size_t i = 0; i < m->u.map.n; i++) {
		const kp_value *k = m->u.map.pairs[i].key;
		if (k->u.s.len == key->u.s.len && !memcmp(k->u.s.ptr, key->u.s.ptr, k->u.s.len))
			return m->u.map.pairs[i].value;
	}
	return NULL;
}

/* Equal as JSON values.  Recursive: suite documents are shallow. */
static bool same_value(const kp_value *a, const kp_value *b)
{
	if (is_number(a) && is_number(b)) {
		if (a->type == KP_INT && b->type == KP_INT)
			return a->u.i == b->u.i;
		return as_double(a) == as_double(b);
	}
	if (a->type != b->type)
		return false;
	switch (a->type) {
	case KP_NULL: return true;
	case KP_BOOL: return a->u.b == b->u.b;
	case KP_STRING:
		return a->u.s.len == b->u.s.len && !memcmp(a->u.s.ptr, b->u.s.ptr, a->u.s.len);
	case KP_SEQ:
		if (a->u.seq.n != b->u.seq.n)
			return false;
		for (size_t i = 0; i < a->u.seq.n; i++)
			if (!same_value(a->u.seq.items[i], b->u.seq.items[i]))
				return false;
		return true;
	case KP_MAP:
		if (a->u.map.n != b->u.map.n)
			return false;
		for (size_t i = 0; i < a->u.map.n; i++) {
			const kp_value *o = map_find(b, a->u.map.pairs[i].key);
			if (!o || !same_value(a->u.map.pairs[i].value, o))
				return false;
		}
		return true;
	default:
		return false;
	}
}

/* ---------------------------------------------------------------- one case */
typedef struct {
	kp_doc *docs[KP_MAX_DOCS];
	size_t n_docs;
	kp_error first_err;
	unsigned errors;
} kp_stream;

static void read_stream(const char *path, kp_yaml_parser parser, kp_stream *st)
{
	kp_read_opts o = {.parser = parser, .typing = KP_TYPING_YAML12, .raw = true};
	kp_error e;
	memset(st, 0, sizeof(*st));
	kp_reader *r = kp_reader_open_file(path, &o, &e);
	if (!r) {
		st->first_err = e;
		st->errors = 1;
		return;
	}
	for (int i = 0; i < 2 * KP_MAX_DOCS; i++) {
		kp_doc *d = NULL;
		int rc = kp_reader_next(r, &d, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			if (!st->errors++)
				st->first_err = e;
			continue;
		}
		if (st->n_docs < KP_MAX_DOCS)
			st->docs[st->n_docs++] = d;
		else
			kp_doc_free(d);
	}
	kp_reader_close(r);
}

static void free_stream(kp_stream *st)
{
	for (size_t i = 0; i < st->n_docs; i++)
		kp_doc_free(st->docs[i]);
	st->n_docs = 0;
}

/* Check one case with one loader; on a deviation, `why` says what. */
static bool check_case(const char *dir, kp_yaml_parser parser, char *why, size_t whylen)
{
	char path[4096];
	snprintf(path, sizeof path, "%s/in.yaml", dir);
	kp_stream *st = malloc(sizeof(*st));
	if (!st)
		abort();
	read_stream(path, parser, st);
	bool ok = true;
	if (exists(dir, "error")) {
		ok = st->errors > 0;
		if (!ok)
			snprintf(why, whylen, "accepted an invalid stream (%zu documents)", st->n_docs);
	} else if (st->errors) {
		ok = false;
		snprintf(why, whylen, "rejected a valid stream: %u:%u: %s", st->first_err.line,
			 st->first_err.col, st->first_err.msg);
	} else if (exists(dir, "in.json")) {
		snprintf(path, sizeof path, "%s/in.json", dir);
		size_t len = 0;
		char *text = slurp(path, &len);
		kp_arena *a = kp_arena_new();
		kp_json j = {text, text + len, a, false};
		size_t doc = 0;
		for (json_space(&j); ok && j.p < j.end && !j.bad; json_space(&j)) {
			kp_value *want = json_value(&j, 0);
			if (!want || want->type == KP_NULL) /* the reader skips null documents */
				continue;
			if (doc >= st->n_docs) {
				ok = false;
				snprintf(why, whylen, "%zu documents, in.json has more", st->n_docs);
			} else if (!same_value(kp_doc_root(st->docs[doc]), want)) {
				ok = false;
				snprintf(why, whylen, "document %zu differs from in.json", doc + 1);
			}
			doc++;
		}
		if (j.bad) {
			ok = false;
			snprintf(why, whylen, "cannot read in.json");
		} else if (ok && doc != st->n_docs) {
			ok = false;
			snprintf(why, whylen, "%zu documents, in.json has %zu", st->n_docs, doc);
		}
		kp_arena_free(a);
		free(text);
	}
	free_stream(st);
	free(st);
	return ok;
}

/* ---------------------------------------------------------------- dumping
 * `yaml-suite --dump LOADER FILE` prints what a loader reads, as JSON-like
 * text, to look into a deviation. */
static void dump_value(const kp_value *v)
{
	switch (v->type) {
	case KP_NULL: printf("null"); break;
	case KP_BOOL: printf(v->u.b ? "true" : "false"); break;
	case KP_INT: printf("%lld", (long long)v->u.i); break;
	case KP_FLOAT: printf("%.17g", v->u.f); break;
	case KP_STRING:
		putchar('"');
		for (size_t i = 0; i < v->u.s.len; i++) {
			unsigned char c = (unsigned char)v->u.s.ptr[i];
			if (c == '"' || c == '\\')
				printf("\\%c", c);
			else if (c < 0x20)
				printf("\\u%04x", c);
			else
				putchar(c);
		}
		putchar('"');
		break;
	case KP_SEQ:
		putchar('[');
		for (size_t i = 0; i < v->u.seq.n; i++) {
			if (i)
				putchar(',');
			dump_value(v->u.seq.items[i]);
		}
		putchar(']');
		break;
	case KP_MAP:
		putchar('{');
		for (size_t i = 0; i < v->u.map.n; i++) {
			if (i)
				putchar(',');
			dump_value(v->u.map.pairs[i].key);
			putchar(':');
			dump_value(v->u.map.pairs[i].value);
		}
		putchar('}');
		break;
	}
}

static int dump_file(const char *loader, const char *path)
{
	kp_read_opts o = {.parser = strcmp(loader, "libfyaml") ? KP_PARSER_LIBYAML
							       : KP_PARSER_LIBFYAML,
			  .typing = KP_TYPING_YAML12, .raw = true};
	kp_error e;
	kp_reader *r = kp_reader_open_file(path, &o, &e);
	if (!r) {
		printf("error %u:%u: %s\n", e.line, e.col, e.msg);
		return 1;
	}
	for (int i = 0; i < 2 * KP_MAX_DOCS; i++) {
		kp_doc *d = NULL;
		int rc = kp_reader_next(r, &d, &e);
		if (rc == 0)
			break;
		if (rc < 0) {
			printf("error %u:%u: %s\n", e.line, e.col, e.msg);
			continue;
		}
		dump_value(kp_doc_root(d));
		putchar('\n');
		kp_doc_free(d);
	}
	kp_reader_close(r);
	return 0;
}

/* ---------------------------------------------------------------- the run */
typedef struct {
	char case_id[64];
	char loader[16];
	bool seen;
} kp_known;

typedef struct {
	kp_known *known;
	size_t n_known;
	bool verbose;
	unsigned passed[2], failed[2], deviations[2];
} kp_suite;

static const kp_yaml_parser parsers[] = {KP_PARSER_LIBYAML, KP_PARSER_LIBFYAML};
static const char *const parser_names[] = {"libyaml", "libfyaml"};

static kp_known *find_known(kp_suite *s, const char *id, const char *loader)
{
	for (size_t i = 0; i < s->n_known; i++)
		if (!strcmp(s->known[i].case_id, id) &&
		    (!strcmp(s->known[i].loader, loader) || !strcmp(s->known[i].loader, "*")))
			return &s->known[i];
	return NULL;
}

static void run_case(kp_suite *s, const char *dir, const char *id)
{
	for (int p = 0; p < 2; p++) {
		char why[512] = "";
		bool ok = check_case(dir, parsers[p], why, sizeof why);
		kp_known *k = find_known(s, id, parser_names[p]);
		if (k)
			k->seen = true;
		if (ok && !k) {
			s->passed[p]++;
		} else if (ok) {
			printf("%s %s: passes: fixed, remove it from the known list\n", id, parser_names[p]);
			s->failed[p]++;
		} else if (k) {
			if (s->verbose)
				printf("%s %s: known deviation: %s\n", id, parser_names[p], why);
			s->deviations[p]++;
		} else {
			printf("%s %s: FAILED: %s\n", id, parser_names[p], why);
			s->failed[p]++;
		}
	}
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static int skip_dots(const struct dirent *e)
{
	return e->d_name[0] != '.';
}

/* A case directory, or a directory of numbered cases. */
static void run_dir(kp_suite *s, const char *dir, const char *id, int level)
{
	if (exists(dir, "in.yaml")) {
		run_case(s, dir, id);
		return;
	}
	if (level > 1)
		return;
	struct dirent **list;
	int n = scandir(dir, &list, skip_dots, by_name);
	for (int i = 0; i < n; i++) {
		char sub[4096], subid[64];
		struct stat st;
		snprintf(sub, sizeof sub, "%s/%s", dir, list[i]->d_name);
		if (level == 0)
			snprintf(subid, sizeof subid, "%s", list[i]->d_name);
		else
			snprintf(subid, sizeof subid, "%s/%s", id, list[i]->d_name);
		if (stat(sub, &st) == 0 && S_ISDIR(st.st_mode))
			run_dir(s, sub, subid, level + 1);
		free(list[i]);
	}
	if (n >= 0)
		free(list);
}

static void load_known(kp_suite *s, const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "yaml-suite: cannot open %s\n", path);
		exit(2);
	}
	char line[1024];
	while (fgets(line, sizeof line, f)) {
		char *hash = strchr(line, '#');
		if (hash)
			*hash = 0;
		kp_known k = {0};
		if (sscanf(line, "%63s %15s", k.case_id, k.loader) != 2)
			continue;
		s->known = realloc(s->known, (s->n_known + 1) * sizeof(*s->known));
		if (!s->known)
			abort();
		s->known[s->n_known++] = k;
	}
	fclose(f);
}

int main(int argc, char **argv)
{
	kp_suite s = {0};
	int i = 1;
	if (argc == 4 && !strcmp(argv[1], "--dump"))
		return dump_file(argv[2], argv[3]);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "-v"))
			s.verbose = true;
		else if (!strcmp(argv[i], "--known") && i + 1 < argc)
			load_known(&s, argv[++i]);
		else
			break;
	}
	if (i + 1 != argc) {
		fprintf(stderr, "usage: yaml-suite [--known FILE] [-v] SUITE_DIR\n");
		return 2;
	}
	run_dir(&s, argv[i], "", 0);
	unsigned stale = 0;
	for (size_t k = 0; k < s.n_known; k++)
		if (!s.known[k].seen) {
			printf("%s %s: listed, but no such case\n", s.known[k].case_id, s.known[k].loader);
			stale++;
		}
	for (int p = 0; p < 2; p++)
		printf("yaml-suite %s: %u passed, %u failed (%u known deviations)\n", parser_names[p],
		       s.passed[p], s.failed[p], s.deviations[p]);
	free(s.known);
	return s.failed[0] || s.failed[1] || stale ? 1 : 0;
}
