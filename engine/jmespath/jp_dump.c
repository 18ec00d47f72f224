/* jp_dump.c - the AST as text, in the layout of go-jmespath's
 * ASTNode.PrettyPrint (for `kpolicy jp parse`). */
#include "jmespath/jp_ast.h"

#include <string.h>

static const char *node_name(const kp_jp_node *n)
{
	switch (n->op) {
	case JP_FIELD: return "ASTField";
	case JP_CURRENT: return n->identity ? "ASTIdentity" : "ASTCurrentNode";
	case JP_LITERAL: return "ASTLiteral";
	case JP_SUBEXPR: return "ASTSubexpression";
	case JP_INDEX_EXPR: return "ASTIndexExpression";
	case JP_INDEX: return "ASTIndex";
	case JP_SLICE: return "ASTSlice";
	case JP_PROJECTION: return "ASTProjection";
	case JP_VALUE_PROJ: return "ASTValueProjection";
	case JP_FLATTEN: return "ASTFlatten";
	case JP_FILTER: return "ASTFilterProjection";
	case JP_MULTI_LIST: return "ASTMultiSelectList";
	case JP_MULTI_HASH: return "ASTMultiSelectHash";
	case JP_PIPE: return "ASTPipe";
	case JP_OR: return "ASTOrExpression";
	case JP_AND: return "ASTAndExpression";
	case JP_NOT: return "ASTNotExpression";
	case JP_CMP: return "ASTComparator";
	case JP_FUNCTION: return "ASTFunctionExpression";
	case JP_EXPREF: return "ASTExpRef";
	}
	return "ASTEmpty";
}

static const char *cmp_name(jp_tok t)
{
	switch (t) {
	case JT_EQ: return "tEQ";
	case JT_NE: return "tNE";
	case JT_LT: return "tLT";
	case JT_LE: return "tLTE";
	case JT_GT: return "tGT";
	default: return "tGTE";
	}
}

static void spaces(kp_buf *sb, int n)
{
	for (int i = 0; i < n; i++)
		kp_buf_add(sb, " ", 1);
}

static void slice_part(kp_buf *sb, bool has, int64_t v, const char *sep)
{
	if (has)
		kp_buf_printf(sb, "%lld%s", (long long)v, sep);
	else
		kp_buf_printf(sb, "nil%s", sep);
}

static void value_line(kp_buf *sb, const kp_jp_node *n, int indent)
{
	switch (n->op) {
	case JP_FIELD:
	case JP_FUNCTION:
	case JP_LITERAL: {
		/* values print as JSON, a function by its name */
		size_t len;
		const kp_value *v = n->op == JP_FUNCTION ? kp_jp_new_str(sb->arena, n->name, n->len) : n->lit;
		const char *j = kp_jp_to_json(sb->arena, v, false, &len);
		spaces(sb, indent);
		kp_buf_puts(sb, "value: ");
		kp_buf_add(sb, j, len);
		kp_buf_add(sb, "\n", 1);
		break;
	}
	case JP_INDEX:
		spaces(sb, indent);
		kp_buf_printf(sb, "value: %lld\n", (long long)n->index);
		break;
	case JP_SLICE:
		spaces(sb, indent);
		kp_buf_puts(sb, "value: []*int{");
		slice_part(sb, n->has_start, n->start, ", ");
		slice_part(sb, n->has_stop, n->stop, ", ");
		slice_part(sb, n->has_step, n->step, "}\n");
		break;
	case JP_CMP:
		spaces(sb, indent);
		kp_buf_printf(sb, "value: %s\n", cmp_name(n->cmp));
		break;
	default:
		break;
	}
}

static void dump(kp_buf *sb, const kp_jp_node *n, int indent);

static void dump_kids(kp_buf *sb, const kp_jp_node *n, int indent)
{
	const kp_jp_node *kids[3] = {n->l, n->r, n->cond};
	bool any = n->l || n->n;
	if (!any)
		return;
	spaces(sb, indent);
	kp_buf_puts(sb, "children: {\n");
	for (size_t i = 0; i < 3; i++)
		if (kids[i])
			dump(sb, kids[i], indent + 2);
	for (size_t i = 0; i < n->n; i++) {
		if (n->op != JP_MULTI_HASH) {
			dump(sb, n->kids[i], indent + 2);
			continue;
		}
		/* a hash entry is a key/value pair node around its expression */
		size_t len;
		const char *key = kp_jp_to_json(sb->arena, n->keys[i], false, &len);
		spaces(sb, indent + 2);
		kp_buf_puts(sb, "ASTKeyValPair {\n");
		spaces(sb, indent + 4);
		kp_buf_puts(sb, "value: ");
		kp_buf_add(sb, key, len);
		kp_buf_add(sb, "\n", 1);
		spaces(sb, indent + 4);
		kp_buf_puts(sb, "children: {\n");
		dump(sb, n->kids[i], indent + 6);
		spaces(sb, indent + 2);
		kp_buf_puts(sb, "}\n");
	}
}

static void dump(kp_buf *sb, const kp_jp_node *n, int indent)
{
	spaces(sb, indent);
	kp_buf_printf(sb, "%s {\n", node_name(n));
	value_line(sb, n, indent + 2);
	dump_kids(sb, n, indent + 2);
	spaces(sb, indent);
	kp_buf_puts(sb, "}\n");
}

void kp_jp_dump(const kp_jp *e, kp_buf *sb)
{
	dump(sb, e->root, 0);
}
