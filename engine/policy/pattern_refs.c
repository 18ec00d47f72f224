/* pattern_refs.c - `$(...)` references in patterns (Kyverno's
 * substituteReferencesIfAny; ../shared/docs/kyverno-rules.md §5): each is
 * resolved against the pattern document itself, so a pattern's references
 * are resolved once, when the policy loads. */
#include "policy/policy.h"

#include <string.h>

/* The key without its anchor: "=(name)" -> "name". */
static void plain_key(const kp_value *k, const char **s, size_t *n)
{
	const char *key;
	size_t kl;
	kp_anchor an = kp_anchor_parse(k->u.s.ptr, k->u.s.len, &key, &kl);
	if (an == KP_ANCHOR_NONE || an == KP_ANCHOR_ADD) {
		*s = k->u.s.ptr;
		*n = k->u.s.len;
	} else {
		*s = key;
		*n = kl;
	}
}

/* The leaf at an absolute, anchor-free path ("/spec/x/0/y"), or NULL. */
static const kp_value *leaf_at(const kp_value *root, const char *path)
{
	const kp_value *v = root;
	const char *p = path;
	while (*p == '/') {
		p++;
		size_t n = strcspn(p, "/");
		if (!n)
			continue;
		if (kp_value_type(v) == KP_MAP) {
			const kp_value *next = NULL;
			for (size_t i = 0; i < v->u.map.n && !next; i++) {
				const char *k;
				size_t kl;
				plain_key(v->u.map.pairs[i].key, &k, &kl);
				if (kl == n && !memcmp(k, p, n))
					next = v->u.map.pairs[i].value;
			}
			v = next;
		} else if (kp_value_type(v) == KP_SEQ) {
			size_t idx = 0;
			for (size_t i = 0; i < n; i++) {
				if (p[i] < '0' || p[i] > '9')
					return NULL;
				idx = idx * 10 + (size_t)(p[i] - '0');
			}
			v = idx < v->u.seq.n ? v->u.seq.items[idx] : NULL;
		} else {
			return NULL;
		}
		if (!v)
			return NULL;
		p += n;
	}
	return kp_value_type(v) == KP_MAP || kp_value_type(v) == KP_SEQ ? NULL : v;
}

/* Go's path.Join(base, rel) (rel relative), or rel when absolute. */
static char *join_path(kp_arena *a, const char *base, const char *rel)
{
	char *joined = rel[0] == '/' ? kp_arena_strdup(a, rel) : kp_arena_printf(a, "%s/%s", base, rel);
	/* clean: drop empty and "." elements, ".." removes one */
	size_t n = strlen(joined);
	char *out = kp_arena_alloc(a, n + 2);
	size_t o = 0;
	for (const char *p = joined; *p;) {
		while (*p == '/')
			p++;
		size_t l = strcspn(p, "/");
		if (!l)
			break;
		if (l == 1 && p[0] == '.') {
		} else if (l == 2 && p[0] == '.' && p[1] == '.') {
			while (o > 0 && out[o - 1] != '/')
				o--;
			if (o > 0)
				o--;
		} else {
			out[o++] = '/';
			memcpy(out + o, p, l);
			o += l;
		}
		p += l;
	}
	if (!o)
		out[o++] = '/';
	out[o] = 0;
	return out;
}

/* A reference's value as text, with its operator prefix. */
static int resolve(kp_arena *a, const kp_value *root, const char *ref, size_t n,
		   const char *leaf_path, kp_buf *out, const char **err)
{
	/* strings.Trim(reference, "$()") */
	while (n && (*ref == '$' || *ref == '(' || *ref == ')'))
		ref++, n--;
	while (n && (ref[n - 1] == '$' || ref[n - 1] == '(' || ref[n - 1] == ')'))
		n--;
	size_t op_len = 0;
	kp_op op = kp_op_parse(ref, n, NULL, NULL, NULL, NULL);
	if (op != KP_OP_IN_RANGE && op != KP_OP_NOT_IN_RANGE)
		op_len = strlen(kp_op_token(op));
	else
		op = KP_OP_EQUAL;  /* a range is a path here, not an operator */
	const char *path = kp_arena_strndup(a, ref + op_len, n - op_len);
	if (!*path) {
		*err = "expected path, found empty reference";
		return -1;
	}
	const kp_value *v = leaf_at(root, join_path(a, leaf_path, path));
	if (!v || kp_value_type(v) == KP_NULL) {
		*err = kp_arena_printf(a, "got nil resolved variable $(%.*s) at path %s", (int)n, ref, leaf_path);
		return -1;
	}
	if (op == KP_OP_EQUAL) {
		if (kp_value_type(v) != KP_STRING) {
			*err = kp_arena_printf(a, "NotResolvedReferenceErr,reference %.*s not resolved at path %s",
					       (int)n, ref, leaf_path);
			return -1;
		}
		kp_buf_add(out, v->u.s.ptr, v->u.s.len);
		return 0;
	}
	kp_buf_add(out, ref, op_len);
	switch (kp_value_type(v)) {
	case KP_STRING: kp_buf_add(out, v->u.s.ptr, v->u.s.len); return 0;
	case KP_INT: kp_buf_printf(out, "%lld", (long long)v->u.i); return 0;
	case KP_FLOAT: {
		char num[400];   /* %f of the largest double: 309 digits */
		kp_go_float_f(v->u.f, num, sizeof num);
		kp_buf_puts(out, num);
		return 0;
	}
	default:
		*err = kp_arena_printf(a, "incorrect expression: operator %.*s does not match with value",
				       (int)op_len, ref);
		return -1;
	}
}

/* One string: references resolved, `\$(` escapes undone.  NULL with *err. */
static const kp_value *string_refs(kp_arena *a, const kp_value *root, const kp_value *s,
				   const char *leaf_path, const char **err)
{
	const char *t = s->u.s.ptr;
	size_t n = s->u.s.len;
	if (!memmem(t, n, "$(", 2))
		return s;
	kp_buf b;
	kp_buf_init(&b, a);
	size_t i = 0;
	while (i < n) {
		/* ^\$\(.[^ ]*\) or [^\\]\$\(.[^ ]*\): `$(`, one character, then
		 * no spaces up to the last `)` before a space */
		if (t[i] == '$' && i + 2 < n && t[i + 1] == '(' && (i == 0 || t[i - 1] != '\\')) {
			size_t e = i + 3;
			size_t close = 0;
			while (e < n && t[e] != ' ') {
				if (t[e] == ')')
					close = e;
				e++;
			}
			if (t[i + 2] == ')' && !close)
				close = i + 2;
			if (close) {
				if (resolve(a, root, t + i, close + 1 - i, leaf_path, &b, err) < 0)
					return NULL;
				i = close + 1;
				continue;
			}
		}
		if (t[i] == '\\' && i + 2 < n && t[i + 1] == '$' && t[i + 2] == '(') {
			i++;  /* RegexEscpReferences: the backslash goes */
			continue;
		}
		kp_buf_add(&b, t + i, 1);
		i++;
	}
	kp_value *v = kp_value_new(a, KP_STRING, s->file, s->line, s->col);
	v->style = s->style;
	v->u.s.ptr = kp_buf_str(&b);
	v->u.s.len = b.len;
	return v;
}

static const kp_value *walk(kp_arena *a, const kp_value *root, const kp_value *v, const char *path,
			    const char **err)
{
	switch (kp_value_type(v)) {
	case KP_STRING:
		return string_refs(a, root, v, path, err);
	case KP_SEQ: {
		kp_value *c = kp_value_new(a, KP_SEQ, v->file, v->line, v->col);
		c->u.seq.n = v->u.seq.n;
		c->u.seq.items = kp_arena_alloc(a, (v->u.seq.n + 1) * sizeof(kp_value *));
		for (size_t i = 0; i < v->u.seq.n; i++) {
			const kp_value *item = walk(a, root, v->u.seq.items[i],
						    kp_arena_printf(a, "%s/%zu", path, i), err);
			if (!item)
				return NULL;
			c->u.seq.items[i] = (kp_value *)item;
		}
		return c;
	}
	case KP_MAP: {
		kp_value *c = kp_value_new(a, KP_MAP, v->file, v->line, v->col);
		c->u.map.n = v->u.map.n;
		c->u.map.pairs = kp_arena_alloc(a, (v->u.map.n + 1) * sizeof(kp_pair));
		for (size_t i = 0; i < v->u.map.n; i++) {
			const kp_pair *p = &v->u.map.pairs[i];
			const char *k;
			size_t kl;
			plain_key(p->key, &k, &kl);
			const char *sub = kp_arena_printf(a, "%s/%.*s", path, (int)kl, k);
			const kp_value *key = string_refs(a, root, p->key, sub, err);
			const kp_value *val = key ? walk(a, root, p->value, sub, err) : NULL;
			if (!val)
				return NULL;
			c->u.map.pairs[i] = (kp_pair){(kp_value *)key, (kp_value *)val};
		}
		return c;
	}
	default:
		return v;
	}
}

const kp_value *kp_pattern_refs(kp_arena *a, const kp_value *pattern, const char **err)
{
	return walk(a, pattern, pattern, "", err);
}
