/* doc_util.h - the first document of a YAML text, read raw (no kind
 * check), for unit tests; free it with kp_doc_free. */
#ifndef KP_TEST_DOC_UTIL_H
#define KP_TEST_DOC_UTIL_H

#include <criterion/criterion.h>
#include <string.h>

#include "input/input.h"

static inline kp_doc *doc_of(const char *yaml)
{
	kp_error err;
	kp_read_opts ro = {.raw = true};
	kp_reader *r = kp_reader_open_mem("t.yaml", yaml, strlen(yaml), &ro, &err);
	cr_assert_not_null(r);
	kp_doc *d = NULL;
	cr_assert_eq(kp_reader_next(r, &d, &err), 1, "%s", err.msg);
	kp_reader_close(r);
	return d;
}

#endif
