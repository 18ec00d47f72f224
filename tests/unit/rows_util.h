/* rows_util.h - up to eight results of a policy evaluation, collected by
 * the kp_result callback `collect`, for unit tests. */
#ifndef KP_TEST_ROWS_UTIL_H
#define KP_TEST_ROWS_UTIL_H

#include <criterion/criterion.h>
#include <stdio.h>

#include "kpolicy.h"

typedef struct rows {
	size_t n;
	kp_status status[8];
	char rule[8][64];
	char message[8][512];
	char unsupported[8][64];
} rows;

static inline void collect(void *ud, const kp_result *r)
{
	rows *rs = ud;
	cr_assert_lt(rs->n, 8);
	rs->status[rs->n] = r->status;
	snprintf(rs->rule[rs->n], sizeof rs->rule[0], "%s", r->rule);
	snprintf(rs->message[rs->n], sizeof rs->message[0], "%s", r->message ? r->message : "");
	snprintf(rs->unsupported[rs->n], sizeof rs->unsupported[0], "%s",
		 r->unsupported ? r->unsupported : "");
	rs->n++;
}

#endif
