/*
 * gen-corpus - deterministic corpus of Kubernetes resources for `make bench`.
 *
 * Writes N realistic manifests (Pods, Deployments, StatefulSets, DaemonSets,
 * Jobs, CronJobs, Services, ConfigMaps; about 1-2 KB each) as one of:
 *   yaml         block-style YAML documents separated by `---` lines;
 *   json-stream  one compact JSON object per document, `---` lines between
 *                (what kpolicy reads);
 *   json-lines   one compact JSON object per line (what jq reads).
 * The three formats carry the same resources.  The output depends only on
 * the seed and the position of a resource, so the first 1,000 resources of
 * a 100,000 corpus are the 1,000 corpus.
 *
 * A share of the workloads carries `seccompProfile.type: Unconfined` in each
 * place restrict-seccomp checks (pod securityContext, containers,
 * initContainers, ephemeralContainers - the last on Pods only); `--stats`
 * prints, on stderr, how many resources of each kind were written and how
 * many workloads restrict-seccomp must fail, so the benchmark can check
 * the verdicts it times.
 *
 * No Python on a bare Debian machine, hence C; own PRNG (splitmix64) so the
 * corpus is the same on every libc.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

/* ------------------------------------------------------------------ PRNG */

static uint64_t kp_rng_state;

/* splitmix64 (Steele, Lea, Flood 2014): tiny, full period, good enough. */
static uint64_t kp_rand64(void)
{
	uint64_t z = (kp_rng_state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n); the modulo bias is irrelevant for n this small. */
static unsigned kp_rand(unsigned n)
{
	return (unsigned)(kp_rand64() % n);
}

/* True with probability pct/100. */
static bool kp_chance(unsigned pct)
{
	return kp_rand(100) < pct;
}

#define KP_PICK(arr) ((arr)[kp_rand(sizeof(arr) / sizeof((arr)[0]))])

/* ------------------------------------------------------------- doc tree */

/* One resource is built as a small tree, then printed in the requested
 * format; the pools are reset for every resource. */
enum kp_node_kind { KP_MAP, KP_SEQ, KP_STR, KP_INT, KP_BOOL };

struct kp_node {
	enum kp_node_kind kind;
	const char *key;   /* set when the parent is a map */
	const char *str;   /* KP_STR */
	long num;          /* KP_INT, KP_BOOL */
	struct kp_node *first, *last, *next;
};

#define KP_MAX_NODES 4096
#define KP_MAX_TEXT (64 * 1024)

static struct kp_node kp_nodes[KP_MAX_NODES];
static size_t kp_nodes_used;
static char kp_text[KP_MAX_TEXT];
static size_t kp_text_used;

static void kp_pool_reset(void)
{
	kp_nodes_used = 0;
	kp_text_used = 0;
}

/* Pool overflow is a bug in this program (the resource shapes are fixed),
 * not bad input, so it aborts. */
static struct kp_node *kp_node_new(struct kp_node *parent, const char *key,
				   enum kp_node_kind kind)
{
	if (kp_nodes_used == KP_MAX_NODES) {
		fputs("gen-corpus: node pool exhausted\n", stderr);
		abort();
	}
	struct kp_node *n = &kp_nodes[kp_nodes_used++];
	memset(n, 0, sizeof(*n));
	n->kind = kind;
	n->key = key;
	if (parent) {
		if (parent->last)
			parent->last->next = n;
		else
			parent->first = n;
		parent->last = n;
	}
	return n;
}

static const char *kp_vfmt(const char *fmt, va_list ap)
{
	size_t room = KP_MAX_TEXT - kp_text_used;
	int len = vsnprintf(kp_text + kp_text_used, room, fmt, ap);
	if (len < 0 || (size_t)len >= room) {
		fputs("gen-corpus: text pool exhausted\n", stderr);
		abort();
	}
	const char *s = kp_text + kp_text_used;
	kp_text_used += (size_t)len + 1;
	return s;
}

static const char *kp_fmt(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = kp_vfmt(fmt, ap);
	va_end(ap);
	return s;
}

static struct kp_node *kp_map(struct kp_node *parent, const char *key)
{
	return kp_node_new(parent, key, KP_MAP);
}

static struct kp_node *kp_seq(struct kp_node *parent, const char *key)
{
	return kp_node_new(parent, key, KP_SEQ);
}

static void kp_str(struct kp_node *parent, const char *key, const char *value)
{
	kp_node_new(parent, key, KP_STR)->str = value;
}

static void kp_strf(struct kp_node *parent, const char *key, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	const char *s = kp_vfmt(fmt, ap);
	va_end(ap);
	kp_str(parent, key, s);
}

static void kp_int(struct kp_node *parent, const char *key, long value)
{
	kp_node_new(parent, key, KP_INT)->num = value;
}

static void kp_bool(struct kp_node *parent, const char *key, bool value)
{
	kp_node_new(parent, key, KP_BOOL)->num = value;
}

/* ------------------------------------------------------------- printers */

static void kp_json_string(FILE *out, const char *s)
{
	putc('"', out);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		switch (c) {
		case '"': fputs("\\\"", out); break;
		case '\\': fputs("\\\\", out); break;
		case '\n': fputs("\\n", out); break;
		case '\t': fputs("\\t", out); break;
		default:
			if (c < 0x20)
				fprintf(out, "\\u%04x", c);
			else
				putc(c, out);
		}
	}
	putc('"', out);
}

/* Compact JSON on one line: the same bytes serve json-stream and
 * json-lines. */
static void kp_json_node(FILE *out, const struct kp_node *n)
{
	const struct kp_node *c;
	switch (n->kind) {
	case KP_MAP:
		putc('{', out);
		for (c = n->first; c; c = c->next) {
			kp_json_string(out, c->key);
			putc(':', out);
			kp_json_node(out, c);
			if (c->next)
				putc(',', out);
		}
		putc('}', out);
		break;
	case KP_SEQ:
		putc('[', out);
		for (c = n->first; c; c = c->next) {
			kp_json_node(out, c);
			if (c->next)
				putc(',', out);
		}
		putc(']', out);
		break;
	case KP_STR: kp_json_string(out, n->str); break;
	case KP_INT: fprintf(out, "%ld", n->num); break;
	case KP_BOOL: fputs(n->num ? "true" : "false", out); break;
	}
}

/* Whether a string can be written as a YAML plain scalar and still read
 * back as the same string under YAML 1.1 and 1.2 typing (so "8080", "100m",
 * "true", "on", "null" and anything starting with an indicator get
 * quoted). */
static bool kp_yaml_plain_ok(const char *s)
{
	static const char *const typed[] = {
		"true", "false", "yes", "no", "on", "off", "y", "n", "null", "~",
	};
	if (!*s || strchr("-?:,[]{}#&*!|>'\"%@`. +", *s) || (*s >= '0' && *s <= '9'))
		return false;
	for (size_t i = 0; i < sizeof(typed) / sizeof(typed[0]); i++)
		if (!strcasecmp(s, typed[i]))
			return false;
	size_t len = strlen(s);
	if (s[len - 1] == ' ' || s[len - 1] == ':')
		return false;
	for (const char *p = s; *p; p++) {
		if ((unsigned char)*p < 0x20 || *p == '"' || *p == '\\')
			return false;
		if ((p[0] == ':' && p[1] == ' ') || (p[0] == ' ' && p[1] == '#'))
			return false;
	}
	return true;
}

/* Multi-line text (ConfigMap files) goes out as a `|` literal block, as
 * people write it: every line non-empty-led, one final newline. */
static bool kp_yaml_literal_ok(const char *s)
{
	size_t len = strlen(s);
	if (len < 2 || s[len - 1] != '\n' || s[len - 2] == '\n' || s[0] == ' ')
		return false;
	for (const char *p = s; *p; p++)
		if (*p == '\t' || *p == '\r' || ((unsigned char)*p < 0x20 && *p != '\n'))
			return false;
	return true;
}

static void kp_indent(FILE *out, int n)
{
	while (n-- > 0)
		putc(' ', out);
}

static void kp_yaml_scalar(FILE *out, const char *s, int indent)
{
	if (strchr(s, '\n') && kp_yaml_literal_ok(s)) {
		fputs("|\n", out);
		while (*s) {
			const char *eol = strchr(s, '\n');
			if (eol != s)
				kp_indent(out, indent);
			fwrite(s, 1, (size_t)(eol - s + 1), out);
			s = eol + 1;
		}
		return;
	}
	if (kp_yaml_plain_ok(s))
		fputs(s, out);
	else
		kp_json_string(out, s); /* a JSON string is a valid YAML double-quoted scalar */
	putc('\n', out);
}

static void kp_yaml_map_body(FILE *out, const struct kp_node *map, int indent,
			     bool first_inline);
static void kp_yaml_seq_body(FILE *out, const struct kp_node *seq, int indent);

/* The value after "key:" (indent = the key's column). */
static void kp_yaml_after_key(FILE *out, const struct kp_node *n, int indent)
{
	switch (n->kind) {
	case KP_MAP:
		if (!n->first) {
			fputs(" {}\n", out);
		} else {
			putc('\n', out);
			kp_yaml_map_body(out, n, indent + 2, false);
		}
		break;
	case KP_SEQ:
		if (!n->first) {
			fputs(" []\n", out);
		} else {
			/* kubectl style: the dashes line up with the key */
			putc('\n', out);
			kp_yaml_seq_body(out, n, indent);
		}
		break;
	case KP_STR:
		putc(' ', out);
		kp_yaml_scalar(out, n->str, indent + 2);
		break;
	case KP_INT: fprintf(out, " %ld\n", n->num); break;
	case KP_BOOL: fputs(n->num ? " true\n" : " false\n", out); break;
	}
}

static void kp_yaml_map_body(FILE *out, const struct kp_node *map, int indent,
			     bool first_inline)
{
	for (const struct kp_node *c = map->first; c; c = c->next) {
		if (!(first_inline && c == map->first))
			kp_indent(out, indent);
		if (kp_yaml_plain_ok(c->key))
			fputs(c->key, out);
		else
			kp_json_string(out, c->key);
		putc(':', out);
		kp_yaml_after_key(out, c, indent);
	}
}

static void kp_yaml_seq_body(FILE *out, const struct kp_node *seq, int indent)
{
	for (const struct kp_node *c = seq->first; c; c = c->next) {
		kp_indent(out, indent);
		fputs("- ", out);
		switch (c->kind) {
		case KP_MAP:
			if (!c->first)
				fputs("{}\n", out);
			else
				kp_yaml_map_body(out, c, indent + 2, true);
			break;
		case KP_SEQ:
			if (!c->first) {
				fputs("[]\n", out);
			} else {
				putc('\n', out);
				kp_yaml_seq_body(out, c, indent + 2);
			}
			break;
		case KP_STR: kp_yaml_scalar(out, c->str, indent + 2); break;
		case KP_INT: fprintf(out, "%ld\n", c->num); break;
		case KP_BOOL: fputs(c->num ? "true\n" : "false\n", out); break;
		}
	}
}

/* --------------------------------------------------------- vocabulary */

static const char *const kp_apps[] = {
	"checkout", "cart", "catalog", "payments", "search", "frontend", "auth",
	"inventory", "shipping", "notifications", "recommendations", "gateway",
	"billing", "reports", "ledger", "profile", "media", "metrics-proxy",
};
static const char *const kp_namespaces[] = {
	"default", "shop", "shop-staging", "payments", "platform", "monitoring",
	"data", "batch", "edge", "team-a", "team-b",
};
static const char *const kp_teams[] = {
	"core", "platform", "payments", "growth", "data", "sre", "edge",
};
static const char *const kp_envs[] = { "production", "staging", "dev" };
static const char *const kp_registries[] = {
	"ghcr.io/acme", "registry.acme.internal/apps", "docker.io/library",
	"quay.io/acme", "123456789012.dkr.ecr.eu-west-1.amazonaws.com",
};
static const char *const kp_sidecars[] = {
	"docker.io/envoyproxy/envoy:v1.29.2", "docker.io/fluent/fluent-bit:3.0.4",
	"ghcr.io/acme/otel-agent:0.98.0", "registry.k8s.io/pause:3.9",
};
static const char *const kp_init_images[] = {
	"docker.io/library/busybox:1.36", "ghcr.io/acme/migrate:2.4.1",
	"docker.io/library/alpine:3.19",
};
static const char *const kp_env_names[] = {
	"LOG_LEVEL", "HTTP_PORT", "OTEL_EXPORTER_OTLP_ENDPOINT", "FEATURE_FLAGS",
	"CACHE_TTL", "REGION", "GOMAXPROCS", "DB_HOST", "QUEUE_URL", "TZ",
};
static const char *const kp_cpu[] = { "50m", "100m", "250m", "500m", "1", "2" };
static const char *const kp_mem[] = { "64Mi", "128Mi", "256Mi", "512Mi", "1Gi", "2Gi" };
static const char *const kp_pull[] = { "IfNotPresent", "Always", "IfNotPresent" };

/* What the generator put in one resource, for --stats. */
struct kp_counts {
	unsigned long kinds[8];
	unsigned long workloads;
	unsigned long bad_pod, bad_container, bad_init, bad_ephemeral;
	unsigned long seccomp_fail;     /* workloads restrict-seccomp fails */
};

/* Violations decided per resource, per place. */
struct kp_violations {
	bool pod, container, init, ephemeral;
};

/* Share of each place that gets `Unconfined`. */
#define KP_BAD_PCT 10

/* seccompProfile with a passing value, or nothing (absent is a pass). */
static void kp_good_seccomp(struct kp_node *sc, unsigned absent_pct)
{
	unsigned r = kp_rand(100);
	if (r < absent_pct)
		return;
	struct kp_node *sp = kp_map(sc, "seccompProfile");
	if (r < absent_pct + (100 - absent_pct) * 4 / 5) {
		kp_str(sp, "type", "RuntimeDefault");
	} else {
		kp_str(sp, "type", "Localhost");
		kp_str(sp, "localhostProfile", "profiles/audit.json");
	}
}

static void kp_bad_seccomp(struct kp_node *sc)
{
	kp_str(kp_map(sc, "seccompProfile"), "type", "Unconfined");
}

static void kp_resources(struct kp_node *c)
{
	struct kp_node *res = kp_map(c, "resources");
	unsigned cpu = kp_rand(4), mem = kp_rand(4);
	struct kp_node *req = kp_map(res, "requests");
	kp_str(req, "cpu", kp_cpu[cpu]);
	kp_str(req, "memory", kp_mem[mem]);
	if (kp_chance(80)) {
		struct kp_node *lim = kp_map(res, "limits");
		if (kp_chance(50))
			kp_str(lim, "cpu", kp_cpu[cpu + 2]);
		kp_str(lim, "memory", kp_mem[mem + 2]);
	}
}

static void kp_probe(struct kp_node *c, const char *key, const char *path, int port)
{
	struct kp_node *p = kp_map(c, key);
	struct kp_node *get = kp_map(p, "httpGet");
	kp_str(get, "path", path);
	kp_int(get, "port", port);
	kp_int(p, "initialDelaySeconds", 5 + (long)kp_rand(20));
	kp_int(p, "periodSeconds", 10);
	kp_int(p, "timeoutSeconds", 1 + (long)kp_rand(3));
	kp_int(p, "failureThreshold", 3);
}

/* Container securityContext; `bad` puts Unconfined in it. */
static void kp_container_security(struct kp_node *c, bool bad)
{
	if (!bad && !kp_chance(85))
		return;
	struct kp_node *sc = kp_map(c, "securityContext");
	kp_bool(sc, "allowPrivilegeEscalation", !kp_chance(95));
	if (kp_chance(70))
		kp_bool(sc, "readOnlyRootFilesystem", true);
	if (kp_chance(60))
		kp_bool(sc, "runAsNonRoot", true);
	struct kp_node *caps = kp_map(sc, "capabilities");
	kp_str(kp_seq(caps, "drop"), NULL, "ALL");
	if (kp_chance(5))
		kp_str(kp_seq(caps, "add"), NULL, "NET_BIND_SERVICE");
	if (bad)
		kp_bad_seccomp(sc);
	else
		kp_good_seccomp(sc, 60);
}

static void kp_env(struct kp_node *c, const char *app)
{
	struct kp_node *env = kp_seq(c, "env");
	unsigned n = 1 + kp_rand(4), first = kp_rand(10);
	for (unsigned i = 0; i < n; i++) {
		const char *name = kp_env_names[(first + i) % 10];
		struct kp_node *e = kp_map(env, NULL);
		kp_str(e, "name", name);
		if (!strcmp(name, "DB_HOST") && kp_chance(50)) {
			struct kp_node *ref = kp_map(kp_map(e, "valueFrom"), "secretKeyRef");
			kp_strf(ref, "name", "%s-db", app);
			kp_str(ref, "key", "host");
		} else if (!strcmp(name, "HTTP_PORT")) {
			kp_str(e, "value", "8080");
		} else if (!strcmp(name, "GOMAXPROCS")) {
			struct kp_node *ref = kp_map(kp_map(e, "valueFrom"), "resourceFieldRef");
			kp_str(ref, "resource", "limits.cpu");
		} else {
			kp_strf(e, "value", "%s-%u", app, kp_rand(1000));
		}
	}
	if (kp_chance(30)) {
		struct kp_node *from = kp_seq(c, "envFrom");
		kp_strf(kp_map(kp_map(from, NULL), "configMapRef"), "name", "%s-config", app);
	}
}

static void kp_main_container(struct kp_node *list, const char *app, bool bad,
			      unsigned index)
{
	struct kp_node *c = kp_map(list, NULL);
	int port = KP_PICK(((const int[]){ 8080, 8443, 9090, 3000, 5000 }));
	kp_str(c, "name", index ? kp_fmt("%s-worker", app) : app);
	kp_strf(c, "image", "%s/%s:%u.%u.%u", KP_PICK(kp_registries), app,
		1 + kp_rand(3), kp_rand(20), kp_rand(10));
	kp_str(c, "imagePullPolicy", KP_PICK(kp_pull));
	if (kp_chance(25)) {
		struct kp_node *args = kp_seq(c, "args");
		kp_strf(args, NULL, "--port=%d", port);
		kp_str(args, NULL, "--log-format=json");
	}
	struct kp_node *ports = kp_seq(c, "ports");
	struct kp_node *p = kp_map(ports, NULL);
	kp_str(p, "name", "http");
	kp_int(p, "containerPort", port);
	kp_str(p, "protocol", "TCP");
	if (kp_chance(40)) {
		p = kp_map(ports, NULL);
		kp_str(p, "name", "metrics");
		kp_int(p, "containerPort", 9102);
		kp_str(p, "protocol", "TCP");
	}
	kp_env(c, app);
	kp_resources(c);
	if (kp_chance(70))
		kp_probe(c, "livenessProbe", "/healthz", port);
	if (kp_chance(80))
		kp_probe(c, "readinessProbe", "/ready", port);
	kp_container_security(c, bad);
	struct kp_node *mounts = kp_seq(c, "volumeMounts");
	struct kp_node *m = kp_map(mounts, NULL);
	kp_str(m, "name", "config");
	kp_str(m, "mountPath", "/etc/app");
	kp_bool(m, "readOnly", true);
	m = kp_map(mounts, NULL);
	kp_str(m, "name", "tmp");
	kp_str(m, "mountPath", "/tmp");
}

static void kp_sidecar(struct kp_node *list, bool bad)
{
	struct kp_node *c = kp_map(list, NULL);
	const char *image = KP_PICK(kp_sidecars);
	const char *slash = strrchr(image, '/');
	kp_strf(c, "name", "%.*s", (int)strcspn(slash + 1, ":"), slash + 1);
	kp_str(c, "image", image);
	kp_resources(c);
	kp_container_security(c, bad);
}

static void kp_init_container(struct kp_node *list, const char *app, bool bad)
{
	struct kp_node *c = kp_map(list, NULL);
	kp_strf(c, "name", "%s-init", app);
	kp_str(c, "image", KP_PICK(kp_init_images));
	struct kp_node *cmd = kp_seq(c, "command");
	kp_str(cmd, NULL, "sh");
	kp_str(cmd, NULL, "-c");
	kp_strf(cmd, NULL, "until nc -z %s-db 5432; do sleep 2; done", app);
	kp_resources(c);
	kp_container_security(c, bad);
}

/* A pod spec with the four seccomp places; `pod_only` allows
 * ephemeralContainers (they exist on live Pods only). */
static void kp_pod_spec(struct kp_node *spec, const char *app, bool pod_only,
			bool job, struct kp_counts *counts)
{
	struct kp_violations v = { 0 };
	bool has_init = kp_chance(40), has_eph = pod_only && kp_chance(30);
	v.pod = kp_chance(KP_BAD_PCT);
	v.container = kp_chance(KP_BAD_PCT);
	v.init = has_init && kp_chance(KP_BAD_PCT);
	v.ephemeral = has_eph && kp_chance(KP_BAD_PCT);

	kp_strf(spec, "serviceAccountName", "%s", app);
	if (job)
		kp_str(spec, "restartPolicy", kp_chance(50) ? "OnFailure" : "Never");
	if (kp_chance(30))
		kp_str(spec, "priorityClassName", kp_chance(50) ? "high" : "batch-low");
	if (kp_chance(20))
		kp_str(kp_map(spec, "nodeSelector"), "kubernetes.io/os", "linux");
	if (kp_chance(15)) {
		struct kp_node *t = kp_map(kp_seq(spec, "tolerations"), NULL);
		kp_str(t, "key", "dedicated");
		kp_str(t, "operator", "Equal");
		kp_str(t, "value", app);
		kp_str(t, "effect", "NoSchedule");
	}

	struct kp_node *psc = kp_map(spec, "securityContext");
	if (kp_chance(80)) {
		kp_bool(psc, "runAsNonRoot", true);
		kp_int(psc, "runAsUser", 1000 + (long)kp_rand(9000));
		kp_int(psc, "fsGroup", 2000);
	}
	if (v.pod)
		kp_bad_seccomp(psc);
	else
		kp_good_seccomp(psc, 30);

	if (has_init)
		kp_init_container(kp_seq(spec, "initContainers"), app, v.init);

	/* 1-3 containers; the violation, if any, lands on a random one */
	struct kp_node *containers = kp_seq(spec, "containers");
	unsigned n = 1 + (kp_chance(35) ? 1 + kp_chance(30) : 0);
	unsigned bad_at = v.container ? kp_rand(n) : n;
	for (unsigned i = 0; i < n; i++) {
		if (i == 0 || i == 2)
			kp_main_container(containers, app, bad_at == i, i);
		else
			kp_sidecar(containers, bad_at == i);
	}

	if (has_eph) {
		struct kp_node *e = kp_map(kp_seq(spec, "ephemeralContainers"), NULL);
		kp_strf(e, "name", "debugger-%04x", kp_rand(0x10000));
		kp_str(e, "image", "docker.io/library/busybox:1.36");
		kp_str(e, "targetContainerName", app);
		struct kp_node *cmd = kp_seq(e, "command");
		kp_str(cmd, NULL, "sh");
		if (v.ephemeral || kp_chance(50)) {
			struct kp_node *sc = kp_map(e, "securityContext");
			if (v.ephemeral)
				kp_bad_seccomp(sc);
			else
				kp_good_seccomp(sc, 0);
		}
	}

	struct kp_node *vols = kp_seq(spec, "volumes");
	struct kp_node *vol = kp_map(vols, NULL);
	kp_str(vol, "name", "config");
	kp_strf(kp_map(vol, "configMap"), "name", "%s-config", app);
	vol = kp_map(vols, NULL);
	kp_str(vol, "name", "tmp");
	kp_map(vol, "emptyDir");

	counts->workloads++;
	counts->bad_pod += v.pod;
	counts->bad_container += v.container;
	counts->bad_init += v.init;
	counts->bad_ephemeral += v.ephemeral;
	counts->seccomp_fail += v.pod || v.container || v.init || v.ephemeral;
}

static void kp_labels(struct kp_node *meta, const char *app, const char *version,
		      bool full)
{
	struct kp_node *l = kp_map(meta, "labels");
	kp_str(l, "app", app);
	if (!full)
		return;
	kp_str(l, "app.kubernetes.io/name", app);
	kp_str(l, "app.kubernetes.io/version", version);
	kp_str(l, "app.kubernetes.io/part-of", "shop");
	kp_str(l, "team", KP_PICK(kp_teams));
	kp_str(l, "environment", KP_PICK(kp_envs));
}

static struct kp_node *kp_metadata(struct kp_node *doc, const char *name,
				   const char *app, const char *version)
{
	struct kp_node *meta = kp_map(doc, "metadata");
	kp_str(meta, "name", name);
	kp_str(meta, "namespace", KP_PICK(kp_namespaces));
	kp_labels(meta, app, version, true);
	struct kp_node *ann = kp_map(meta, "annotations");
	kp_strf(ann, "owner", "%s@acme.example", KP_PICK(kp_teams));
	if (kp_chance(50))
		kp_strf(ann, "description", "%s service: handles %s requests for the shop", app, app);
	if (kp_chance(30))
		kp_str(ann, "prometheus.io/scrape", "true");
	return meta;
}

/* A pod template (metadata + spec) under `parent`. */
static void kp_template(struct kp_node *parent, const char *app, const char *version,
			bool job, struct kp_counts *counts)
{
	struct kp_node *tpl = kp_map(parent, "template");
	struct kp_node *meta = kp_map(tpl, "metadata");
	kp_labels(meta, app, version, false);
	if (kp_chance(40))
		kp_str(kp_map(meta, "annotations"), "kubectl.kubernetes.io/default-container", app);
	kp_pod_spec(kp_map(tpl, "spec"), app, false, job, counts);
}

static void kp_selector(struct kp_node *spec, const char *app)
{
	kp_str(kp_map(kp_map(spec, "selector"), "matchLabels"), "app", app);
}

enum kp_kind_index {
	KP_K_POD, KP_K_DEPLOYMENT, KP_K_STATEFULSET, KP_K_DAEMONSET,
	KP_K_JOB, KP_K_CRONJOB, KP_K_SERVICE, KP_K_CONFIGMAP,
};
static const char *const kp_kind_names[] = {
	"Pod", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob",
	"Service", "ConfigMap",
};
/* Mix per 100 resources: two thirds workloads. */
static const unsigned kp_kind_weights[] = { 18, 24, 8, 5, 6, 5, 19, 15 };

static unsigned kp_pick_kind(void)
{
	unsigned r = kp_rand(100), k = 0;
	while (r >= kp_kind_weights[k])
		r -= kp_kind_weights[k++];
	return k;
}

static void kp_config_map(struct kp_node *doc, const char *app)
{
	struct kp_node *data = kp_map(doc, "data");
	kp_str(data, "LOG_LEVEL", KP_PICK(((const char *const[]){ "info", "debug", "warn" })));
	kp_strf(data, "CACHE_TTL", "%u", 30 + kp_rand(600));
	kp_strf(data, "app.yaml",
		"server:\n  port: 8080\n  readTimeout: %us\nfeatures:\n  %s: %s\n"
		"upstreams:\n- name: %s-db\n  url: postgres://%s-db:5432/%s\n",
		5 + kp_rand(30), app, kp_chance(50) ? "true" : "false", app, app, app);
}

static void kp_service(struct kp_node *doc, const char *app)
{
	struct kp_node *spec = kp_map(doc, "spec");
	unsigned r = kp_rand(100);
	const char *type = r < 80 ? "ClusterIP" : r < 92 ? "NodePort" : "LoadBalancer";
	kp_str(spec, "type", type);
	kp_str(kp_map(spec, "selector"), "app", app);
	struct kp_node *p = kp_map(kp_seq(spec, "ports"), NULL);
	kp_str(p, "name", "http");
	kp_int(p, "port", 80);
	kp_str(p, "targetPort", "http");
	kp_str(p, "protocol", "TCP");
	if (!strcmp(type, "NodePort"))
		kp_int(p, "nodePort", 30000 + (long)kp_rand(2768));
	if (kp_chance(3))
		kp_str(kp_seq(spec, "externalIPs"), NULL, "203.0.113.10");
}

/* Builds resource number `index` into the pools and returns its root. */
static struct kp_node *kp_resource(unsigned long index, unsigned only_kind,
				   struct kp_counts *counts)
{
	unsigned kind = only_kind < 8 ? only_kind : kp_pick_kind();
	const char *app = KP_PICK(kp_apps);
	const char *version = kp_fmt("%u.%u.%u", 1 + kp_rand(3), kp_rand(20), kp_rand(10));
	const char *name = kp_fmt("%s-%lu", app, index);
	struct kp_node *doc = kp_map(NULL, NULL);
	static const char *const api[] = {
		"v1", "apps/v1", "apps/v1", "apps/v1", "batch/v1", "batch/v1", "v1", "v1",
	};
	counts->kinds[kind]++;

	kp_str(doc, "apiVersion", api[kind]);
	kp_str(doc, "kind", kp_kind_names[kind]);
	kp_metadata(doc, name, app, version);
	struct kp_node *spec;
	switch (kind) {
	case KP_K_POD:
		kp_pod_spec(kp_map(doc, "spec"), app, true, false, counts);
		break;
	case KP_K_DEPLOYMENT:
		spec = kp_map(doc, "spec");
		kp_int(spec, "replicas", 1 + (long)kp_rand(5));
		kp_int(spec, "revisionHistoryLimit", 5);
		kp_selector(spec, app);
		if (kp_chance(50)) {
			struct kp_node *st = kp_map(spec, "strategy");
			kp_str(st, "type", "RollingUpdate");
			struct kp_node *ru = kp_map(st, "rollingUpdate");
			kp_str(ru, "maxSurge", "25%");
			kp_int(ru, "maxUnavailable", 0);
		}
		kp_template(spec, app, version, false, counts);
		break;
	case KP_K_STATEFULSET:
		spec = kp_map(doc, "spec");
		kp_strf(spec, "serviceName", "%s-headless", app);
		kp_int(spec, "replicas", 3);
		kp_selector(spec, app);
		kp_template(spec, app, version, false, counts);
		break;
	case KP_K_DAEMONSET:
		spec = kp_map(doc, "spec");
		kp_selector(spec, app);
		kp_template(spec, app, version, false, counts);
		break;
	case KP_K_JOB:
		spec = kp_map(doc, "spec");
		kp_int(spec, "backoffLimit", 3);
		kp_int(spec, "ttlSecondsAfterFinished", 3600);
		kp_template(spec, app, version, true, counts);
		break;
	case KP_K_CRONJOB:
		spec = kp_map(doc, "spec");
		kp_strf(spec, "schedule", "%u */%u * * *", kp_rand(60), 1 + kp_rand(6));
		kp_str(spec, "concurrencyPolicy", "Forbid");
		kp_int(spec, "successfulJobsHistoryLimit", 3);
		struct kp_node *jt = kp_map(kp_map(spec, "jobTemplate"), "spec");
		kp_int(jt, "backoffLimit", 2);
		kp_template(jt, app, version, true, counts);
		break;
	case KP_K_SERVICE:
		kp_service(doc, app);
		break;
	case KP_K_CONFIGMAP:
		kp_config_map(doc, app);
		break;
	}
	return doc;
}

/* --------------------------------------------------------------- main */

enum kp_format { KP_YAML, KP_JSON_STREAM, KP_JSON_LINES };

static const char *const kp_format_ext[] = { "yaml", "json", "jsonl" };

static int kp_usage(FILE *f)
{
	fputs("usage: gen-corpus [--count N] [--seed S] [--format yaml|json-stream|json-lines]\n"
	      "                  [--kind KIND] [--split K] [--stats] [-o PATH]\n"
	      "Writes N deterministic Kubernetes resources (default 1000, seed 1, yaml)\n"
	      "to PATH or stdout.  --split K writes K files of consecutive resources,\n"
	      "PATH/part-00.EXT ... (PATH a directory, created if missing; EXT yaml,\n"
	      "json or jsonl).  --kind restricts to one of Pod, Deployment, StatefulSet,\n"
	      "DaemonSet, Job, CronJob, Service, ConfigMap.  --stats prints on stderr the\n"
	      "kinds written and the restrict-seccomp verdicts expected.\n", f);
	return f == stderr ? 2 : 0;
}

static bool kp_parse_ulong(const char *s, unsigned long long *out)
{
	char *end;
	errno = 0;
	if (!s || !*s || *s == '-')
		return false;
	*out = strtoull(s, &end, 0);
	return !errno && !*end;
}

static bool kp_close(FILE *out, const char *name)
{
	if (fflush(out) || ferror(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "gen-corpus: %s: write error: %s\n", name, strerror(errno));
		return false;
	}
	return true;
}

static void kp_print_stats(unsigned long long count, const struct kp_counts *c)
{
	fprintf(stderr, "resources %llu\n", count);
	for (unsigned k = 0; k < 8; k++)
		fprintf(stderr, "kind %s %lu\n", kp_kind_names[k], c->kinds[k]);
	fprintf(stderr, "workloads %lu\n", c->workloads);
	fprintf(stderr, "unconfined pod %lu container %lu init %lu ephemeral %lu\n",
		c->bad_pod, c->bad_container, c->bad_init, c->bad_ephemeral);
	fprintf(stderr, "seccomp fail %lu pass %lu\n", c->seccomp_fail,
		c->workloads - c->seccomp_fail);
}

int main(int argc, char **argv)
{
	unsigned long long count = 1000, seed = 1, split = 0;
	enum kp_format format = KP_YAML;
	unsigned only_kind = 8;
	bool stats = false;
	const char *path = NULL;

	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
		if (!strcmp(a, "--count") && kp_parse_ulong(v, &count)) {
			i++;
		} else if (!strcmp(a, "--seed") && kp_parse_ulong(v, &seed)) {
			i++;
		} else if (!strcmp(a, "--split") && kp_parse_ulong(v, &split) && split
			   && split <= 100000) {
			i++;
		} else if (!strcmp(a, "--format") && v) {
			i++;
			if (!strcmp(v, "yaml"))
				format = KP_YAML;
			else if (!strcmp(v, "json-stream"))
				format = KP_JSON_STREAM;
			else if (!strcmp(v, "json-lines"))
				format = KP_JSON_LINES;
			else
				return kp_usage(stderr);
		} else if (!strcmp(a, "--kind") && v) {
			i++;
			for (only_kind = 0; only_kind < 8; only_kind++)
				if (!strcmp(v, kp_kind_names[only_kind]))
					break;
			if (only_kind == 8)
				return kp_usage(stderr);
		} else if (!strcmp(a, "--stats")) {
			stats = true;
		} else if (!strcmp(a, "-o") && v) {
			path = argv[++i];
		} else if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
			return kp_usage(stdout);
		} else {
			return kp_usage(stderr);
		}
	}
	if (split && !path)
		return kp_usage(stderr);
	if (split && mkdir(path, 0777) && errno != EEXIST) {
		fprintf(stderr, "gen-corpus: %s: %s\n", path, strerror(errno));
		return 1;
	}

	static char buf[1 << 16];
	char name[4096];
	FILE *out = NULL;
	unsigned long long part = 0, in_part = 0;
	struct kp_counts counts = { 0 };
	kp_rng_state = seed;
	for (unsigned long long i = 0; i <= count; i++) {
		/* file of resource i: contiguous shares, as even as they come */
		unsigned long long want = split ? i * split / (count ? count : 1) : 0;
		bool new_file = !out || (split && want != part && i < count);
		if (new_file && out && !kp_close(out, name))
			return 1;
		if (new_file) {
			part = want;
			in_part = 0;
			if (split)   /* same width for all, so byte order is file order */
				snprintf(name, sizeof(name), "%s/part-%0*llu.%s", path,
					 split > 100 ? snprintf(NULL, 0, "%llu", split - 1) : 2,
					 part, kp_format_ext[format]);
			else
				snprintf(name, sizeof(name), "%s", path ? path : "stdout");
			out = path ? fopen(name, "w") : stdout;
			if (!out) {
				fprintf(stderr, "gen-corpus: %s: %s\n", name, strerror(errno));
				return 1;
			}
			setvbuf(out, buf, _IOFBF, sizeof(buf));
		}
		if (i == count)
			break;
		kp_pool_reset();
		struct kp_node *doc = kp_resource((unsigned long)i, only_kind, &counts);
		if (in_part++ && format != KP_JSON_LINES)
			fputs("---\n", out);
		if (format == KP_YAML) {
			kp_yaml_map_body(out, doc, 0, false);
		} else {
			kp_json_node(out, doc);
			putc('\n', out);
		}
	}
	if (!kp_close(out, name))
		return 1;
	if (stats)
		kp_print_stats(count, &counts);
	return 0;
}
