/* Unit tests: arena, value tree, errors. */
#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

Test(arena, allocations_are_zeroed_aligned_and_counted)
{
	kp_arena *a = kp_arena_new();
	char *p = kp_arena_alloc(a, 3);
	cr_assert_eq(((uintptr_t)p) % 16, 0);
	cr_assert_eq(p[0], 0);
	void *big = kp_arena_alloc(a, 1 << 20); /* own chunk */
	cr_assert_not_null(big);
	cr_assert_geq(kp_arena_used(a), (size_t)(1 << 20));
	cr_assert_str_eq(kp_arena_printf(a, "%s-%d", "x", 42), "x-42");
	kp_arena_reset(a);
	cr_assert_eq(kp_arena_used(a), 0);
	kp_arena_free(a);
}

Test(value, map_set_get_and_path)
{
	kp_arena *a = kp_arena_new();
	kp_value *m = kp_value_new(a, KP_MAP, "f.yaml", 1, 1);
	kp_value *meta = kp_value_new(a, KP_MAP, "f.yaml", 2, 3);
	kp_map_set(a, meta, "name", kp_value_new_str(a, "web", 3, "f.yaml", 3, 9));
	kp_map_set(a, m, "metadata", meta);
	cr_assert_str_eq(kp_value_path_str(m, "metadata/name"), "web");
	kp_map_set(a, meta, "name", kp_value_new_str(a, "api", 3, "f.yaml", 4, 9));
	cr_assert_eq(kp_value_len(meta), 1);
	cr_assert_str_eq(kp_value_path_str(m, "metadata/name"), "api");
	cr_assert_null(kp_value_get(m, "spec"));
	kp_value *c = kp_value_copy(a, m);
	cr_assert_str_eq(kp_value_path_str(c, "metadata/name"), "api");
	cr_assert_eq(kp_value_line(kp_value_path(c, "metadata/name")), 4);
	kp_arena_free(a);
}

Test(error, format_names_file_line_col_and_path)
{
	kp_error e;
	kp_errorf(&e, KP_E_YAML, "a.yaml", 3, 7, "bad %s", "thing");
	strcpy(e.path, "/spec");
	char buf[256];
	cr_assert_str_eq(kp_error_format(&e, buf, sizeof buf), "a.yaml:3:7: bad thing (at /spec)");
}
