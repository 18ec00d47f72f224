/* image_ref.c - container image references as Kyverno's pkg/utils/image
 * parses them (GetImageInfo): the default registry is prefixed unless the
 * text before the first '/' looks like a host (has '.' or ':', is
 * "localhost", or has upper case), then distribution/reference's grammar:
 * domain, lower-case path components, tag, digest (sha256/384/512). */
#include "k8s/k8s.h"

#include <string.h>

static bool lower_alnum(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }
static bool alnum(char c) { return lower_alnum(c) || (c >= 'A' && c <= 'Z'); }

/* [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static bool path_component(const char *s, size_t n)
{
	if (n == 0 || !lower_alnum(s[0]) || !lower_alnum(s[n - 1]))
		return false;
	for (size_t i = 0; i < n;) {
		if (lower_alnum(s[i])) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && !lower_alnum(s[j]))
			j++;
		size_t k = j - i;
		bool ok = (k == 1 && (s[i] == '.' || s[i] == '_')) || (k == 2 && !memcmp(s + i, "__", 2));
		for (size_t m = i; !ok && m < j && s[m] == '-'; m++)
			ok = m + 1 == j;
		if (!ok)
			return false;
		i = j;
	}
	return true;
}

/* domain-component (\. domain-component)* (:[0-9]+)? */
static bool domain(const char *s, size_t n)
{
	const char *colon = memchr(s, ':', n);
	size_t hn = colon ? (size_t)(colon - s) : n;
	if (colon) {
		if (colon + 1 == s + n)
			return false;
		for (const char *p = colon + 1; p < s + n; p++)
			if (*p < '0' || *p > '9')
				return false;
	}
	size_t start = 0;
	for (size_t i = 0; i <= hn; i++) {
		if (i < hn && s[i] != '.')
			continue;
		size_t l = i - start;
		if (l == 0 || !alnum(s[start]) || !alnum(s[i - 1]))
			return false;
		for (size_t k = start; k < i; k++)
			if (!alnum(s[k]) && s[k] != '-')
				return false;
		start = i + 1;
	}
	return true;
}

static bool tag_ok(const char *s, size_t n)
{
	if (n == 0 || n > 128)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!(alnum(s[i]) || s[i] == '_' || (i > 0 && (s[i] == '.' || s[i] == '-'))))
			return false;
	return true;
}

static bool xdigit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

/* algorithm:hex with a registered algorithm and the right length (lower-case hex). */
static bool digest_ok(const char *s, size_t n, const char **why)
{
	const char *colon = memchr(s, ':', n);
	if (!colon) {
		*why = "invalid reference format";
		return false;
	}
	size_t al = (size_t)(colon - s), hl = n - al - 1;
	const char *h = colon + 1;
	if (al == 0 || hl < 32) {
		*why = "invalid reference format";
		return false;
	}
	for (size_t i = 0; i < hl; i++)
		if (!xdigit(h[i])) {
			*why = "invalid reference format";
			return false;
		}
	size_t want = al == 6 && !memcmp(s, "sha256", 6) ? 64
		      : al == 6 && !memcmp(s, "sha384", 6) ? 96
		      : al == 6 && !memcmp(s, "sha512", 6) ? 128 : 0;
	if (!want) {
		*why = "unsupported digest algorithm";
		return false;
	}
	for (size_t i = 0; i < hl; i++)
		if (h[i] >= 'A' && h[i] <= 'F') {
			*why = "invalid checksum digest format";
			return false;
		}
	if (hl != want) {
		*why = "invalid checksum digest length";
		return false;
	}
	return true;
}

bool kp_image_ref_parse(const char *s, size_t n, const char *default_registry,
			kp_arena *a, kp_image_ref *out, const char **why)
{
	memset(out, 0, sizeof *out);
	*why = "invalid reference format";
	const char *slash = memchr(s, '/', n);
	bool prefix = !slash;
	if (slash) {
		size_t fl = (size_t)(slash - s);
		bool hosty = memchr(s, '.', fl) || memchr(s, ':', fl) || (fl == 9 && !memcmp(s, "localhost", 9));
		bool lower = true;
		for (size_t i = 0; i < fl; i++)
			lower = lower && !(s[i] >= 'A' && s[i] <= 'Z');
		prefix = !hosty && lower;
	}
	const char *full = s;
	size_t fn = n;
	if (prefix) {
		char *f = kp_arena_printf(a, "%s/%.*s", default_registry, (int)n, s);
		full = f;
		fn = strlen(f);
	}
	/* name[:tag][@digest] */
	const char *at = memchr(full, '@', fn);
	size_t name_end = at ? (size_t)(at - full) : fn;
	if (at) {
		out->digest = at + 1;
		out->digest_len = fn - name_end - 1;
		if (!digest_ok(out->digest, out->digest_len, why))
			return false;
	}
	const char *last_slash = NULL;
	for (size_t i = 0; i < name_end; i++)
		if (full[i] == '/')
			last_slash = full + i;
	const char *colon = NULL;
	for (const char *p = last_slash ? last_slash : full; p < full + name_end; p++)
		if (*p == ':')
			colon = p;
	if (colon) {
		out->tag = colon + 1;
		out->tag_len = (size_t)(full + name_end - colon - 1);
		if (!tag_ok(out->tag, out->tag_len))
			return false;
		name_end = (size_t)(colon - full);
	}
	if (name_end == 0)
		return false;
	if (name_end > 255) {
		*why = "repository name must not be more than 255 characters";
		return false;
	}
	/* domain/path: the first component is the domain when it is one and
	 * more follow */
	const char *first = memchr(full, '/', name_end);
	size_t ps = 0;
	if (first && domain(full, (size_t)(first - full))) {
		out->registry = full;
		out->registry_len = (size_t)(first - full);
		ps = out->registry_len + 1;
	}
	out->path = full + ps;
	out->path_len = name_end - ps;
	size_t cs = ps;
	for (size_t i = ps; i <= name_end; i++) {
		if (i < name_end && full[i] != '/')
			continue;
		if (!path_component(full + cs, i - cs)) {
			for (size_t k = ps; k < name_end; k++)
				if (full[k] >= 'A' && full[k] <= 'Z')
					*why = "repository name must be lowercase";
			return false;
		}
		cs = i + 1;
	}
	const char *ls = out->path;
	for (size_t i = 0; i < out->path_len; i++)
		if (out->path[i] == '/')
			ls = out->path + i + 1;
	out->name = ls;
	out->name_len = (size_t)(out->path + out->path_len - ls);
	if (!out->tag && !out->digest) {
		out->tag = "latest";
		out->tag_len = 6;
	}
	return true;
}
