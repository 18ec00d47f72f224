/*
 * jmespath/ky_internal.h - shared by Kyverno's custom JMESPath functions
 * (ky_*.c, private).  Each family file defines its callbacks; ky_table.c
 * lists them with their argument types (docs/kyverno-jmespath.md §2).
 */
#ifndef KP_KY_INTERNAL_H
#define KP_KY_INTERNAL_H

#include "jmespath/jp_func.h"

#define KY_FN(name) \
	int name(kp_jp_call *c, const kp_jp_arg *args, size_t n, const kp_value **out)
#define ARG(i) (args[i].v)

/* The table of Kyverno's functions (ky_table.c). */
extern const kp_jp_func kp_jp_kyverno_funcs[];

/* Kyverno's ifaceToString: a string as is, a number as
 * strconv.FormatFloat(x, 'f', -1, 32) (32-bit precision: 3.14159265 gives
 * "3.1415927"), a bool as true/false.  NULL for other types.  The text is
 * in c->arena (or the argument's own bytes). */
const char *ky_to_text(kp_jp_call *c, const kp_value *v, size_t *len);
/* A new string value made from s (len bytes, copied into c->arena). */
const kp_value *ky_str(kp_jp_call *c, const char *s, size_t len);
/* The same for a buffer's contents (a kp_buf in c->arena: not copied). */
const kp_value *ky_buf_str(kp_jp_call *c, kp_buf *b);
/* Kyverno's "argument #N is not of type T" (an invalid-type error). */
int ky_type_error(kp_jp_call *c, int argno, const char *type);
/* A function that cannot work offline: "unsupported: <name>". */
int ky_unsupported(kp_jp_call *c, const char *why);

/* strings (ky_strings.c) */
KY_FN(ky_compare); KY_FN(ky_equal_fold); KY_FN(ky_replace); KY_FN(ky_replace_all);
KY_FN(ky_to_upper); KY_FN(ky_to_lower); KY_FN(ky_trim); KY_FN(ky_trim_prefix);
KY_FN(ky_split); KY_FN(ky_truncate); KY_FN(ky_pattern_match); KY_FN(ky_label_match);
KY_FN(ky_to_boolean); KY_FN(ky_path_canonicalize);
/* regular expressions (ky_regex.c) */
KY_FN(ky_regex_match); KY_FN(ky_regex_replace_all); KY_FN(ky_regex_replace_all_literal);
KY_FN(ky_random);
/* arithmetic (ky_arith.c) */
KY_FN(ky_add); KY_FN(ky_subtract); KY_FN(ky_multiply); KY_FN(ky_divide);
KY_FN(ky_modulo); KY_FN(ky_sum); KY_FN(ky_round);
/* time (ky_time.c) */
KY_FN(ky_time_now); KY_FN(ky_time_now_utc); KY_FN(ky_time_since); KY_FN(ky_time_diff);
KY_FN(ky_time_add); KY_FN(ky_time_parse); KY_FN(ky_time_utc); KY_FN(ky_time_to_cron);
KY_FN(ky_time_before); KY_FN(ky_time_after); KY_FN(ky_time_between);
KY_FN(ky_time_truncate);
/* encoding and hashing (ky_encoding.c) */
KY_FN(ky_base64_decode); KY_FN(ky_base64_encode); KY_FN(ky_sha256); KY_FN(ky_sha1);
KY_FN(ky_md5); KY_FN(ky_parse_json); KY_FN(ky_parse_yaml); KY_FN(ky_x509_decode);
/* collections (ky_collections.c) */
KY_FN(ky_lookup); KY_FN(ky_items); KY_FN(ky_object_from_lists);
/* Kubernetes and URLs (ky_k8s.c) */
KY_FN(ky_semver_compare); KY_FN(ky_image_normalize); KY_FN(ky_is_external_url);

#endif /* KP_KY_INTERNAL_H */
