/* jp_registry.c - which function tables exist and in which dialects;
 * lookup by name (at compile time only) and the callbacks' error helper. */
#include "jmespath/jp_func.h"
#include "jmespath/ky_internal.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

typedef struct func_table {
	const kp_jp_func *funcs;   /* ends with a row whose name is NULL */
	int modes;                 /* KP_JP_PLAIN | KP_JP_KYVERNO */
} func_table;

/* Searched in order: put dialect tables that override built-ins first. */
static const func_table tables[] = {
	{kp_jp_kyverno_funcs, KP_JP_KYVERNO},
	{kp_jp_builtins, KP_JP_PLAIN | KP_JP_KYVERNO},
};

static const kp_jp_func *find(const char *name, size_t len, int mode, size_t upto)
{
	for (size_t t = 0; t < upto && t < sizeof tables / sizeof *tables; t++) {
		if (!(tables[t].modes & mode))
			continue;
		for (const kp_jp_func *f = tables[t].funcs; f->name; f++)
			if (strlen(f->name) == len && memcmp(f->name, name, len) == 0)
				return f;
	}
	return NULL;
}

const kp_jp_func *kp_jp_func_find(const char *name, size_t len, int mode)
{
	return find(name, len, mode, (size_t)-1);
}

void kp_jp_func_each(int mode, void (*fn)(void *ud, const kp_jp_func *f), void *ud)
{
	for (size_t t = 0; t < sizeof tables / sizeof *tables; t++) {
		if (!(tables[t].modes & mode))
			continue;
		for (const kp_jp_func *f = tables[t].funcs; f->name; f++)
			if (!find(f->name, strlen(f->name), mode, t)) /* not overridden */
				fn(ud, f);
	}
}

char *kp_jp_type_names(unsigned mask, char *buf, size_t n)
{
	static const struct {
		unsigned bit;
		const char *name;
	} names[] = {
		{KP_JP_T_NUMBER, "number"}, {KP_JP_T_STRING, "string"},
		{KP_JP_T_BOOL, "boolean"}, {KP_JP_T_ARRAY, "array"},
		{KP_JP_T_OBJECT, "object"}, {KP_JP_T_NULL, "null"},
		{KP_JP_T_EXPREF, "expref"}, {KP_JP_T_ARRAY_NUMBER, "array[number]"},
		{KP_JP_T_ARRAY_STRING, "array[string]"},
	};
	if (n == 0)
		return buf;
	buf[0] = 0;
	if ((mask & KP_JP_T_ANY) == KP_JP_T_ANY) {
		snprintf(buf, n, "any");
		mask &= ~(unsigned)KP_JP_T_ANY;
	}
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		if (!(mask & names[i].bit))
			continue;
		size_t l = strlen(buf);
		snprintf(buf + l, n - l, "%s%s", l ? "|" : "", names[i].name);
	}
	return buf;
}

int kp_jp_fail(kp_jp_call *c, kp_jp_kind kind, const char *fmt, ...)
{
	char msg[800];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	const char *name = c->fn ? c->fn->name : "?";
	if (kind == KP_JP_E_FUNCTION)
		kp_errorf(c->err, KP_E_EXPR, NULL, 0, 0, "JMESPath function '%s': %s", name, msg);
	else
		kp_errorf(c->err, KP_E_EXPR, NULL, 0, 0, "%s error: %s(): %s",
			  kp_jp_kind_name(kind), name, msg);
	return -(int)kind;
}
