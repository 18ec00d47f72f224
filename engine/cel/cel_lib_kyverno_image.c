/* cel/cel_lib_kyverno_image.c - Kyverno's image library (kyverno/sdk
 * extensions/cel/libs/image): parseImageReference(s) and its deprecated
 * alias image(s) -> kyverno.image, isImage(s), and the members
 * containsDigest() registry() repository() identifier() tag() digest().
 *
 * Kyverno parses with go-containerregistry's name.ParseReference (weak
 * validation), not with the distribution/reference grammar of its
 * JMESPath image functions (engine/k8s/image_ref.c), so the rules here are
 * go-containerregistry's: the first '/'-part is the registry only when it
 * holds '.' or ':'; Docker Hub is "index.docker.io" ("docker.io" is
 * rewritten to it) and its one-part names get "library/"; the repository
 * is 2-255 of [a-z0-9_-./]; a tag is 1-127 of [A-Za-z0-9_.-] after the
 * last ':' not followed by '/'; a digest is 71 of "sh:0123456789abcdef"
 * after the one '@'; a registry must read back as the host of
 * url.Parse("//" + it).  A reference with both tag and digest is a digest
 * reference whose tag() and identifier() (tag@digest) Kyverno reads back
 * from the text. */
#include "cel/cel_int.h"

typedef struct image {
	cel_opaque h;
	cel_val text, registry, repository, tag, digest;
	bool is_digest;
} image;

static bool image_equal(const cel_opaque *a, const cel_opaque *b)
{
	const image *x = (const image *)a, *y = (const image *)b;
	return x->is_digest == y->is_digest && cel_equal(x->text, y->text);
}

static const cel_opaque_type image_type = {"kyverno.image", image_equal, NULL, NULL};

typedef struct span { const char *p; size_t n; } span;

static bool only(span s, const char *allowed)
{
	for (size_t i = 0; i < s.n; i++)
		if (!s.p[i] || !strchr(allowed, s.p[i]))
			return false;
	return true;
}

static const char repo_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_-./";
static const char tag_chars[] = "abcdefghijklmnopqrstuvwxyz0123456789_-.ABCDEFGHIJKLMNOPQRSTUVWXYZ";

/* url.Parse("//" + s).Host == s: no userinfo, path, query or fragment, a
 * valid optional port, host characters Go accepts. */
static bool registry_ok(span s)
{
	size_t hn = s.n;
	if (s.n && s.p[0] == '[') {
		const char *rb = memchr(s.p, ']', s.n);
		if (!rb)
			return false;
		hn = (size_t)(rb - s.p) + 1;
		if (hn < s.n && s.p[hn] != ':')
			return false;
	} else {
		for (size_t i = s.n; i-- > 0;)
			if (s.p[i] == ':') {
				hn = i;
				break;
			}
	}
	for (size_t i = hn + 1; i < s.n; i++)
		if (s.p[i] < '0' || s.p[i] > '9')
			return false;
	for (size_t i = 0; i < hn; i++) {
		unsigned char ch = (unsigned char)s.p[i];
		if (ch < 0x21 || ch >= 0x7f || strchr("/?#@%{}|\\^`", ch))
			return false;
	}
	return true;
}

typedef struct repo { span registry, repository; bool implicit_ns; } repo;

/* name.NewRepository */
static bool new_repository(span name, repo *r)
{
	if (!name.n)
		return false;
	span reg = {"", 0}, rp = name;
	const char *slash = memchr(name.p, '/', name.n);
	if (slash) {
		span first = {name.p, (size_t)(slash - name.p)};
		if (memchr(first.p, '.', first.n) || memchr(first.p, ':', first.n)) {
			reg = first;
			rp = (span){slash + 1, name.n - first.n - 1};
		}
	}
	if (rp.n < 2 || rp.n > 255 || !only(rp, repo_chars))
		return false;
	if (reg.n && !registry_ok(reg))
		return false;
	if (!reg.n || (reg.n == 9 && !memcmp(reg.p, "docker.io", 9)))
		reg = (span){"index.docker.io", 15};
	r->registry = reg;
	r->repository = rp;
	r->implicit_ns = !memchr(rp.p, '/', rp.n) && reg.n == 15 && !memcmp(reg.p, "index.docker.io", 15);
	return !(r->implicit_ns && rp.n + 8 > 255);
}

/* name.NewTag: the tag after the last ':' when no '/' follows it. */
static bool new_tag(span s, repo *r, span *tag)
{
	span base = s;
	*tag = (span){"", 0};
	for (size_t i = s.n; i-- > 0;)
		if (s.p[i] == ':') {
			span last = {s.p + i + 1, s.n - i - 1};
			if (!memchr(last.p, '/', last.n)) {
				base.n = i;
				*tag = last;
			}
			break;
		}
	if (tag->n && (tag->n > 127 || !only(*tag, tag_chars)))
		return false;
	return new_repository(base, r);
}

static cel_val span_val(cel_ctx *c, span s) { return cel_str(kp_arena_strndup(c->a, s.p, s.n), s.n); }

static cel_val repo_str(cel_ctx *c, const repo *r)
{
	if (!r->implicit_ns)
		return span_val(c, r->repository);
	char *s = kp_arena_printf(c->a, "library/%.*s", (int)r->repository.n, r->repository.p);
	return cel_str(s, strlen(s));
}

/* name.ParseReference; NULL (with *why) when it fails. */
static image *parse_ref(cel_ctx *c, const char *p, size_t n, const char **why)
{
	span s = {p, n};
	*why = NULL;
	if ((n >= 7 && !memcmp(p, "http://", 7)) || (n >= 8 && !memcmp(p, "https://", 8))) {
		*why = "url";
		return NULL;
	}
	repo r;
	span tag, digest = {"", 0};
	bool is_digest = false;
	if (!new_tag(s, &r, &tag)) {
		const char *at = memchr(p, '@', n);
		if (!at || memchr(at + 1, '@', n - (size_t)(at - p) - 1))
			return NULL;
		span base = {p, (size_t)(at - p)};
		digest = (span){at + 1, n - base.n - 1};
		if (digest.n != 71 || !only(digest, "sh:0123456789abcdef"))
			return NULL;
		repo tr;
		span tt;
		if (new_tag(base, &tr, &tt)) {
			/* base = tag.Repository.Name(): registry/repository */
			cel_val rs = repo_str(c, &tr);
			char *nb = kp_arena_printf(c->a, "%.*s/%.*s", (int)tr.registry.n, tr.registry.p,
						   (int)rs.u.s.n, rs.u.s.p);
			base = (span){nb, strlen(nb)};
		}
		if (!new_repository(base, &r))
			return NULL;
		is_digest = true;
		/* the tag Kyverno reads back from repo:tag@digest */
		const char *colon = NULL, *slash = NULL;
		for (const char *q = p; q < at; q++) {
			if (*q == ':')
				colon = q;
			if (*q == '/')
				slash = q;
		}
		tag = colon && (!slash || colon > slash) ? (span){colon + 1, (size_t)(at - colon - 1)}
							 : (span){"", 0};
	} else if (!tag.n) {
		tag = (span){"latest", 6};
	}
	image *im = kp_arena_alloc(c->a, sizeof *im);
	im->h.t = &image_type;
	im->text = span_val(c, s);
	im->registry = span_val(c, r.registry);
	im->repository = repo_str(c, &r);
	im->tag = span_val(c, tag);
	im->digest = span_val(c, digest);
	im->is_digest = is_digest;
	return im;
}

static cel_val fn_parse(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "parseImageReference");
	const char *why;
	image *im = parse_ref(c, a[0].u.s.p, a[0].u.s.n, &why);
	if (!im && why)
		return cel_err(c, "image reference must not contain a URL scheme (http:// or https://): "
			       "%.*s; to connect to a registry over plain HTTP, use name.Insecure",
			       (int)a[0].u.s.n, a[0].u.s.p);
	if (!im)
		return cel_err(c, "could not parse reference: %.*s", (int)a[0].u.s.n, a[0].u.s.p);
	return cel_opaque_val(&im->h);
}

static cel_val fn_is_image(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (a[0].kind != CEL_STRING)
		return cel_no_overload(c, "isImage");
	const char *why;
	return cel_bool(parse_ref(c, a[0].u.s.p, a[0].u.s.n, &why) != NULL);
}

#define MEMBER(fname, expr)                                            \
	static cel_val fn_##fname(cel_ctx *c, cel_val *a, size_t n)    \
	{                                                              \
		(void)n;                                               \
		if (!cel_is_opaque(a[0], &image_type))                 \
			return cel_no_overload(c, #fname);             \
		const image *im = (const image *)a[0].u.op;            \
		return expr;                                           \
	}

MEMBER(containsDigest, cel_bool(im->is_digest && im->digest.u.s.n))
MEMBER(registry, im->registry)
MEMBER(repository, im->repository)
MEMBER(tag, im->tag)
MEMBER(digest, im->digest)

static cel_val fn_identifier(cel_ctx *c, cel_val *a, size_t n)
{
	(void)n;
	if (!cel_is_opaque(a[0], &image_type))
		return cel_no_overload(c, "identifier");
	const image *im = (const image *)a[0].u.op;
	if (!im->is_digest)
		return im->tag;
	if (!im->tag.u.s.n)
		return im->digest;
	char *s = kp_arena_printf(c->a, "%.*s@%.*s", (int)im->tag.u.s.n, im->tag.u.s.p,
				  (int)im->digest.u.s.n, im->digest.u.s.p);
	return cel_str(s, strlen(s));
}

const cel_builtin cel_lib_kyverno_image[] = {
	{"image", 1 | CEL_FN_KYVERNO, 1, 1, fn_parse},
	{"parseImageReference", 1 | CEL_FN_KYVERNO, 1, 1, fn_parse},
	{"isImage", 1 | CEL_FN_KYVERNO, 1, 1, fn_is_image},
	{"containsDigest", 2 | CEL_FN_KYVERNO, 1, 1, fn_containsDigest},
	{"registry", 2 | CEL_FN_KYVERNO, 1, 1, fn_registry},
	{"repository", 2 | CEL_FN_KYVERNO, 1, 1, fn_repository},
	{"identifier", 2 | CEL_FN_KYVERNO, 1, 1, fn_identifier},
	{"tag", 2 | CEL_FN_KYVERNO, 1, 1, fn_tag},
	{"digest", 2 | CEL_FN_KYVERNO, 1, 1, fn_digest},
	{NULL, 0, 0, 0, NULL}
};
