/* Unit tests: kp_walk_inputs (which files a path names, in which order). */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "input/input.h"

typedef struct {
	char seen[64][512];
	bool problem[64];
	int n;
	int stop_after;  /* nonzero: return 7 from this call on */
} walk_log;

static char root[256];

static int record(void *ud, const char *file, const kp_error *problem)
{
	walk_log *l = ud;
	const char *rel = strncmp(file, root, strlen(root)) == 0 ? file + strlen(root) : file;
	snprintf(l->seen[l->n], sizeof l->seen[0], "%s", rel);
	l->problem[l->n] = problem != NULL;
	if (problem)
		cr_assert_eq(problem->code, KP_E_IO);
	l->n++;
	return l->stop_after && l->n >= l->stop_after ? 7 : 0;
}

static void put(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s%s", root, rel);
	FILE *f = fopen(p, "w");
	cr_assert(f, "cannot create %s", p);
	fputs("kind: X\n", f);
	fclose(f);
}

static void mkd(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s%s", root, rel);
	cr_assert_eq(mkdir(p, 0755), 0, "mkdir %s", p);
}

static void lnk(const char *target, const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s%s", root, rel);
	cr_assert_eq(symlink(target, p), 0, "symlink %s", p);
}

static void make_tree(void)
{
	snprintf(root, sizeof root, "/tmp/kp-walk-XXXXXX");
	cr_assert(mkdtemp(root));
	mkd("/b");
	mkd("/a");
	mkd("/a/sub");
	put("/z.yaml");
	put("/B.yml");
	put("/a/x.json");
	put("/a/notes.txt");
	put("/a/sub/deep.yaml");
	put("/b/c.yaml");
	put("/b/c.yaml.bak");
	put("/b/_.yaml");
	lnk("../a", "/b/link-to-a");      /* followed */
	lnk("..", "/b/loop");             /* back to the root: a loop */
	lnk("missing.yaml", "/b/dangling.yaml");
	lnk("missing", "/b/dangling-other");
}

static void remove_tree(void)
{
	char cmd[512];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	cr_assert_eq(system(cmd), 0);
}

Test(walk, directory_walk_is_recursive_sorted_and_filtered)
{
	make_tree();
	walk_log l = {0};
	kp_error e;
	cr_assert_eq(kp_walk_inputs(root, record, &l, &e), 0);
	/* strcmp order: uppercase before lowercase, '_' after uppercase */
	const char *want[] = {"/B.yml", "/a/sub/deep.yaml", "/a/x.json", "/b/_.yaml", "/b/c.yaml",
			      "/b/dangling.yaml", "/b/link-to-a/sub/deep.yaml", "/b/link-to-a/x.json",
			      "/b/loop", "/z.yaml"};
	bool problem[] = {false, false, false, false, false, true, false, false, true, false};
	cr_assert_eq(l.n, 10, "saw %d entries", l.n);
	for (int i = 0; i < 10; i++) {
		cr_assert_str_eq(l.seen[i], want[i]);
		cr_assert_eq(l.problem[i], problem[i], "%s", want[i]);
	}
	remove_tree();
}

Test(walk, a_file_is_passed_whatever_its_name)
{
	make_tree();
	walk_log l = {0};
	char p[512];
	snprintf(p, sizeof p, "%s/a/notes.txt", root);
	cr_assert_eq(kp_walk_inputs(p, record, &l, NULL), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.seen[0], "/a/notes.txt");
	cr_assert_not(l.problem[0]);
	remove_tree();
}

Test(walk, stdin_dash_is_passed_as_is)
{
	walk_log l = {0};
	cr_assert_eq(kp_walk_inputs("-", record, &l, NULL), 0);
	cr_assert_eq(l.n, 1);
	cr_assert_str_eq(l.seen[0], "-");
}

Test(walk, missing_path_is_an_error)
{
	walk_log l = {0};
	kp_error e;
	cr_assert_eq(kp_walk_inputs("/nonexistent/kp-walk", record, &l, &e), -1);
	cr_assert_eq(e.code, KP_E_IO);
	cr_assert_str_eq(e.file, "/nonexistent/kp-walk");
	cr_assert_eq(l.n, 0);
}

Test(walk, nonzero_callback_stops_the_walk)
{
	make_tree();
	walk_log l = {.stop_after = 2};
	cr_assert_eq(kp_walk_inputs(root, record, &l, NULL), 7);
	cr_assert_eq(l.n, 2);
	remove_tree();
}

Test(walk, unreadable_directory_is_reported_and_the_walk_goes_on)
{
	if (geteuid() == 0)
		cr_skip_test("root reads every directory");
	make_tree();
	char p[512];
	snprintf(p, sizeof p, "%s/a/sub", root);
	cr_assert_eq(chmod(p, 0), 0);
	walk_log l = {0};
	cr_assert_eq(kp_walk_inputs(root, record, &l, NULL), 0);
	cr_assert_str_eq(l.seen[1], "/a/sub");
	cr_assert(l.problem[1]);
	cr_assert_str_eq(l.seen[2], "/a/x.json");
	chmod(p, 0755);
	remove_tree();
}

/* ---- kp_walk_inputs_opts: hidden entries and --exclude globs, as
 * `kpolicy apply` walks its inputs */

static void make_opts_tree(void)
{
	snprintf(root, sizeof root, "/tmp/kp-walk-XXXXXX");
	cr_assert(mkdtemp(root));
	mkd("/.github");
	mkd("/.github/workflows");
	mkd("/p");
	mkd("/p/.kyverno-test");
	mkd("/p/gen");
	put("/.github/workflows/ci.yaml");
	put("/.hidden.yaml");
	put("/a.yaml");
	put("/p/.kyverno-test/kyverno-test.yaml");
	put("/p/gen/x.yaml");
	put("/p/kustomization.yaml");
	put("/p/pol.yaml");
}

static void expect_seen(const walk_log *l, const char *const *want, int n)
{
	cr_assert_eq(l->n, n, "saw %d entries", l->n);
	for (int i = 0; i < n; i++)
		cr_assert_str_eq(l->seen[i], want[i]);
}

Test(walk_opts, without_options_everything_is_read)
{
	make_opts_tree();
	walk_log l = {0};
	cr_assert_eq(kp_walk_inputs_opts(root, NULL, record, &l, NULL), 0);
	const char *want[] = {"/.github/workflows/ci.yaml", "/.hidden.yaml", "/a.yaml",
			      "/p/.kyverno-test/kyverno-test.yaml", "/p/gen/x.yaml",
			      "/p/kustomization.yaml", "/p/pol.yaml"};
	expect_seen(&l, want, 7);
	remove_tree();
}

Test(walk_opts, hidden_files_and_folders_are_skipped)
{
	make_opts_tree();
	walk_log l = {0};
	kp_walk_opts o = {.skip_hidden = true};
	cr_assert_eq(kp_walk_inputs_opts(root, &o, record, &l, NULL), 0);
	const char *want[] = {"/a.yaml", "/p/gen/x.yaml", "/p/kustomization.yaml", "/p/pol.yaml"};
	expect_seen(&l, want, 4);
	remove_tree();
}

Test(walk_opts, a_hidden_path_named_by_the_caller_is_read)
{
	make_opts_tree();
	walk_log l = {0};
	kp_walk_opts o = {.skip_hidden = true};
	char p[512];
	snprintf(p, sizeof p, "%s/.github", root);
	cr_assert_eq(kp_walk_inputs_opts(p, &o, record, &l, NULL), 0);
	const char *want[] = {"/.github/workflows/ci.yaml"};
	expect_seen(&l, want, 1);
	remove_tree();
}

Test(walk_opts, exclude_by_name_and_by_relative_path)
{
	make_opts_tree();
	walk_log l = {0};
	const char *globs[] = {"kustomization.*", "p/gen"};
	kp_walk_opts o = {.skip_hidden = true, .exclude = globs, .n_exclude = 2};
	cr_assert_eq(kp_walk_inputs_opts(root, &o, record, &l, NULL), 0);
	const char *want[] = {"/a.yaml", "/p/pol.yaml"};
	expect_seen(&l, want, 2);
	remove_tree();
}

Test(walk_opts, exclude_applies_to_named_paths)
{
	make_opts_tree();
	walk_log l = {0};
	const char *globs[] = {"pol.yaml", "*/gen/*"};
	kp_walk_opts o = {.exclude = globs, .n_exclude = 2};
	char p[512];
	snprintf(p, sizeof p, "%s/p/pol.yaml", root);
	cr_assert_eq(kp_walk_inputs_opts(p, &o, record, &l, NULL), 0);
	snprintf(p, sizeof p, "%s/p/gen/x.yaml", root);
	cr_assert_eq(kp_walk_inputs_opts(p, &o, record, &l, NULL), 0);
	cr_assert_eq(l.n, 0);
	snprintf(p, sizeof p, "%s/a.yaml", root);
	cr_assert_eq(kp_walk_inputs_opts(p, &o, record, &l, NULL), 0);
	cr_assert_eq(l.n, 1);
	remove_tree();
}
