/* pss/pss.h - the Pod Security Standards checks behind Kyverno's
 * `validate.podSecurity` (private to engine/).
 *
 * Mirrors kyverno/kyverno pkg/pss (evaluate.go, utils/mapping.go) running
 * the checks of its kyverno/pod-security-admission fork, as described in
 * ../shared/docs/pod-security.md:
 *   - checks run in the fork's registration order (section 3 of the doc);
 *   - `baseline` runs the baseline checks, any other level (restricted and
 *     also privileged) runs every check, with no overrides: paired checks
 *     (capabilities, seccomp, hostPath/volume types) can both fail;
 *   - per check, the first version is used unless the requested version is
 *     at least a later version's minimum (a check newer than the requested
 *     version still runs with its first implementation);
 *   - exclusions re-run the checks on a reduced pod (a `fake` container, or
 *     only the containers whose image matches) and remove matching field
 *     errors one by one (section 4).
 *
 * Life cycle: kp_pss_compile() once per rule (everything in the caller's
 * arena, no parsing later); kp_pss_eval() per resource with a scratch
 * arena that holds the findings.  Thread-safe: a compiled rule is
 * read-only during evaluation.
 */
#ifndef KP_PSS_H
#define KP_PSS_H

#include "core/core.h"
#include "value/value.h"
#include "k8s/k8s.h"

/* The checks, in the fork's registration order. */
typedef enum kp_pss_check {
	KP_PSS_ALLOW_PRIVILEGE_ESCALATION,
	KP_PSS_APPARMOR,
	KP_PSS_CAPABILITIES_BASELINE,
	KP_PSS_CAPABILITIES_RESTRICTED,
	KP_PSS_HOST_NAMESPACES,
	KP_PSS_HOSTPATH_VOLUMES,
	KP_PSS_HOST_PORTS,
	KP_PSS_HOST_PROBES,
	KP_PSS_PRIVILEGED,
	KP_PSS_PROC_MOUNT,
	KP_PSS_RESTRICTED_VOLUMES,
	KP_PSS_RUN_AS_NON_ROOT,
	KP_PSS_RUN_AS_USER,
	KP_PSS_SELINUX,
	KP_PSS_SECCOMP_BASELINE,
	KP_PSS_SECCOMP_RESTRICTED,
	KP_PSS_SYSCTLS,
	KP_PSS_WINDOWS_HOST_PROCESS,
	KP_PSS_N_CHECKS
} kp_pss_check;

typedef enum kp_pss_level {
	KP_PSS_PRIVILEGED_LEVEL, KP_PSS_BASELINE, KP_PSS_RESTRICTED
} kp_pss_level;

/* The check ID ("capabilities_restricted"), its Kyverno control name
 * ("Capabilities"; "" for hostProbesAndHostLifecycle), whether it is a
 * restricted-level check. */
const char *kp_pss_check_id(kp_pss_check c);
const char *kp_pss_control_name(kp_pss_check c);
bool kp_pss_check_restricted(kp_pss_check c);

/* A version: minor of 1.x; KP_PSS_LATEST for "latest" / empty. */
#define KP_PSS_LATEST 1000u

/* The bad value of a field error, as its Go type decides the message
 * (`%+v`) and the exclusion `values` matching. */
typedef enum kp_pss_bad {
	KP_PSS_BAD_NONE,     /* empty string: Required errors, Forbidden w/o value */
	KP_PSS_BAD_STRING,
	KP_PSS_BAD_BOOL,
	KP_PSS_BAD_INT,
	KP_PSS_BAD_LIST      /* []string */
} kp_pss_bad;

/* One field error (k8s.io/apimachinery field.Error) of a failing check. */
typedef struct kp_pss_ferr {
	bool required;            /* Required, else Forbidden */
	const char *field;        /* "spec.containers[0].securityContext.privileged" */
	const char *container;    /* the container's name for container fields, else NULL */
	kp_pss_bad bad;
	const char *str;          /* KP_PSS_BAD_STRING */
	bool b;                   /* KP_PSS_BAD_BOOL */
	int64_t i;                /* KP_PSS_BAD_INT */
	const char **list;        /* KP_PSS_BAD_LIST */
	size_t n_list;
	const kp_value *node;     /* the offending node, or the nearest one that
	                             exists (the container for a missing field) */
} kp_pss_ferr;

/* One failing check. */
typedef struct kp_pss_finding {
	kp_pss_check check;
	const char *reason;       /* ForbiddenReason: "unrestricted capabilities" */
	kp_pss_ferr *errs;        /* may be empty (hostProbesAndHostLifecycle) */
	size_t n_errs;
	const kp_value *node;     /* first offending node */
} kp_pss_finding;

/* A compiled `validate.podSecurity`. */
typedef struct kp_pss_rule kp_pss_rule;

/* Compile a podSecurity mapping into arena a, validating it as Kyverno's
 * CRD schema and PodSecurityStandard.Validate / ValidatePSaControlNames do
 * (level and version enums, known control names, images required /
 * forbidden by control, restrictedField <-> values, restricted-only names
 * at baseline).  `path` names the node for errors.  NULL with err
 * (KP_E_POLICY at the offending node) when invalid. */
kp_pss_rule *kp_pss_compile(kp_arena *a, const kp_value *ps, const char *path,
			    kp_error *err);

/* The failing checks of the pod (metadata, spec: its metadata and spec
 * mappings, either may be NULL) after the rule's excludes.  Findings are
 * in check order and live in `scratch`.  Returns the number of findings,
 * or -1 when the pod would not decode into the typed Kubernetes structs
 * Kyverno uses (a field the checks read has the wrong type): *decode_error
 * then says where. */
int kp_pss_eval(const kp_pss_rule *r, const kp_value *metadata,
		const kp_value *spec, kp_arena *scratch,
		kp_pss_finding **out, const char **decode_error);

/* The pod of a resource as Kyverno's getSpec finds it: Pod -> metadata,
 * spec; DaemonSet, Deployment, Job, StatefulSet, ReplicaSet,
 * ReplicationController -> spec.template.{metadata,spec}; CronJob ->
 * spec.jobTemplate.spec.template.spec with spec.jobTemplate.metadata.
 * false for any other kind. */
bool kp_pss_pod_of(const kp_value *resource, const char *kind,
		   const kp_value **metadata, const kp_value **spec);

/* Kyverno's failure message:
 *   Validation rule '<rule>' failed. It violates PodSecurity "<level>:<version>": <groups>
 * with the field rewrite of convertChecks for `kind` (Pod, a pod controller,
 * CronJob). */
char *kp_pss_message(kp_arena *a, const char *rule, const kp_pss_rule *r,
		     const char *kind, const kp_pss_finding *f, size_t n);

/* A field error's field ("spec.containers[0].ports[1].hostPort",
 * "metadata.annotations[a/b]"; NULL: the pod spec) as a JSON pointer into
 * a resource of `kind` ("/spec/template/spec/containers/0/ports/1/hostPort",
 * "/metadata/annotations/a~1b"). */
char *kp_pss_pointer(kp_arena *a, const char *field, const char *kind);

/* ---- inside pss/ only: the pod the checks see -------------------------- */

/* A container as the checks visit it: initContainers, then containers,
 * then ephemeralContainers.  c == NULL is Kyverno's `fake` container (a
 * name and nothing else). */
typedef struct kp_pss_ctr {
	const kp_value *c;
	const char *name;
	unsigned kind;            /* 0 initContainers, 1 containers, 2 ephemeralContainers */
	size_t index;             /* in its list of this pod */
} kp_pss_ctr;

/* meta/spec NULL: no pod-level fields (the container-only pod of an
 * exclusion with images). */
typedef struct kp_pss_pod {
	const kp_value *meta, *spec;
	kp_pss_ctr *ctrs;
	size_t n;
} kp_pss_pod;

/* Run the checks of `level` at `version` (minor or KP_PSS_LATEST) on pod;
 * failed[c] says whether check c fails, found[c] is then its finding.
 * 0, or -1 with *decode set when a field the checks read has the wrong type. */
int kp_pss_run(const kp_pss_pod *pod, kp_pss_level level, unsigned version,
	       kp_arena *a, kp_pss_finding found[KP_PSS_N_CHECKS],
	       bool failed[KP_PSS_N_CHECKS], const char **decode);

/* "initContainers", "containers", "ephemeralContainers" */
extern const char *const kp_pss_ctr_kinds[3];

#endif /* KP_PSS_H */
