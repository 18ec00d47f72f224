/* Unit tests: the text report's direct way (blocks straight to a
 * regular-file stdout behind a gap for the header) when the resource
 * count runs in a thread of its own (count_async, -j 2 and up) and is
 * slow: the blocks wait in memory up to their cap (32 MiB) and the main
 * thread then waits for the count; a count still running when the report
 * ends is waited for; a wrong or unknown estimate.  The file must read as
 * the header followed by every block, behind what it held before. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cli/report.h"
#include "cli/text_hold.h"

typedef struct slow_count {
	long ms;                 /* how long the count takes */
	size_t estimate;         /* what it returns */
	pthread_t main_thread;
	bool off_main;           /* it ran in another thread */
	int calls;
} slow_count;

static bool worth(void *ud, size_t text_bytes)
{
	(void)ud;
	(void)text_bytes;
	return true;
}

static size_t count(void *ud, int out_fd)
{
	slow_count *c = ud;
	(void)out_fd;
	struct timespec ts = {c->ms / 1000, (c->ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
	c->off_main = !pthread_equal(pthread_self(), c->main_thread);
	c->calls++;
	return c->estimate;
}

/* Blocks of `total` bytes in pieces of `piece` through a held text on a
 * regular file that held "before\n"; checks the file's bytes. */
static void run(slow_count *c, bool async, size_t total, size_t piece, size_t resources)
{
	total = (total + piece - 1) / piece * piece;   /* whole pieces */
	char path[] = "/tmp/kp-text-hold-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	unlink(path);
	FILE *f = fdopen(fd, "w+");
	cr_assert_not_null(f);
	fputs("before\n", f);
	c->main_thread = pthread_self();
	kpc_report r = {.out = f, .planned = {.rules = 3}, .estimate_worth = worth,
			.count_resources = count, .count_async = async, .estimate_ud = c};
	kpc_held_text t;
	kpc_held_init(&t, &r);
	char *block = malloc(piece);
	size_t i = 0;
	for (size_t done = 0; done < total; done += piece) {
		for (size_t k = 0; k < piece; k++)
			block[k] = (char)('a' + (i++ % 26));
		block[piece - 1] = '\n';
		kpc_held_add(&t, block, piece);
	}
	kpc_summary s = {.rules = 3, .resources = resources};
	kpc_held_finish(&t, &s);
	fflush(f);
	kp_buf h = {0};
	kpc_applying(&h, &s);
	size_t want_len = 7 + h.len + total;
	off_t end = lseek(fd, 0, SEEK_END);
	cr_assert_eq((size_t)end, want_len, "file of %lld bytes, want %zu", (long long)end, want_len);
	char *got = malloc(want_len);
	cr_assert_eq(pread(fd, got, want_len, 0), (ssize_t)want_len);
	cr_assert(!memcmp(got, "before\n", 7));
	cr_assert(!memcmp(got + 7, h.data, h.len), "header %.*s", (int)h.len, got + 7);
	i = 0;
	for (size_t done = 0; done < total; done += piece) {
		for (size_t k = 0; k < piece; k++)
			block[k] = (char)('a' + (i++ % 26));
		block[piece - 1] = '\n';
		cr_assert(!memcmp(got + 7 + h.len + done, block, piece), "block at %zu", done);
	}
	free(got);
	free(block);
	kp_buf_free(&h);
	fclose(f);
}

/* 40 MiB of blocks while the count takes 300 ms: past the 32 MiB held in
 * memory, the main thread waits for the count. */
Test(text_hold_async, blocks_past_the_memory_cap_wait_for_a_slow_count)
{
	slow_count c = {.ms = 300, .estimate = 123456};
	run(&c, true, (size_t)40 << 20, (size_t)64 << 10, 123456);
	cr_assert_eq(c.calls, 1);
	cr_assert(c.off_main);
}

/* The report ends while the count runs: it is waited for. */
Test(text_hold_async, a_count_still_running_at_the_end_is_waited_for)
{
	slow_count c = {.ms = 300, .estimate = 5000};
	run(&c, true, (size_t)300 << 10, 1000, 5000);
	cr_assert_eq(c.calls, 1);
	cr_assert(c.off_main);
}

/* The estimate has fewer digits than the count (the blocks move down)
 * or more (they move up); a large piece after the count. */
Test(text_hold_async, a_wrong_estimate_moves_the_blocks)
{
	slow_count c = {.ms = 50, .estimate = 9};
	run(&c, true, (size_t)3 << 20, (size_t)512 << 10, 1234567);
	slow_count d = {.ms = 50, .estimate = 987654321};
	run(&d, true, (size_t)3 << 20, 333, 12);
}

/* No estimate (an input is not a regular file): the temporary file's way. */
Test(text_hold_async, no_estimate_takes_the_temporary_file)
{
	slow_count c = {.ms = 50, .estimate = SIZE_MAX};
	run(&c, true, (size_t)2 << 20, 4096, 77);
	cr_assert_eq(c.calls, 1);
}

/* -j 1: the count on the main thread, the same bytes. */
Test(text_hold_async, the_count_on_the_main_thread_gives_the_same_bytes)
{
	slow_count c = {.ms = 10, .estimate = 5000};
	run(&c, false, (size_t)1 << 20, 1000, 5000);
	cr_assert(!c.off_main);
}
