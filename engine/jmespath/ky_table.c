/* ky_table.c - Kyverno's custom JMESPath functions (pkg/engine/jmespath,
 * docs/kyverno-jmespath.md §2) as a registry table, visible in
 * KP_JP_KYVERNO mode and searched before the built-ins (Kyverno's `sum`
 * replaces the specification's). */
#include "jmespath/ky_internal.h"

#define S KP_JP_T_STRING
#define N KP_JP_T_NUMBER
#define A KP_JP_T_ARRAY
#define O KP_JP_T_OBJECT
#define B KP_JP_T_BOOL
#define ANY KP_JP_T_ANY
#define SN (KP_JP_T_STRING | KP_JP_T_NUMBER)

const kp_jp_func kp_jp_kyverno_funcs[] = {
	/* strings */
	{"compare", 2, 2, {S, S}, N, ky_compare, "byte-wise order: -1, 0 or 1"},
	{"equal_fold", 2, 2, {S, S}, B, ky_equal_fold, "equal under Unicode simple case folding"},
	{"replace", 4, 4, {S, S, S, N}, S, ky_replace, "replace the first n matches (n < 0: all)"},
	{"replace_all", 3, 3, {S, S, S}, S, ky_replace_all, "replace every match"},
	{"to_upper", 1, 1, {S}, S, ky_to_upper, NULL},
	{"to_lower", 1, 1, {S}, S, ky_to_lower, NULL},
	{"trim", 2, 2, {S, S}, S, ky_trim, "strip leading and trailing runes in the cutset"},
	{"trim_prefix", 2, 2, {S, S}, S, ky_trim_prefix, NULL},
	{"split", 2, 2, {S, S}, KP_JP_T_ARRAY_STRING, ky_split, NULL},
	{"truncate", 2, 2, {S, N}, S, ky_truncate, "the first n characters"},
	{"pattern_match", 2, 2, {S, SN}, B, ky_pattern_match, "wildcard match (* and ?)"},
	{"label_match", 2, 2, {O, O}, B, ky_label_match, "every selector key is in labels with an equal value"},
	{"to_boolean", 1, 1, {S}, B, ky_to_boolean, "\"true\"/\"false\", any case"},
	{"path_canonicalize", 1, 1, {S}, S, ky_path_canonicalize, "Go filepath.Join"},
	/* regular expressions */
	{"regex_match", 2, 2, {S, SN}, B, ky_regex_match, "Go RE2, unanchored"},
	{"regex_replace_all", 3, 3, {S, SN, SN}, S, ky_regex_replace_all, "Go ReplaceAll with $1 ${name}"},
	{"regex_replace_all_literal", 3, 3, {S, SN, SN}, S, ky_regex_replace_all_literal, NULL},
	{"random", 1, 1, {S}, S, ky_random, "unsupported (not deterministic)"},
	/* arithmetic over numbers, quantities and durations */
	{"add", 2, 2, {ANY, ANY}, SN, ky_add, NULL},
	{"subtract", 2, 2, {ANY, ANY}, SN, ky_subtract, NULL},
	{"multiply", 2, 2, {ANY, ANY}, SN, ky_multiply, NULL},
	{"divide", 2, 2, {ANY, ANY}, SN, ky_divide, NULL},
	{"modulo", 2, 2, {ANY, ANY}, SN, ky_modulo, NULL},
	{"sum", 1, 1, {A}, SN, ky_sum, "numbers, quantities or durations"},
	{"round", 2, 2, {N, N}, N, ky_round, "round half away from zero to n digits"},
	/* time */
	{"time_now", 0, 0, {0}, S, ky_time_now, NULL},
	{"time_now_utc", 0, 0, {0}, S, ky_time_now_utc, NULL},
	{"time_since", 3, 3, {S, S, S}, S, ky_time_since, "t2 - t1 (layout '' = RFC 3339, t2 '' = now)"},
	{"time_diff", 2, 2, {S, S}, S, ky_time_diff, "t2 - t1"},
	{"time_add", 2, 2, {S, S}, S, ky_time_add, NULL},
	{"time_parse", 2, 2, {S, S}, S, ky_time_parse, "Go layout, or an integer layout: Unix seconds"},
	{"time_utc", 1, 1, {S}, S, ky_time_utc, NULL},
	{"time_to_cron", 1, 1, {S}, S, ky_time_to_cron, NULL},
	{"time_before", 2, 2, {S, S}, B, ky_time_before, NULL},
	{"time_after", 2, 2, {S, S}, B, ky_time_after, NULL},
	{"time_between", 3, 3, {S, S, S}, B, ky_time_between, "start < t < end"},
	{"time_truncate", 2, 2, {S, S}, S, ky_time_truncate, NULL},
	/* encoding and hashing */
	{"base64_decode", 1, 1, {S}, S, ky_base64_decode, NULL},
	{"base64_encode", 1, 1, {S}, S, ky_base64_encode, NULL},
	{"sha256", 1, 1, {S}, S, ky_sha256, NULL},
	{"sha1", 1, 1, {S}, S, ky_sha1, NULL},
	{"md5", 1, 1, {S}, S, ky_md5, NULL},
	{"parse_json", 1, 1, {S}, ANY, ky_parse_json, NULL},
	{"parse_yaml", 1, 1, {S}, ANY, ky_parse_yaml, NULL},
	{"x509_decode", 1, 1, {S}, O, ky_x509_decode, "unsupported so far"},
	/* collections */
	{"lookup", 2, 2, {O | A, SN}, ANY, ky_lookup, NULL},
	{"items", 3, 3, {O | A, S, S}, A, ky_items, NULL},
	{"object_from_lists", 2, 2, {A, A}, O, ky_object_from_lists, NULL},
	/* Kubernetes, images, URLs */
	{"semver_compare", 2, 2, {S, S}, B, ky_semver_compare, "blang/semver range"},
	{"image_normalize", 1, 1, {S}, S, ky_image_normalize, NULL},
	{"is_external_url", 1, 1, {S}, B, ky_is_external_url, "IP literals only (no DNS)"},
	{NULL, 0, 0, {0}, 0, NULL, NULL},
};
