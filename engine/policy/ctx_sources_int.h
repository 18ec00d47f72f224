/*
 * policy/ctx_sources_int.h - the layout of kp_context_sources, shared by
 * ctx_source.c (JMESPath context entries) and cel_host.c (Kyverno's CEL
 * host libraries), and the look-ups both use.
 */
#ifndef KP_CTX_SOURCES_INT_H
#define KP_CTX_SOURCES_INT_H

#include "policy/policy.h"

typedef struct api_mock {
	const char *url;             /* url or urlPath as written */
	const char *method;          /* NULL: any method (the bare-URL key) */
	int64_t status;
	const kp_value *body;
	const kp_value *response;    /* the whole `response` mapping */
} api_mock;

typedef struct global_entry {
	const char *name;
	const kp_value *data;        /* `data`, NULL when absent */
	kp_value *resources;         /* `resources` + resourceFiles (a KP_SEQ), or NULL */
	const char *field_path;      /* NULL: none */
	const kp_value *projections; /* the list, NULL: none */
} global_entry;

/* CEL host data (cel_host.c): the objects indexed for resource.Get/List,
 * the context file's resources and images. */
typedef struct kp_cel_data kp_cel_data;

struct kp_context_sources {
	kp_arena *arena;
	api_mock *mocks;
	size_t n_mocks;
	global_entry *globals;
	size_t n_globals;
	bool cluster;                /* clusterResources given: a fake cluster */
	bool no_api_calls;           /* apply: unmocked apiCalls and global
	                                references unsupported */
	const kp_value **objects;    /* what configMap and apiCall GET read */
	size_t n_objects;
	kp_cel_data *cel;            /* NULL until something is indexed */
};

/* The globalContextEntries entry `name[0..len)`, or NULL. */
global_entry *kp_ctx_global_find(const kp_context_sources *s, const char *name, size_t len);
/* The entry's value: data or its resources, then fieldPath, then
 * projections ({name: value}); *out NULL when the entry has neither. */
int kp_ctx_global_value(const global_entry *g, kp_arena *a, const kp_value **out, kp_error *err);
/* The apiCallResponses mock for METHOD url ("METHOD:url" entries first,
 * then bare-URL ones), or NULL. */
const api_mock *kp_ctx_mock_find(const kp_context_sources *src, const char *method, const char *url);

/* cel_host.c: index a cluster object (kp_context_sources_add_resource). */
void kp_cel_data_add_cluster_object(kp_context_sources *s, const kp_value *obj);
void kp_cel_data_free(kp_cel_data *d);    /* accepts NULL */

#endif
