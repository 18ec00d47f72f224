/* load_libfyaml.c - libfyaml (0.7.12) events -> document builder. */
#include "internal.h"

static void *fy_open_stub(const char *buf, size_t len, unsigned line0)
{
	(void)buf; (void)len; (void)line0;
	return (void *)1;
}

static int fy_next_stub(void *s, kp_builder *b, kp_error *err)
{
	(void)s;
	return kp_errorf(err, KP_E_USAGE, b->file, 0, 0, "libfyaml loader not built yet");
}

static void fy_close_stub(void *s) { (void)s; }

const kp_loader_ops kp_loader_libfyaml = {"libfyaml", fy_open_stub, fy_next_stub, fy_close_stub};
