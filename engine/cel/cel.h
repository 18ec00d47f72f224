/*
 * cel/cel.h - the CEL evaluator (private to the engine).
 *
 * Common Expression Language as cel-go evaluates it with the options
 * Kubernetes and Kyverno enable (../shared/docs/kyverno-cel.md): optional
 * types, cross-type numeric comparison, UTC default time zone, the
 * strings/lists/math/encoders/bindings extensions.  Compile once per
 * policy, evaluate per resource: evaluation parses nothing and allocates
 * only from the scratch arena it is given.
 *
 * Thread-safety: an environment and a compiled program are read-only after
 * creation and may be shared by threads; each evaluation needs its own
 * scratch arena.
 */
#ifndef KP_CEL_H
#define KP_CEL_H

#include "core/core.h"
#include "value/value.h"

typedef struct kp_cel_env kp_cel_env;
typedef struct kp_cel_prog kp_cel_prog;

/* A new environment living in arena `a` (freed with it). */
kp_cel_env *kp_cel_env_new(kp_arena *a);
/* Declare a variable (`object`, `request`, `variables`, or qualified
 * `x.y`); returns its activation index.  Declaring twice returns the first
 * index. */
int kp_cel_env_declare(kp_cel_env *env, const char *name);
/* A composited variable (ValidatingPolicy/VAP `spec.variables`): after
 * this, `variables.<name>` in programs compiled later in `env` evaluates
 * `prog` (compiled earlier in the same env, so it may use the variables
 * declared before it) once per evaluation, on first use, as Kubernetes'
 * composition library does.  Returns its index, -1 if prog belongs to
 * another env.  Programs compiled before a variable is added do not see
 * it. */
int kp_cel_env_variable(kp_cel_env *env, const char *name, const kp_cel_prog *prog);

/* Namespace for name resolution (cel-go `cel.Container`). */
void kp_cel_env_container(kp_cel_env *env, const char *container);
/* Read document numbers as double, as the Kyverno CLI does to resources
 * (kyverno-cel.md section 2, "Input mapping"). Default: false. */
void kp_cel_env_numbers_as_double(kp_cel_env *env, bool on);
/* Reject undeclared names and functions at compile time (cel-go's
 * checker).  Default: true. */
void kp_cel_env_check(kp_cel_env *env, bool on);

/* With checking: `[1, 'a']` and `{'a': 1, 'b': 'x'}` are compile errors
 * (cel.HomogeneousAggregateLiterals, on in Kubernetes and Kyverno);
 * false gives plain CEL, where such literals have element type dyn.
 * Default: true. */
void kp_cel_env_homogeneous_literals(kp_cel_env *env, bool on);

/* Kyverno's `orValue` shim (kyverno-cel.md section 6): `x.orValue(y)` on a
 * non-optional x gives x instead of "no such overload".  Kyverno installs
 * it for ValidatingPolicy, validate.cel and VAP.  Default: false. */
void kp_cel_env_orvalue_compat(kp_cel_env *env, bool on);

/* Compile `expr` (len bytes) into arena `a`.  NULL on a syntax or
 * resolution error: err->code KP_E_POLICY, err->line/col inside the
 * expression (1-based, code points), err->msg cel-go's wording where
 * known. */
kp_cel_prog *kp_cel_compile(const kp_cel_env *env, const char *expr,
			    size_t len, kp_arena *a, kp_error *err);

/* Release what the program holds outside its arena (compiled regular
 * expressions of literal patterns).  Call before freeing the arena;
 * accepts NULL. */
void kp_cel_prog_free(kp_cel_prog *prog);

/* The static type of the result when the environment checks ("bool",
 * "string", "dyn", "list(int)", ...; "dyn" when not checked).  Kubernetes
 * requires exactly "bool" for validations and "string" for messages. */
const char *kp_cel_prog_type(const kp_cel_prog *prog);

/* Whether evaluating `prog` can read the env's variable `index` (directly
 * or through a composited variable): a caller may leave a variable no
 * program uses unbuilt.  Conservative: true when unsure. */
bool kp_cel_prog_uses(const kp_cel_prog *prog, size_t index);

/* The composited variables of one activation, shared by the programs of
 * one environment evaluated on it (validations, messages), so that each
 * variable is computed at most once per resource, as Kubernetes'
 * composition library caches them.  Lives in `scratch`. */
typedef struct kp_cel_memo kp_cel_memo;
kp_cel_memo *kp_cel_memo_new(const kp_cel_env *env, kp_arena *scratch);

/* Kyverno's host-backed libraries (kyverno-cel.md section 9: `resource`,
 * `globalContext`, `http`, `image.GetMetadata`), declared by
 * kp_cel_env_kyverno_libs and answered per evaluation by the embedder
 * through a kp_cel_host in the activation (cel/ knows no data source). */
typedef enum kp_cel_host_op {
	KP_CEL_RESOURCE_GET,    /* a[0] apiVersion, a[1] resource (plural),
	                           a[2] namespace ("" cluster scope), a[3] name */
	KP_CEL_RESOURCE_LIST,   /* a[0..2] as GET; label selector in labels */
	KP_CEL_GLOBAL_GET,      /* a[0] entry name, a[1] projection ("": none) */
	KP_CEL_HTTP_GET,        /* a[0] url */
	KP_CEL_HTTP_POST,       /* a[0] url; body in `body` */
	KP_CEL_IMAGE_METADATA,  /* a[0] image reference as written */
} kp_cel_host_op;

typedef struct kp_cel_host_req {
	kp_cel_host_op op;
	const char *a[4];            /* NUL-terminated, scratch memory */
	const char *const *label_keys, *const *label_vals; /* LIST: matchLabels */
	size_t n_labels;
	const kp_value *body;        /* HTTP_POST: the request body, or NULL */
} kp_cel_host_req;

typedef struct kp_cel_host {
	/* Answer one call: 0 with *out (a document node the caller keeps
	 * alive for the evaluation; NULL means null), its numbers read as
	 * the env reads documents (double in Kyverno's environments: data
	 * that went through JSON into Go's `any`); 2 the same with numbers
	 * kept as written (integers stay int: Kubernetes objects decoded as
	 * unstructured); -1 with *msg the cause
	 * in Kyverno's words (`configmaps "x" not found`), which the library
	 * prefixes as Kyverno does ("failed to get resource: "); 1 when the
	 * call needs what kpolicy cannot reach offline (network, registry,
	 * a cluster), *msg naming the feature: the evaluation error is then
	 * "unsupported: <feature>" (kp_cel_eval* report KP_E_UNSUPPORTED).
	 * Strings and nodes it makes go to `scratch`. */
	int (*call)(void *user, const kp_cel_host_req *req, kp_arena *scratch,
		    const kp_value **out, const char **msg);
	void *user;
	/* NamespacedValidatingPolicy: its namespace, which the namespaced
	 * forms `resource.Get(apiVersion, resource, name)` and
	 * `resource.List(apiVersion, resource[, labels])` use; NULL for a
	 * cluster-wide policy (namespace given as an argument). */
	const char *namespace;
} kp_cel_host;

/* Declare Kyverno's CEL libraries of the ValidatingPolicy family (not
 * validate.cel, not ValidatingAdmissionPolicy; kyverno-cel.md section 9,
 * kyverno/sdk extensions/cel/libs): the host-backed ones above and the
 * pure ones (image references, parseServiceAccount, hashes,
 * math.round(d, n), json/yaml, x509.decode, time.now/truncate/toCron,
 * listObjToMap, gzip.decompress, random).  Default: false. */
void kp_cel_env_kyverno_libs(kp_cel_env *env, bool on);

/* Variable bindings: vals[i] is the value of the env's variable i (NULL:
 * unbound; referencing it is an evaluation error).  `host` serves the
 * Kyverno host libraries (NULL: every such call is "unsupported").
 * memo: NULL computes composited variables afresh in each evaluation;
 * else shared by the evaluations of programs of memo's environment
 * (others ignore it). */
typedef struct kp_cel_activation {
	const kp_value *const *vals;
	size_t n;
	const kp_cel_host *host;
	kp_cel_memo *memo;
} kp_cel_activation;

/* kp_cel_result is declared in kpolicy.h (public). */

/* Evaluate.  0 and *out on success; -1 when the expression evaluated to
 * an error (err->msg is the CEL error, e.g. "no such key: spec"). */
int kp_cel_eval(const kp_cel_prog *prog, const kp_cel_activation *act,
		kp_arena *scratch, kp_cel_result *out, kp_error *err);

/* The hot path for validations and conditions: 0 with *out when the
 * result is a bool; -1 on an error or another type (err->msg says which,
 * "expression must evaluate to bool but got int"). */
int kp_cel_eval_bool(const kp_cel_prog *prog, const kp_cel_activation *act,
		     kp_arena *scratch, bool *out, kp_error *err);

#endif /* KP_CEL_H */
