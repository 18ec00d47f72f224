/* Unit tests: whole-tree pattern matching (validate.MatchPattern), anchors,
 * metadata wildcard keys, compile errors, anyPattern and rule messages. */
#include "pattern_util.h"

TestSuite(pattern, .fini = kp_t_cleanup);
TestSuite(message, .fini = kp_t_cleanup);

#define ST(r) kp_status_name((r).status)

static void expect(const char *pattern, const char *resource, const char *status,
		   const char *path)
{
	kp_pat_result r = pmatch(pattern, resource);
	cr_assert_str_eq(ST(r), status, "%s vs %s: got %s %s (%s)", pattern, resource,
			 ST(r), r.path, r.error);
	cr_assert_str_eq(r.path, path, "%s vs %s: path", pattern, resource);
}

Test(pattern, plain_keys_and_leaves)
{
	expect("{spec: {replicas: '>1'}}", "{spec: {replicas: 3}}", "pass", "");
	expect("{spec: {replicas: '>1'}}", "{spec: {replicas: 1}}", "fail", "/spec/replicas/");
	expect("{spec: {replicas: '<3'}}", "{spec: {}}", "pass", "");  /* null as 0 */
	expect("{spec: {name: '?*'}}", "{spec: {}}", "fail", "/spec/name/");
	expect("{spec: {template: {x: 1}}}", "{spec: {template: 5}}", "fail", "/spec/template/");
	expect("{a: [1]}", "{a: x}", "fail", "/a/");
}

Test(pattern, star_at_missing_key_reports_parent_path)
{
	expect("{spec: {containers: [{name: '*', image: '*'}]}}",
	       "{spec: {containers: [{name: a, image: b}, {name: c}]}}",
	       "fail", "/spec/containers/1/");
	expect("{spec: {x: '*'}}", "{spec: {x: null}}", "fail", "/spec/");
	expect("{spec: {x: '*'}}", "{spec: {x: 0}}", "pass", "");
}

Test(pattern, scalar_pattern_against_list)
{
	expect("{spec: {args: ['--safe*']}}", "{spec: {args: [--safe-mode, --debug]}}",
	       "fail", "/spec/args/");
	expect("{spec: {args: ['--*']}}", "{spec: {args: [--a, --b]}}", "pass", "");
	expect("{a: 'x*'}", "{a: [x1, y]}", "fail", "/a/");
	expect("{a: 'x*'}", "{a: []}", "pass", "");
}

Test(pattern, lists_of_maps_use_only_the_first_pattern)
{
	expect("{c: [{image: 'nginx*'}, {image: never}]}", "{c: [{image: nginx:1}]}", "pass", "");
	expect("{c: [{image: 'nginx*'}]}", "{c: []}", "pass", "");
	expect("{c: []}", "{c: [1]}", "fail", "/c/");
}

Test(pattern, nested_list_length_mismatch_is_an_error)
{
	expect("{a: [[1]]}", "{a: []}", "error", "");
	expect("{a: [[1], [2]]}", "{a: [[1], [2]]}", "pass", "");
	expect("{a: [[1], [2]]}", "{a: [[1], [3]]}", "fail", "/a/1/");
}

Test(pattern, existence_anchor)
{
	const char *p = "{spec: {'^(containers)': [{image: 'nginx*'}]}}";
	expect(p, "{spec: {containers: [{image: busybox}, {image: nginx:1}]}}", "pass", "");
	expect(p, "{spec: {containers: [{image: busybox}]}}", "fail", "/spec/containers/");
	expect(p, "{spec: {containers: []}}", "fail", "/spec/containers/");
	expect(p, "{spec: {containers: 5}}", "fail", "/spec/containers/");
	expect(p, "{spec: {}}", "pass", "");
}

Test(pattern, negation_anchor)
{
	const char *p = "{spec: {'X(hostNetwork)': '*'}}";
	expect(p, "{spec: {hostNetwork: false}}", "fail", "/spec/hostNetwork/");
	expect(p, "{spec: {hostNetwork: null}}", "fail", "/spec/hostNetwork/");
	expect(p, "{spec: {}}", "pass", "");
	/* a negation failure inside a conditional subtree becomes a skip */
	expect("{spec: {'(sc)': {'X(p)': 1}}}", "{spec: {sc: {p: true}}}", "skip", "");
}

Test(pattern, conditional_anchor)
{
	const char *p = "{spec: {containers: [{'(name)': 'web-*', image: 'nginx*'}]}}";
	expect(p, "{spec: {containers: [{name: web-1, image: nginx:1}]}}", "pass", "");
	expect(p, "{spec: {containers: [{name: web-1, image: redis}]}}", "fail",
	       "/spec/containers/0/image/");
	/* no element selected: the rule is skipped */
	expect(p, "{spec: {containers: [{name: db, image: redis}]}}", "skip", "");
	/* a missing conditional key skips that element */
	expect(p, "{spec: {containers: [{image: redis}, {name: web-2, image: nginx}]}}",
	       "pass", "");
}

Test(pattern, conditional_anchor_hides_sibling_anchor_failures)
{
	const char *p = "{spec: {'=(initContainers)': [{'(name)': '!istio-init', "
			"'=(securityContext)': {'=(runAsUser)': '>0'}}], "
			"'=(containers)': [{'=(securityContext)': {'=(runAsUser)': '>0'}}]}}";
	expect(p, "{spec: {initContainers: [{name: istio-init, securityContext: {runAsUser: 0}}], "
		  "containers: [{securityContext: {runAsUser: 1000}}]}}", "pass", "");
	expect(p, "{spec: {initContainers: [{name: istio-init, securityContext: {runAsUser: 1000}}], "
		  "containers: [{securityContext: {runAsUser: 0}}]}}", "fail",
	       "/spec/containers/0/securityContext/runAsUser/");
	expect(p, "{spec: {initContainers: [{name: other, securityContext: {runAsUser: 0}}]}}",
	       "fail", "/spec/initContainers/0/securityContext/runAsUser/");
}

Test(pattern, global_anchor)
{
	const char *p = "{spec: {containers: [{name: '*', '<(image)': '*:latest', "
			"imagePullPolicy: '!Always'}]}}";
	expect(p, "{spec: {containers: [{name: n, image: 'nginx:v1', imagePullPolicy: Always}]}}",
	       "skip", "");
	expect(p, "{spec: {containers: [{name: n, image: 'nginx:latest', imagePullPolicy: Always}]}}",
	       "fail", "/spec/containers/0/imagePullPolicy/");
	expect(p, "{spec: {containers: [{name: n, image: 'nginx:latest', imagePullPolicy: IfNotPresent},"
		  "{name: n, image: 'nginx:v2', imagePullPolicy: IfNotPresent}]}}", "pass", "");
	/* reached through plain keys only: the whole rule skips, even though a
	 * sibling fails (keys holding anchors go first) */
	expect("{metadata: {labels: {'<(app)': web}}, spec: {replicas: '>1'}}",
	       "{metadata: {labels: {app: api}}, spec: {replicas: 0}}", "skip", "");
	expect("{metadata: {labels: {'<(app)': web}}, spec: {replicas: '>1'}}",
	       "{metadata: {labels: {app: web}}, spec: {replicas: 0}}", "fail", "/spec/replicas/");
	/* a missing global key passes */
	expect("{spec: {'<(x)': 1, y: 2}}", "{spec: {y: 2}}", "pass", "");
}

Test(pattern, equality_anchor)
{
	const char *p = "{spec: {'=(hostPath)': {path: '!/var/run*'}}}";
	expect(p, "{spec: {}}", "pass", "");
	expect(p, "{spec: {hostPath: {path: /data}}}", "pass", "");
	expect(p, "{spec: {hostPath: {path: /var/run/docker.sock}}}", "fail",
	       "/spec/hostPath/path/");
}

Test(pattern, add_anchor_is_a_literal_key_when_lenient)
{
	expect("{spec: {'+(x)': 1}}", "{spec: {x: 1}}", "fail", "/spec/+(x)/");
}

Test(pattern, phase_two_order_decides_the_reported_path)
{
	/* keys holding anchors go first, in reverse sorted order */
	expect("{aaa: 1, zzz: {'=(x)': 1}}", "{aaa: 2, zzz: {x: 2}}", "fail", "/zzz/x/");
	expect("{b: {'=(x)': 1}, c: {'=(x)': 1}}", "{b: {x: 2}, c: {x: 2}}", "fail", "/c/x/");
	expect("{b: 1, c: 1}", "{b: 2, c: 2}", "fail", "/b/");
}

Test(pattern, missing_anchor_key_turns_failure_into_error)
{
	kp_pat_result r = pmatch("{'^(list)': [{'(k)': v}]}", "{list: [{x: 1}]}");
	cr_assert_str_eq(ST(r), "error");
	cr_assert_str_eq(r.path, "");
	cr_assert_str_eq(r.error, "existence anchor validation failed at path /list/");
}

Test(pattern, metadata_wildcard_keys)
{
	expect("{metadata: {labels: {'app.kubernetes.io/*': '?*'}}}",
	       "{metadata: {labels: {app.kubernetes.io/name: web}}}", "pass", "");
	expect("{metadata: {labels: {'app.kubernetes.io/*': '?*'}}}",
	       "{metadata: {labels: {other: x}}}", "fail", "/metadata/labels/app.kubernetes.io/*/");
	expect("{metadata: {labels: {'=(team-*)': 'a*'}}}",
	       "{metadata: {labels: {team-x: b}}}", "fail", "/metadata/labels/team-x/");
	expect("{metadata: {labels: {'=(team-*)': 'a*'}}}",
	       "{metadata: {labels: {foo: bar}}}", "pass", "");
	/* non-string label patterns are dropped by the expansion */
	expect("{metadata: {labels: {app: web, n: 5}}}",
	       "{metadata: {labels: {app: web}}}", "pass", "");
	/* the expansion also applies below the root (pod templates) */
	expect("{spec: {template: {metadata: {annotations: {'x/*': 'v*'}}}}}",
	       "{spec: {template: {metadata: {annotations: {x/a: v1}}}}}", "pass", "");
	/* resource labels that are not strings are no candidates (y is a YAML 1.1
	 * boolean under Kubernetes typing) */
	expect("{metadata: {labels: {'x*': '*'}}}", "{metadata: {labels: {xa: y}}}",
	       "fail", "/metadata/labels/");
	/* wildcard keys anywhere else are literal */
	expect("{spec: {'a*': 1}}", "{spec: {ab: 1}}", "fail", "/spec/a*/");
}

Test(pattern, anchor_syntax)
{
	const char *k;
	size_t kl;
	cr_assert_eq(kp_anchor_parse("(a)", 3, &k, &kl), KP_ANCHOR_COND);
	cr_assert_eq(kp_anchor_parse(" =(a) ", 6, &k, &kl), KP_ANCHOR_EQUAL);
	cr_assert_eq(kl, 1);
	/* Go's regex ^([+<=X^])?\((.+)\)$ takes ((a)) as a condition on "(a)" */
	cr_assert_eq(kp_anchor_parse("((a))", 5, &k, &kl), KP_ANCHOR_COND);
	cr_assert_eq(kl, 3);
	cr_assert_eq(kp_anchor_parse("X(", 2, &k, &kl), KP_ANCHOR_NONE);
	cr_assert_eq(kp_anchor_parse("=()", 3, &k, &kl), KP_ANCHOR_NONE);
	cr_assert_eq(kp_anchor_parse("Xa)", 3, &k, &kl), KP_ANCHOR_NONE);
	cr_assert_eq(kp_anchor_parse("(a\nb)", 5, &k, &kl), KP_ANCHOR_NONE);
	cr_assert_eq(kp_anchor_parse("<(a)", 4, &k, &kl), KP_ANCHOR_GLOBAL);
	cr_assert_eq(kp_anchor_parse("^(a)", 4, &k, &kl), KP_ANCHOR_EXIST);
	cr_assert_eq(kp_anchor_parse("+(a)", 4, &k, &kl), KP_ANCHOR_ADD);
	cr_assert_eq(kp_anchor_parse("X(a)", 4, &k, &kl), KP_ANCHOR_NEG);
	/* a malformed anchor is a plain key */
	expect("{'=()': 1}", "{'=()': 1}", "pass", "");
}

Test(pattern, strict_compile_errors_name_the_key)
{
	kp_arena *a = kp_arena_new();
	kp_error err;
	cr_assert_null(kp_pat_compile(a, yv("spec:\n  '+(x)': 1\n"), KP_PAT_STRICT,
				      "validate.pattern", &err));
	cr_assert_eq(err.code, KP_E_PATTERN);
	cr_assert_eq(err.line, 2);
	cr_assert_eq(err.col, 3);
	cr_assert_str_eq(err.path, "validate.pattern/spec/+(x)");
	cr_assert_str_eq(err.msg, "unsupported anchor +(x)");
	cr_assert_null(kp_pat_compile(a, yv("spec:\n  ^(c): x\n"), KP_PAT_STRICT, "", &err));
	cr_assert_null(kp_pat_compile(a, yv("spec:\n  ^(c): []\n"), KP_PAT_STRICT, "", &err));
	/* odd strings are valid patterns */
	cr_assert_not_null(kp_pat_compile(a, yv("{a: '>>5', b: '!', c: '|&|'}"), KP_PAT_STRICT,
					  "", &err));
	kp_arena_free(a);
}

Test(pattern, public_api)
{
	kp_error err;
	kp_pattern *p = kp_pattern_compile(yv("{spec: {replicas: '<=3'}}"), &err);
	cr_assert_not_null(p);
	kp_match m;
	const kp_value *res = yv("{spec: {replicas: 5}}");
	kp_pattern_match(p, res, &m);
	cr_assert_eq(m.status, KP_STATUS_FAIL);
	cr_assert_str_eq(m.path, "/spec/replicas/");
	cr_assert_eq(m.node, kp_value_path(res, "spec/replicas"));
	cr_assert_str_eq(m.message, "resource value '5' does not match '<=3' at path /spec/replicas/");
	kp_pattern_free(p);
	cr_assert_null(kp_pattern_compile(yv("{'+(a)': 1}"), &err));
	kp_pattern_free(NULL);
}

Test(pattern, failure_node_is_deepest_existing)
{
	const kp_value *res = yv("{spec: {containers: [{name: a}]}}");
	kp_arena *a = kp_arena_new();
	kp_error err;
	kp_pat_root *p = kp_pat_compile(a, yv("{spec: {containers: [{image: 'x*'}]}}"), 0, "", &err);
	kp_pat_result r;
	kp_pat_match(p, res, a, &r);
	cr_assert_str_eq(r.path, "/spec/containers/0/image/");
	cr_assert_eq(r.node, kp_value_path(res, "spec/containers/0"));
	kp_arena_free(a);
}

Test(message, rule_messages)
{
	kp_arena *a = kp_arena_new();
	kp_pat_result r = {.status = KP_STATUS_FAIL, .path = "/a/", .error = "x"};
	cr_assert_str_eq(kp_pat_rule_message(a, "r", NULL, &r),
			 "validation error: rule r failed at path /a/");
	cr_assert_str_eq(kp_pat_rule_message(a, "r", "must be set", &r),
			 "validation error: must be set. rule r failed at path /a/");
	cr_assert_str_eq(kp_pat_rule_message(a, "r", "ends.", &r),
			 "validation error: ends. rule r failed at path /a/");
	r.status = KP_STATUS_ERROR;
	r.path = "";
	r.error = "boom";
	cr_assert_str_eq(kp_pat_rule_message(a, "r", NULL, &r),
			 "validation error: rule r execution error: boom");
	cr_assert_str_eq(kp_pat_rule_message(a, "r", "m", &r),
			 "validation error: m. rule r execution error: boom");
	r.status = KP_STATUS_PASS;
	cr_assert_str_eq(kp_pat_rule_message(a, "r", "m", &r), "validation rule 'r' passed.");
	kp_arena_free(a);
}

static void any(const char *const *pats, size_t n, const char *res, const char *msg,
		kp_any_result *out, kp_arena *a)
{
	kp_error err;
	const kp_pat_root *roots[8];
	for (size_t i = 0; i < n; i++)
		roots[i] = kp_pat_compile(a, yv(pats[i]), 0, "", &err);
	kp_pat_match_any(roots, n, yv(res), "r", msg, a, out);
}

Test(message, any_pattern)
{
	kp_arena *a = kp_arena_new();
	kp_any_result o;
	const char *two[] = {"{a: 1}", "{b: 1}"};
	any(two, 2, "{a: 2, b: 1}", NULL, &o, a);
	cr_assert_eq(o.status, KP_STATUS_PASS);
	cr_assert_eq(o.passed_index, 1);
	cr_assert_str_eq(o.message, "validation rule 'r' anyPattern[1] passed.");
	any(two, 2, "{a: 2, b: 2}", "need a or b", &o, a);
	cr_assert_eq(o.status, KP_STATUS_FAIL);
	cr_assert_str_eq(o.path, "/a/");
	cr_assert_str_eq(o.message, "validation error: need a or b. rule r[0] failed at path /a/ "
				    "rule r[1] failed at path /b/");
	const char *skip_fail[] = {"{'(k)': 1, a: 1}", "{b: 1}"};
	any(skip_fail, 2, "{k: 2, b: 2}", NULL, &o, a);
	cr_assert_eq(o.status, KP_STATUS_FAIL);
	cr_assert_str_eq(o.path, "/b/");
	cr_assert_str_eq(o.message, "validation error: rule r[1] failed at path /b/");
	const char *skips[] = {"{'(k)': 1}", "{'(j)': 1}"};
	any(skips, 2, "{k: 2}", NULL, &o, a);
	cr_assert_eq(o.status, KP_STATUS_SKIP);
	const char *err_first[] = {"{x: [[1]]}"};
	any(err_first, 1, "{x: []}", NULL, &o, a);
	cr_assert_eq(o.status, KP_STATUS_FAIL);
	cr_assert_str_eq(o.message, "validation error: rule r[0] failed: validate Array failed, "
				    "array length mismatch, resource Array len is 0 and pattern "
				    "Array len is 1");
	kp_arena_free(a);
}

/* Operands matched by byte tests (A*B, *A*) agree with the wildcard
 * matcher, including non-ASCII text and a * that must match nothing. */
Test(pattern, star_operands_by_bytes)
{
	expect("{i: '*:*'}", "{i: 'nginx:1.2'}", "pass", "");
	expect("{i: '*:*'}", "{i: 'nginx'}", "fail", "/i/");
	expect("{i: '!*:latest'}", "{i: 'nginx:latest'}", "fail", "/i/");
	expect("{i: '!*:latest'}", "{i: 'nginx:1'}", "pass", "");
	expect("{i: 'ab*ba'}", "{i: 'aba'}", "fail", "/i/");    /* A and B may not overlap */
	expect("{i: 'ab*ba'}", "{i: 'abba'}", "pass", "");
	expect("{i: 'a*'}", "{i: 'a\u00e9'}", "pass", "");
	expect("{i: '*\u00e9'}", "{i: 'x\u00e9'}", "pass", "");  /* non-ASCII: general matcher */
	expect("{i: '*reg*'}", "{i: 'my.registry.io/x'}", "pass", "");
	expect("{i: '*reg*'}", "{i: 're'}", "fail", "/i/");
	expect("{i: '**'}", "{i: ''}", "pass", "");
	expect("{n: '*2'}", "{n: 12}", "pass", "");              /* numbers as text */
}

/* The prefix: the plain one-key map levels a walk takes as lookups. */
static size_t prefix_len(const char *pattern)
{
	kp_arena *a = kp_t_arena();
	kp_error err;
	kp_pat_root *p = kp_pat_compile(a, yv(pattern), 0, "", &err);
	cr_assert_not_null(p, "%s", pattern);
	return p->n_prefix;
}

Test(pattern, prefix_is_the_plain_chain_above_the_first_other_level)
{
	cr_assert_eq(prefix_len("{spec: {template: {spec: {containers: [{name: '?*'}]}}}}"), 3);
	cr_assert_eq(prefix_len("{spec: {'=(hostPID)': false}}"), 1);
	cr_assert_eq(prefix_len("{metadata: {labels: {app: '?*', team: '?*'}}}"), 2);
	cr_assert_eq(prefix_len("{spec: {replicas: '>1'}}"), 1);
	cr_assert_eq(prefix_len("{spec: '*'}"), 0);                /* a star */
	cr_assert_eq(prefix_len("{'=(spec)': {a: {b: 1}}}"), 0);   /* an anchor */
	cr_assert_eq(prefix_len("{'<(spec)': {a: {b: 1}}}"), 0);
	cr_assert_eq(prefix_len("{spec: {a: 1}, kind: x}"), 0);   /* two keys */
	cr_assert_eq(prefix_len("{spec: [{a: 1}]}"), 0);          /* a list */
	/* metadata wildcard keys expand at the level holding metadata */
	cr_assert_eq(prefix_len("{metadata: {labels: {'app.kubernetes.io/*': '?*'}}}"), 0);
	/* a value of 8 keys or more may take the indexed walk: not a step */
	cr_assert_eq(prefix_len("{spec: {a: {a: 1, b: 1, c: 1, d: 1, e: 1, f: 1, g: 1, h: 1}}}"), 1);
	/* at most KP_PAT_PREFIX_MAX steps */
	cr_assert_eq(prefix_len("{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: 1}}}}}}}}}}}"),
		     KP_PAT_PREFIX_MAX);
}

/* kp_pat_match_quick_at from the node below the prefix gives what the walk
 * from the root gives; where a step finds no map there is no such node. */
Test(pattern, match_below_the_prefix_equals_the_walk_from_the_root)
{
	static const char *const pats[] = {
		"{spec: {template: {spec: {containers: [{securityContext: {privileged: false}}]}}}}",
		"{spec: {template: {spec: {'=(hostPID)': false, '=(hostIPC)': false}}}}",
		"{spec: {template: {spec: {'(hostNetwork)': true, dnsPolicy: ClusterFirst}}}}",
		"{spec: {template: {spec: {'^(containers)': [{name: a}]}}}}",
		"{spec: {template: {spec: {'X(hostPath)': null}}}}",
		"{spec: {template: {spec: {x: '*'}}}}",
		"{metadata: {labels: {app: '?*', team: '?*'}}}",
		"{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: 1}}}}}}}}}}}",
	};
	static const char *const ress[] = {
		"{spec: {template: {spec: {containers: [{securityContext: {privileged: true}}]}}}}",
		"{spec: {template: {spec: {containers: [{name: a}], hostPID: true}}}}",
		"{spec: {template: {spec: {hostNetwork: true, dnsPolicy: Default}}}}",
		"{spec: {template: {spec: {hostNetwork: false}}}}",
		"{spec: {template: {spec: {hostPath: {path: /}}}}}",
		"{spec: {template: {spec: {}}}}",
		"{spec: {template: 5}}",
		"{spec: {template: {}}}",
		"{metadata: {labels: {app: x}}}",
		"{metadata: {labels: {app.kubernetes.io/name: ''}}}",
		"{metadata: {}}",
		"{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: 2}}}}}}}}}}}",
		"{a: {b: {c: {d: {e: {f: {g: {h: {i: {j: {k: 1}}}}}}}}}}}",
	};
	kp_arena *a = kp_t_arena();
	kp_error err;
	size_t below = 0;
	for (size_t i = 0; i < sizeof pats / sizeof *pats; i++) {
		kp_pat_root *p = kp_pat_compile(a, yv(pats[i]), 0, "", &err);
		cr_assert(p && p->n_prefix, "%s", pats[i]);
		for (size_t j = 0; j < sizeof ress / sizeof *ress; j++) {
			const kp_value *res = yv(ress[j]);
			const kp_value *at = res;
			for (size_t k = 0; at && k < p->n_prefix; k++)
				at = kp_pat_step_map(at, &p->prefix[k]);
			if (!at)
				continue;
			below++;
			kp_pat_result r1, r2;
			kp_pat_match_quick(p, res, a, &r1);
			kp_pat_match_quick_at(p, res, at, a, &r2);
			cr_assert_eq(r1.status, r2.status, "%s vs %s", pats[i], ress[j]);
			cr_assert_str_eq(r1.path, r2.path, "%s vs %s", pats[i], ress[j]);
			cr_assert_eq(r1.node, r2.node, "%s vs %s", pats[i], ress[j]);
			cr_assert_str_eq(kp_pat_error(&r1, a), kp_pat_error(&r2, a), "%s vs %s",
					 pats[i], ress[j]);
		}
	}
	cr_assert_geq(below, 20);
	/* a step that finds no map, or a null, has no node below it */
	kp_pat_root *p = kp_pat_compile(a, yv(pats[0]), 0, "", &err);
	cr_assert_null(kp_pat_step_map(yv("{spec: 5}"), &p->prefix[0]));
	cr_assert_null(kp_pat_step_map(yv("{spec: null}"), &p->prefix[0]));
	cr_assert_null(kp_pat_step_map(yv("{other: {}}"), &p->prefix[0]));
	cr_assert_null(kp_pat_step_map(yv("[1]"), &p->prefix[0]));
}
