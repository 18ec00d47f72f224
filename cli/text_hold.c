/* text_hold.c - where `kpolicy apply`'s text report keeps its failure
 * blocks until the end: Kyverno's "Applying ..." header comes first and
 * needs the resource count.  In memory up to 256 KiB; then on stdout
 * behind a gap left for the header when stdout is a regular file (one
 * write of the text, no copy), else in a temporary file copied to stdout
 * after the header. */
#include "text_hold.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#define KPC_TEXT_SPILL ((size_t)256 << 10)
/* Text held in memory while the resource count runs in its own thread
 * (about 5 MB at two workers; past this the main thread waits for it). */
#define KPC_TEXT_PENDING ((size_t)32 << 20)

/* The resource count of count_async, and the direct way's descriptors
 * waiting for it. */
struct kpc_count_job {
	pthread_t thread;
	const kpc_report *r;
	int fd, read_fd;
	off_t base;
	size_t resources;
	atomic_bool done;
};

/* write(2) all of s, or pwrite(2) it at `at` when at >= 0; the bytes
 * written: fewer than n on an error (errno set). */
static size_t write_all(int fd, const char *s, size_t n, off_t at)
{
	size_t done = 0;
	while (done < n) {
		ssize_t w = at < 0 ? write(fd, s + done, n - done) : pwrite(fd, s + done, n - done, at);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;
		done += (size_t)w;
		at += at < 0 ? 0 : w;
	}
	return done;
}

/* fd (the regular file `st`) opened again for reading, or -1. */
static int open_for_reading(int fd, const struct stat *st)
{
	char self[64];
	snprintf(self, sizeof self, "/proc/self/fd/%d", fd);
	int rfd = open(self, O_RDONLY | O_CLOEXEC);
	struct stat back;
	if (rfd >= 0 && (fstat(rfd, &back) != 0 || back.st_dev != st->st_dev || back.st_ino != st->st_ino)) {
		close(rfd);
		rfd = -1;
	}
	return rfd;
}

/* A run killed while the blocks go to stdout (Ctrl-C, a CI timeout's
 * SIGTERM, `ulimit -f`'s SIGXFSZ, an abort or a crash) leaves stdout as
 * it was before the report, as the temporary file's way does, not a gap
 * of NUL bytes and blocks with no header: its end is cut back to `base`.
 * Only signals left at their default action are caught (ignored ones and
 * a sanitizer's stay as they are); SIGKILL still leaves the gap. */
static const int kill_signals[] = {SIGHUP,  SIGINT,  SIGQUIT, SIGTERM, SIGXFSZ,
				   SIGXCPU, SIGALRM, SIGUSR1, SIGUSR2, SIGABRT,
				   SIGSEGV, SIGBUS,  SIGFPE,  SIGILL};
#define KPC_N_KILL_SIGNALS (sizeof kill_signals / sizeof kill_signals[0])
static struct sigaction kill_saved[KPC_N_KILL_SIGNALS];
static volatile sig_atomic_t undo_fd = -1;
static volatile off_t undo_base;

static void undo_direct(int sig)
{
	if (undo_fd >= 0)
		(void)!ftruncate(undo_fd, undo_base);
	signal(sig, SIG_DFL);
	raise(sig);   /* delivered, with the default action, on return */
}

/* arm: catch kill_signals and cut fd back to base on them; else put the
 * actions back as they were. */
static void guard_direct(bool arm, int fd, off_t base)
{
	if (arm) {
		undo_base = base;
		undo_fd = fd;
	}
	for (size_t i = 0; i < KPC_N_KILL_SIGNALS; i++) {
		if (arm) {
			struct sigaction sa = {.sa_handler = undo_direct};
			sigfillset(&sa.sa_mask);
			if (sigaction(kill_signals[i], NULL, &kill_saved[i]) == 0 &&
			    kill_saved[i].sa_handler == SIG_DFL && !(kill_saved[i].sa_flags & SA_SIGINFO))
				sigaction(kill_signals[i], &sa, NULL);
		} else if (kill_saved[i].sa_handler == SIG_DFL && !(kill_saved[i].sa_flags & SA_SIGINFO)) {
			sigaction(kill_signals[i], &kill_saved[i], NULL);
		}
	}
	if (!arm)
		undo_fd = -1;
}

/* The checks of the direct way (start_direct): stdout's descriptor, its
 * offset, and a descriptor reading it back. */
static bool direct_open(kpc_held_text *t, int *fdp, off_t *basep, int *rfdp)
{
	FILE *f = t->r->out;
	if (fflush(f) != 0)
		return false;
	int fd = fileno(f), fl = fd < 0 ? -1 : fcntl(fd, F_GETFL);
	struct stat out, err;
	if (fl < 0 || (fl & O_APPEND) || (fl & O_ACCMODE) == O_RDONLY || fstat(fd, &out) != 0 ||
	    !S_ISREG(out.st_mode))
		return false;
	if (fstat(STDERR_FILENO, &err) == 0 && err.st_dev == out.st_dev && err.st_ino == out.st_ino)
		return false;
	off_t base = lseek(fd, 0, SEEK_CUR);
	if (base < 0 || base != out.st_size)
		return false;
	int rfd = open_for_reading(fd, &out);
	if (rfd < 0)
		return false;
	*fdp = fd;
	*basep = base;
	*rfdp = rfd;
	return true;
}

/* The direct way from here on, with the gap the header needs for an
 * estimate of `resources` (SIZE_MAX: none, the way stays closed). */
static void direct_begin(kpc_held_text *t, int fd, off_t base, int rfd, size_t resources)
{
	kpc_summary s = t->r->planned;
	s.resources = resources;
	kp_buf h = {0};
	kpc_applying(&h, &s);
	size_t gap = h.len;
	kp_buf_free(&h);
	if (resources == SIZE_MAX || lseek(fd, base + (off_t)gap, SEEK_SET) < 0) {
		close(rfd);
		return;
	}
	guard_direct(true, fd, base);
	t->fd = fd;
	t->direct = true;
	t->read_fd = rfd;
	t->base = base;
	t->gap = gap;
}

static void *count_main(void *arg)
{
	struct kpc_count_job *job = arg;
	job->resources = job->r->count_resources(job->r->estimate_ud, job->fd);
	atomic_store(&job->done, true);
	return NULL;
}

/* The count's end: the direct way opens with its estimate. */
static void count_join(kpc_held_text *t)
{
	struct kpc_count_job *job = t->job;
	pthread_join(job->thread, NULL);
	t->job = NULL;
	direct_begin(t, job->fd, job->base, job->read_fd, job->resources);
	free(job);
}

/* Write the blocks straight to stdout, which saves copying them through
 * a temporary file (at 100,000 resources the library writes 200 MB of
 * them), when stdout is a regular file that ends at its offset (bytes
 * behind it would be overwritten where a pipe leaves them), written
 * without O_APPEND, not shared with stderr (whose lines would land among
 * the blocks), that can be read back (`>` opens it write-only: through
 * /proc/self/fd), and every input is a regular file other than stdout
 * (which the run would read its own text back from).  The blocks go behind
 * a gap sized for the header with the resource count estimated from the
 * inputs (with workers, the count runs in a thread of its own and the
 * text waits in memory meanwhile); finish_direct moves them when the
 * real header is not as long. */
static void start_direct(kpc_held_text *t, size_t text_bytes)
{
	const kpc_report *r = t->r;
	int fd, rfd;
	off_t base;
	if (!r->count_resources || !r->estimate_worth(r->estimate_ud, text_bytes) ||
	    !direct_open(t, &fd, &base, &rfd))
		return;
	if (r->count_async) {
		struct kpc_count_job *job = kpc_xcalloc(1, sizeof *job);
		*job = (struct kpc_count_job){.r = r, .fd = fd, .read_fd = rfd, .base = base};
		if (pthread_create(&job->thread, NULL, count_main, job) == 0) {
			t->job = job;
			return;
		}
		free(job);
	}
	direct_begin(t, fd, base, rfd, r->count_resources(r->estimate_ud, fd));
}

/* s to t->fd.  When stdout fails (a full disk: the temporary file's way
 * would copy the blocks up to where it filled, then fail), the rest and
 * the blocks after it go to a temporary file, copied behind the blocks
 * when the header is in (then the text ends where the disk filled, also
 * when the header is shorter than its gap).  Other write errors lose the
 * text, as they do on stdout. */
static void put(kpc_held_text *t, const char *s, size_t n)
{
	size_t w = write_all(t->fd, s, n, -1);
	if (w == n || !t->direct || t->stuck)
		return;
	t->stuck = true;
	t->out_end = lseek(t->fd, 0, SEEK_CUR);
	t->spill = tmpfile();
	t->fd = t->spill ? fileno(t->spill) : -1;
	if (t->fd >= 0)
		write_all(t->fd, s + w, n - w, -1);
}

void kpc_held_add(kpc_held_text *t, const char *s, size_t n)
{
	if (t->job) {
		if (!atomic_load(&t->job->done) && t->held.len + n <= KPC_TEXT_PENDING) {
			kp_buf_add(&t->held, s, n);
			return;
		}
		count_join(t);
	}
	/* past KPC_TEXT_SPILL bytes the blocks go to stdout or a temporary
	 * file, by write(2) on the descriptor: what is held first, then a
	 * large piece (a unit's blocks) as it is, without copying it into
	 * `held` (see put for write errors). */
	if (t->held.len + n > KPC_TEXT_SPILL) {
		if (t->fd < 0 && !t->direct_tried) {
			t->direct_tried = true;
			start_direct(t, t->held.len + n);
			if (t->job) {
				kp_buf_add(&t->held, s, n);
				return;
			}
		}
		if (t->fd < 0 && (t->spill = tmpfile()) != NULL)   /* NULL: stay in memory */
			t->fd = fileno(t->spill);
		if (t->fd >= 0) {
			put(t, t->held.data, t->held.len);
			kp_buf_reset(&t->held);
			if (n > KPC_TEXT_SPILL / 2) {
				if (t->fd >= 0)
					put(t, s, n);
				return;
			}
		}
	}
	kp_buf_add(&t->held, s, n);
}

/* Move len bytes of fd at from to to, in pieces, from the end when they
 * move up (the ranges overlap).  A piece that cannot be written (a full
 * disk: the last piece, moved up past the file's end) does not stop the
 * others, which are written over bytes the file has: the text ends where
 * the disk filled, as when the temporary file is copied. */
static void move_bytes(int rfd, int fd, off_t from, off_t to, off_t len)
{
	size_t cap = (size_t)1 << 20;
	char *buf = kpc_xmalloc(cap);
	for (off_t done = 0; done < len;) {
		size_t n = len - done < (off_t)cap ? (size_t)(len - done) : cap;
		off_t at = to > from ? len - done - (off_t)n : done;
		if (pread(rfd, buf, n, from + at) == (ssize_t)n)
			write_all(fd, buf, n, to + at);
		done += (off_t)n;
	}
	free(buf);
}

/* Copy the spilled blocks to f: in the kernel with sendfile(2) where the
 * output allows it, else by read(2) and write(2). */
static void copy_spill(kpc_held_text *t, FILE *f)
{
	int in = fileno(t->spill), out = fileno(f);
	write_all(in, t->held.data, t->held.len, -1);
	kp_buf_reset(&t->held);
	off_t end = lseek(in, 0, SEEK_CUR);
	if (end <= 0 || lseek(in, 0, SEEK_SET) != 0 || fflush(f) != 0)
		return;
	off_t left = end;
	while (left > 0) {
		ssize_t w = sendfile(out, in, NULL, (size_t)left > ((size_t)1 << 30) ? (size_t)1 << 30 : (size_t)left);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			break;   /* not possible here (an O_APPEND output, ...): copy */
		left -= w;
	}
	if (left > 0) {
		size_t cap = (size_t)1 << 20;
		char *buf = kpc_xmalloc(cap);
		ssize_t r;
		while ((r = read(in, buf, cap)) != 0) {
			if (r < 0 && errno == EINTR)
				continue;
			if (r < 0 || write_all(out, buf, (size_t)r, -1) != (size_t)r)
				break;
		}
		free(buf);
	}
}

/* The header into its gap: the blocks move first when it is not as long
 * as the estimate made it; stdout's offset is left at their end, where
 * the blocks a full disk sent to the spill file are copied. */
static void finish_direct(kpc_held_text *t, const kpc_summary *s)
{
	int fd = fileno(t->r->out);
	if (t->fd >= 0) {
		put(t, t->held.data, t->held.len);
		kp_buf_reset(&t->held);
	}
	off_t body = t->base + (off_t)t->gap, end = t->stuck ? t->out_end : lseek(fd, 0, SEEK_CUR);
	if (end < body)
		end = body;   /* not possible on a regular file */
	kp_buf h = {0};
	kpc_applying(&h, s);
	off_t head_end = t->base + (off_t)h.len;
	if (h.len != t->gap)
		move_bytes(t->read_fd, fd, body, head_end, end - body);
	write_all(fd, h.data, h.len, t->base);
	end = head_end + (end - body);
	struct stat st;
	if (fstat(fd, &st) == 0 && st.st_size < end)
		end = st.st_size;   /* a full disk cut the header: no hole after it */
	else if (h.len < t->gap)
		(void)!ftruncate(fd, end);
	lseek(fd, end, SEEK_SET);
	guard_direct(false, fd, 0);
	close(t->read_fd);
	kp_buf_free(&h);
	if (t->spill) {
		copy_spill(t, t->r->out);
		fclose(t->spill);
	}
}

void kpc_held_init(kpc_held_text *t, const kpc_report *r)
{
	memset(t, 0, sizeof *t);
	t->r = r;
	t->fd = -1;
}

void kpc_held_finish(kpc_held_text *t, const kpc_summary *s)
{
	FILE *f = t->r->out;
	if (t->job)
		count_join(t);
	if (t->direct) {
		finish_direct(t, s);
	} else {
		kpc_print_applying(f, s);
		if (t->spill) {
			copy_spill(t, f);
			fclose(t->spill);
		}
	}
	kp_buf_flush(&t->held, f);
	kp_buf_free(&t->held);
}
