/* eval_ctx.c - the per-thread evaluation context of kpolicy.h: limits and
 * reusable scratch memory (after PCRE2's match context). */
#include "core/core.h"

#include <stdlib.h>

kp_eval_ctx *kp_eval_ctx_new(const kp_eval_limits *limits)
{
	kp_eval_ctx *ctx = kp_xcalloc(1, sizeof *ctx);
	if (limits)
		ctx->limits = *limits;
	kp_eval_limits *l = &ctx->limits;
	if (!l->max_depth || l->max_depth > KP_MAX_EVAL_DEPTH)
		l->max_depth = KP_MAX_EVAL_DEPTH;
	if (!l->max_steps)
		l->max_steps = KP_DEFAULT_MAX_STEPS;
	if (!l->regex_match_limit)
		l->regex_match_limit = KP_DEFAULT_REGEX_MATCH_LIMIT;
	if (!l->regex_depth_limit)
		l->regex_depth_limit = KP_DEFAULT_REGEX_DEPTH_LIMIT;
	ctx->scratch = kp_arena_new();
	ctx->policy_scratch = kp_arena_new();
	return ctx;
}

void kp_eval_ctx_free(kp_eval_ctx *ctx)
{
	if (!ctx)
		return;
	if (ctx->re && ctx->re_free)
		ctx->re_free(ctx->re);
	kp_arena_free(ctx->scratch);
	kp_arena_free(ctx->policy_scratch);
	free(ctx);
}

const kp_eval_limits *kp_eval_ctx_limits(const kp_eval_ctx *ctx)
{
	return &ctx->limits;
}
