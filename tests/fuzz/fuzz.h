/*
 * fuzz.h - shared by the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * Each target defines `int kp_fuzz_<name>(const uint8_t *data, size_t size)`
 * and names it with KP_FUZZ_ENTRY.  Built by `make fuzz` with clang
 * (-DKP_FUZZ_LIBFUZZER) that becomes libFuzzer's LLVMFuzzerTestOneInput;
 * built by `make check` into tests/fuzz/replay (gcc, the normal library)
 * the same functions replay the committed crash reproducers.
 *
 * A broken promise of kpolicy.h (a string without its NUL, a fail without
 * a path, a reader that stops making progress, ...) calls KP_FUZZ_CHECK,
 * which aborts: libFuzzer counts that as a crash.
 */
#ifndef KP_FUZZ_H
#define KP_FUZZ_H

#include "input/input.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#ifdef KP_FUZZ_LIBFUZZER
#define KP_FUZZ_ENTRY(fn) \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size); \
	int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) { return fn(data, size); }
#else
#define KP_FUZZ_ENTRY(fn)
#endif

#define KP_FUZZ_CHECK(cond) \
	((cond) ? (void)0 : kp_fuzz_fail(__FILE__, __LINE__, #cond))

/* Prints the broken invariant and aborts. */
void kp_fuzz_fail(const char *file, int line, const char *what)
	__attribute__((noreturn));

/* Walks v through the public accessors of kpolicy.h and checks what they
 * promise (types, lengths, NUL after loader strings, unique keys). */
void kp_fuzz_walk(const kp_value *v);

/* Checks an error record filled by a failing call: a failure code, a
 * NUL-terminated non-empty message, and that kp_error_format copes. */
void kp_fuzz_check_error(const kp_error *e);

/* A kp_read_opts.warn callback that checks the warning record. */
void kp_fuzz_warn(void *ud, const kp_error *w);

/* Calls fn(ud, doc) for every document of data read with opts (the callee
 * owns doc); -1 results are checked and skipped.  Aborts when the reader
 * stops making progress.  Returns the number of documents. */
size_t kp_fuzz_read_all(const uint8_t *data, size_t size, const kp_read_opts *opts,
			void (*fn)(void *ud, kp_doc *doc), void *ud);

/* The body of the two loader targets: every document of data read with
 * `parser` under both typings, as resources (with kp_doc_normalize_resource)
 * and raw, with the default limits and with small ones. */
int kp_fuzz_loader(kp_yaml_parser parser, const uint8_t *data, size_t size);

/* The targets. */
int kp_fuzz_load_libyaml(const uint8_t *data, size_t size);
int kp_fuzz_load_libfyaml(const uint8_t *data, size_t size);
int kp_fuzz_loaders_diff(const uint8_t *data, size_t size);
int kp_fuzz_pattern(const uint8_t *data, size_t size);
int kp_fuzz_policy(const uint8_t *data, size_t size);
int kp_fuzz_regex(const uint8_t *data, size_t size);
int kp_fuzz_jmespath(const uint8_t *data, size_t size);
int kp_fuzz_cel(const uint8_t *data, size_t size);

#endif /* KP_FUZZ_H */
