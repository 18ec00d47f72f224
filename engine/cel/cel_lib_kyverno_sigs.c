/* cel/cel_lib_kyverno_sigs.c - the declared overloads of Kyverno's pure
 * CEL libraries (kyverno/sdk extensions/cel/libs/<lib>/lib.go), for the
 * checker: what cel-go rejects at compile time (`sha256(1)`,
 * `isImage(0)`, `"x".registry()`) kpolicy rejects too.  Arguments
 * declared dyn (json.marshal, gzip.compress) take anything. */
#include "cel/cel_int.h"

const cel_sig cel_kyverno_sigs[] = {
	/* image (libs/image) */
	{"image", false, "s", 'I'},
	{"parseImageReference", false, "s", 'I'},
	{"isImage", false, "s", 'B'},
	{"containsDigest", true, "I", 'B'},
	{"registry", true, "I", 's'},
	{"repository", true, "I", 's'},
	{"identifier", true, "I", 's'},
	{"tag", true, "I", 's'},
	{"digest", true, "I", 's'},
	/* user */
	{"parseServiceAccount", false, "s", 'A'},
	{"user.parseServiceAccount", false, "s", 'A'},
	/* hash */
	{"sha1", false, "s", 's'},
	{"sha256", false, "s", 's'},
	{"md5", false, "s", 's'},
	{"hash.sha1", false, "s", 's'},
	{"hash.sha256", false, "s", 's'},
	{"hash.md5", false, "s", 's'},
	/* math (the one-argument math.round is cel-go's ext) */
	{"math.round", false, "di", 'd'},
	/* json / yaml: members of the `json` and `yaml` handles */
	{"json.unmarshal", false, "D", 'D'},
	{"json.marshal", false, "D", 's'},
	{"yaml.parse", false, "s", 'D'},
	/* x509 */
	{"x509.decode", false, "s", 'D'},
	/* time */
	{"time.now", false, "", 't'},
	{"time.truncate", false, "tu", 't'},
	{"time.toCron", false, "t", 's'},
	/* transform */
	{"listObjToMap", false, "llss", 'm'},
	{"transform.listObjToMap", false, "llss", 'm'},
	/* gzip */
	{"gzip.decompress", false, "b", 's'},
	{"gzip.compress", false, "D", 'b'},
	/* random */
	{"random", false, "", 's'},
	{"random", false, "s", 's'},
	{"random.random", false, "", 's'},
	{"random.random", false, "s", 's'},
	{NULL, false, NULL, 0}
};

static const cel_sig *const sig_tables[] = {cel_kyverno_sigs, NULL};

const cel_sig *cel_sig_lookup(const char *name, bool member, size_t nargs)
{
	for (int t = 0; sig_tables[t]; t++)
		for (const cel_sig *s = sig_tables[t]; s->name; s++)
			if (s->member == member && strlen(s->args) == nargs && !strcmp(s->name, name))
				return s;
	return NULL;
}

/* Kyverno library functions kpolicy recognises but does not evaluate
 * (calling one makes the expression unsupported):
 * - gzip.compress: Kyverno's bytes are Go's compress/flate output, which
 *   is not byte-identical to zlib's;
 * - random(pattern): goregen's generator over Go regular expressions. */
static const struct { const char *name; size_t nargs; } unsupported[] = {
	{"gzip.compress", 1}, {"random", 1}, {"random.random", 1},
	{NULL, 0}
};

bool cel_kyverno_unsupported(const char *name, size_t nargs)
{
	for (size_t i = 0; unsupported[i].name; i++)
		if (unsupported[i].nargs == nargs && !strcmp(unsupported[i].name, name))
			return true;
	return false;
}
