/* select_share.c - identical match/exclude blocks, across rules and
 * policies, get one number at seal time, so that the evaluator decides
 * each distinct block once per resource (the pod-security library repeats
 * `kinds: [Pod]` and the autogen controller lists in every policy). */
#include "policy/policy.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* A count as its bytes (keys are compared by length and bytes, so they
 * may hold any byte). */
static void put_n(kp_buf *b, size_t n)
{
	kp_buf_add(b, (const char *)&n, sizeof n);
}

/* A string with its length in front (NULL as SIZE_MAX): no two different
 * blocks spell the same key. */
static void put_s(kp_buf *b, const char *s)
{
	if (!s) {
		put_n(b, SIZE_MAX);
		return;
	}
	size_t n = strlen(s);
	put_n(b, n);
	kp_buf_add(b, s, n);
}

static void put_list(kp_buf *b, const char **v, size_t n)
{
	put_n(b, n);
	for (size_t i = 0; i < n; i++)
		put_s(b, v[i]);
}

static void put_selector(kp_buf *b, const kp_label_selector *ls)
{
	put_n(b, (size_t)ls->present << 1 | (size_t)ls->invalid);
	put_n(b, ls->n_labels);
	for (size_t i = 0; i < ls->n_labels; i++) {
		put_s(b, ls->labels[i].key);
		put_s(b, ls->labels[i].value);
	}
	put_n(b, ls->n_exprs);
	for (size_t i = 0; i < ls->n_exprs; i++) {
		put_s(b, ls->exprs[i].key);
		put_n(b, (size_t)ls->exprs[i].op);
		put_list(b, ls->exprs[i].values, ls->exprs[i].n_values);
	}
}

/* Everything of b that block_matches and the match/exclude helpers read
 * (select.c), as one key. */
static void block_key(kp_buf *b, const kp_block *blk)
{
	kp_buf_reset(b);
	put_n(b, blk->n_kinds);
	for (size_t i = 0; i < blk->n_kinds; i++) {
		const kp_kind_sel *k = &blk->kinds[i];
		put_s(b, k->text);
		put_s(b, k->group);
		put_s(b, k->version);
		put_s(b, k->kind);
		put_s(b, k->sub);
	}
	put_s(b, blk->name);
	put_list(b, blk->names, blk->n_names);
	put_list(b, blk->namespaces, blk->n_namespaces);
	put_n(b, blk->n_annotations);
	for (size_t i = 0; i < blk->n_annotations; i++) {
		put_s(b, blk->annotations[i].key);
		put_s(b, blk->annotations[i].value);
	}
	put_selector(b, &blk->selector);
	put_selector(b, &blk->ns_selector);
	put_list(b, blk->operations, blk->n_operations);
	put_list(b, blk->roles, blk->n_roles);
	put_list(b, blk->cluster_roles, blk->n_cluster_roles);
	put_n(b, blk->n_subjects);
	for (size_t i = 0; i < blk->n_subjects; i++) {
		put_n(b, (size_t)blk->subjects[i].kind);
		put_s(b, blk->subjects[i].name);
		put_s(b, blk->subjects[i].ns);
	}
	put_n(b, (size_t)blk->rd_empty << 1 | (size_t)blk->ui_empty);
}

typedef struct share_tab {
	char **keys;                 /* open addressing; NULL: empty */
	size_t *lens;
	size_t *ids;
	size_t cap, n;
} share_tab;

static size_t share_id(share_tab *t, const kp_buf *key)
{
	size_t mask = t->cap - 1, i = (size_t)kp_hash(key->data, key->len) & mask;
	for (; t->keys[i]; i = (i + 1) & mask)
		if (t->lens[i] == key->len && !memcmp(t->keys[i], key->data, key->len))
			return t->ids[i];
	t->keys[i] = kp_xmalloc(key->len ? key->len : 1);
	memcpy(t->keys[i], key->data, key->len);
	t->lens[i] = key->len;
	return t->ids[i] = t->n++;
}

static void share_selector(share_tab *t, kp_buf *key, kp_selector *s)
{
	for (size_t i = 0; i < s->n_blocks; i++) {
		block_key(key, &s->blocks[i]);
		s->blocks[i].share_id = share_id(t, key) + 1;
	}
}

size_t kp_blocks_share(kp_policy_set *ps)
{
	size_t blocks = 0;
	for (size_t i = 0; i < ps->n; i++)
		for (size_t j = 0; j < ps->items[i]->n_rules; j++)
			blocks += ps->items[i]->rules[j].match.n_blocks +
				  ps->items[i]->rules[j].exclude.n_blocks;
	share_tab t = {.cap = 16};
	while (t.cap < blocks * 2)
		t.cap *= 2;
	t.keys = kp_xcalloc(t.cap, sizeof *t.keys);
	t.ids = kp_xcalloc(t.cap, sizeof *t.ids);
	t.lens = kp_xcalloc(t.cap, sizeof *t.lens);
	kp_buf key = {0};
	for (size_t i = 0; i < ps->n; i++)
		for (size_t j = 0; j < ps->items[i]->n_rules; j++) {
			kp_rule *r = &ps->items[i]->rules[j];
			share_selector(&t, &key, &r->match);
			share_selector(&t, &key, &r->exclude);
		}
	kp_buf_free(&key);
	for (size_t i = 0; i < t.cap; i++)
		free(t.keys[i]);
	free(t.keys);
	free(t.lens);
	free(t.ids);
	return t.n;
}
