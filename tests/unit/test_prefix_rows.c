/* Unit tests: kp_evaluate's pattern prefixes (each distinct chain of plain
 * one-key levels looked up once per resource, the walk started below it)
 * give the rows of the walk from the root: in a set with more distinct
 * prefixes than the index numbers (the rest walk from the root), keys of
 * every length class the key compare has (1-3, 8, 9, 16, 17 bytes, '/',
 * '~', UTF-8), and a resource whose value at a prefix level is null, a
 * list, a scalar, an empty map or a map lacking the next step.  The paths
 * are the ones the build before the prefix (2f26e78) printed. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "policy/policy.h"
#include "doc_util.h"

#define N_RULES 40   /* two prefix levels each: 80, past the index's 64 */
#define N_ROWS (2 * N_RULES)

typedef struct prefix_rows {
	size_t n;
	char rule[N_ROWS][16];
	kp_status status[N_ROWS];
	char message[N_ROWS][160];
} prefix_rows;

static void collect(void *ud, const kp_result *r)
{
	prefix_rows *rs = ud;
	cr_assert_lt(rs->n, N_ROWS);
	snprintf(rs->rule[rs->n], sizeof rs->rule[0], "%s", r->rule);
	rs->status[rs->n] = r->status;
	snprintf(rs->message[rs->n], sizeof rs->message[0], "%s", r->message);
	rs->n++;
}

/* rule i's first key: a length class of the key compare, made unique */
static void key_of(char *buf, size_t cap, int i)
{
	static const char *const base[] = {"a", "ab", "abc", "abcdefg", "abcdefgh",
					   "abcdefghijklmno", "abcdefghijklmnop",
					   "x/y~z", "\xc3\xbc"};
	snprintf(buf, cap, "%s%d", base[i % 9], i);
}

/* what the resource has under rule i's key (flow YAML), by shape(i) */
static const char *const values[] = {"null", "[]", "s", "{}", "{a: null}",
				     "{a: {v: '2'}}", "{a: {v: '1'}}", "{a: []}"};
/* where the walk fails for each (after the key), "" for a pass */
static const char *const fails[] = {"", "", "", "a/", "a/", "a/v/", NULL, "a/"};

/* The policy (its rules numbered from 0) and the resource, as YAML. */
/* rule i's value in values[]: rule 31's, the last one numbered (with
 * its shorter prefix, 64), is a map with the value the pattern wants */
static int shape(int i)
{
	return (i + 7) % 8;
}

static void make_texts(char *pol, size_t pcap, char *res, size_t rcap)
{
	size_t pn = (size_t)snprintf(pol, pcap,
				     "apiVersion: kyverno.io/v1\nkind: ClusterPolicy\n"
				     "metadata: {name: p}\nspec:\n  rules:\n");
	size_t rn = (size_t)snprintf(res, rcap,
				     "apiVersion: v1\nkind: ConfigMap\n"
				     "metadata: {name: c, namespace: default}\n");
	for (int i = 0; i < N_RULES; i++) {
		char k[32];
		key_of(k, sizeof k, i);
		pn += (size_t)snprintf(pol + pn, pcap - pn,
				       "  - name: r%d\n"
				       "    match: {any: [{resources: {kinds: [ConfigMap]}}]}\n"
				       "    validate: {message: m, pattern: {'%s': {a: {v: '1'}}}}\n",
				       i, k);
		rn += (size_t)snprintf(res + rn, rcap - rn, "'%s': %s\n", k, values[shape(i)]);
	}
}

/* The rows of the policy added `copies` times (each copy's rows in turn). */
static void check_rows(int copies)
{
	static char pol[N_RULES * 256], res[N_RULES * 64 + 256];
	make_texts(pol, sizeof pol, res, sizeof res);
	kp_policy_set *ps = kp_policy_set_new();
	kp_error err;
	kp_doc *pd = doc_of(pol);
	for (int c = 0; c < copies; c++)
		cr_assert_eq(kp_policy_set_add(ps, pd, &err), 1, "%s", err.msg);
	kp_doc_free(pd);
	kp_policy_set_seal(ps);
	kp_doc *d = doc_of(res);
	kp_doc_normalize_resource(d);
	prefix_rows rs = {0};
	cr_assert_eq(kp_evaluate(NULL, ps, d, NULL, collect, &rs, &err), N_RULES * copies,
		     "%s", err.msg);
	for (size_t j = 0; j < rs.n; j++) {
		int i = (int)(j % N_RULES);
		char k[32], name[16], want[160];
		key_of(k, sizeof k, i);
		snprintf(name, sizeof name, "r%d", i);
		cr_assert_str_eq(rs.rule[j], name);
		if (!fails[shape(i)]) {
			cr_assert_eq(rs.status[j], KP_STATUS_PASS, "%s", name);
			snprintf(want, sizeof want, "validation rule '%s' passed.", name);
		} else {
			cr_assert_eq(rs.status[j], KP_STATUS_FAIL, "%s: %s", name, rs.message[j]);
			snprintf(want, sizeof want,
				 "validation error: m. rule %s failed at path /%s/%s", name, k,
				 fails[shape(i)]);
		}
		cr_assert_str_eq(rs.message[j], want);
	}
	kp_doc_free(d);
	kp_policy_set_free(ps);
}

Test(prefix_rows, rows_past_the_index_s_64_prefixes_read_as_the_walk_from_the_root)
{
	check_rows(1);
}

/* `-p X -p X`: the copies share every prefix number. */
Test(prefix_rows, a_policy_added_twice_gives_its_rows_twice)
{
	check_rows(2);
}
