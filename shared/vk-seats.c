/* vk-seats.c: seat allocation for kommunal- and regionsrådsvalg.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-error.h"
#include "vk-json-private.h"
#include "vk-seats.h"

/* ---- lot draws --------------------------------------------------------- */

typedef struct
{
  GPtrArray *tied; /* char* */
  char *winner;
} Draw;

struct _VkLots
{
  GPtrArray *draws; /* Draw* */
  char *file;       /* the file it came from, for messages; "lots" otherwise */
};

static void
draw_free (Draw *d)
{
  if (d == NULL)
    return;
  g_clear_pointer (&d->tied, g_ptr_array_unref);
  g_free (d->winner);
  g_free (d);
}

VkLots *
vk_lots_new (void)
{
  VkLots *self = g_new0 (VkLots, 1);

  self->draws = g_ptr_array_new_with_free_func ((GDestroyNotify)draw_free);
  self->file = g_strdup ("lots");
  return self;
}

void
vk_lots_free (VkLots *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->draws, g_ptr_array_unref);
  g_free (self->file);
  g_free (self);
}

void
vk_lots_add (VkLots *self, const char *const *tied, const char *winner)
{
  Draw *d;

  g_return_if_fail (self != NULL);
  g_return_if_fail (tied != NULL && winner != NULL);

  d = g_new0 (Draw, 1);
  d->tied = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; tied[i] != NULL; i++)
    g_ptr_array_add (d->tied, g_strdup (tied[i]));
  d->winner = g_strdup (winner);
  g_ptr_array_add (self->draws, d);
}

guint
vk_lots_get_n_draws (const VkLots *self)
{
  return self != NULL ? self->draws->len : 0;
}

VkLots *
vk_lots_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (VkLots) self = NULL;
  g_autofree char *file = NULL;
  JsonObject *root;
  JsonArray *draws;

  g_return_val_if_fail (path != NULL, NULL);

  root = vk_json_load_object (path, &parser, error);
  if (root == NULL)
    return NULL;
  file = g_filename_display_name (path);
  draws = vk_json_get_array (root, file, "", "draws", error);
  if (draws == NULL)
    return NULL;
  self = vk_lots_new ();
  g_free (self->file);
  self->file = g_strdup (file);
  for (guint i = 0; i < json_array_get_length (draws); i++)
    {
      g_autofree char *dpath = g_strdup_printf ("draws[%u]", i);
      g_autofree char *tpath = g_strdup_printf ("draws[%u].tied", i);
      g_autofree char *winner = NULL;
      g_autoptr (GPtrArray) tied = g_ptr_array_new_with_free_func (g_free);
      JsonObject *dobj = vk_json_array_get_obj (draws, i, file, "draws", error);
      JsonArray *tarr;
      gboolean found = FALSE;

      if (dobj == NULL || !vk_json_get_string (dobj, file, dpath, "winner", TRUE, &winner, error))
        return NULL;
      tarr = vk_json_get_array (dobj, file, dpath, "tied", error);
      if (tarr == NULL)
        return NULL;
      for (guint k = 0; k < json_array_get_length (tarr); k++)
        {
          JsonNode *n = json_array_get_element (tarr, k);
          const char *id;

          if (!JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_STRING)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s[%u]: expected a string", file, tpath, k);
              return NULL;
            }
          id = json_node_get_string (n);
          for (guint j = 0; j < tied->len; j++)
            if (strcmp (g_ptr_array_index (tied, j), id) == 0)
              {
                g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s[%u]: \"%s\" is listed twice", file, tpath, k,
                             id);
                return NULL;
              }
          found = found || strcmp (id, winner) == 0;
          g_ptr_array_add (tied, g_strdup (id));
        }
      if (tied->len < 2)
        {
          vk_json_fail (error, file, dpath, "tied", "a draw needs at least two tied ids");
          return NULL;
        }
      if (!found)
        {
          g_autofree char *what = g_strdup_printf ("\"%s\" is not among the tied", winner);
          vk_json_fail (error, file, dpath, "winner", what);
          return NULL;
        }
      g_ptr_array_add (tied, NULL);
      vk_lots_add (self, (const char *const *)tied->pdata, winner);
    }
  return g_steal_pointer (&self);
}

char *
vk_lots_to_json (const VkLots *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "draws");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->draws->len; i++)
    {
      const Draw *d = g_ptr_array_index (self->draws, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "tied");
      json_builder_begin_array (b);
      for (guint k = 0; k < d->tied->len; k++)
        json_builder_add_string_value (b, g_ptr_array_index (d->tied, k));
      json_builder_end_array (b);
      json_builder_set_member_name (b, "winner");
      json_builder_add_string_value (b, d->winner);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

void
vk_tie_free (VkTie *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->tied, g_ptr_array_unref);
  g_free (self->description);
  g_free (self);
}

/* ---- exact arithmetic --------------------------------------------------- */

__extension__ typedef unsigned __int128 u128;

int
vk_seats_compare_quotients (guint64 a, guint64 b, guint64 c, guint64 d)
{
  /* a/b vs c/d  ⇔  a·d vs c·b for positive b and d; 128 bits cannot
   * overflow for 64-bit operands. */
  u128 left = (u128)a * d;
  u128 right = (u128)c * b;

  return (left > right) - (left < right);
}

gboolean
vk_seats_dhondt (const guint64 *votes, const guint *cap, guint n, guint n_seats, guint *ret_order)
{
  g_autofree guint *seats = g_new0 (guint, n > 0 ? n : 1);

  for (guint k = 0; k < n_seats; k++)
    {
      gint best = -1;
      gboolean tie = FALSE;

      for (guint i = 0; i < n; i++)
        {
          int cmp;
          if (cap != NULL && seats[i] >= cap[i])
            continue;
          if (best < 0)
            {
              best = (gint)i;
              tie = FALSE;
              continue;
            }
          cmp = vk_seats_compare_quotients (votes[i], seats[i] + 1, votes[best], seats[best] + 1);
          if (cmp > 0)
            best = (gint)i, tie = FALSE;
          else if (cmp == 0)
            tie = TRUE;
        }
      if (best < 0 || tie)
        return FALSE;
      seats[best]++;
      ret_order[k] = (guint)best;
    }
  return TRUE;
}

/* ---- the allocation ------------------------------------------------------ */

typedef struct _Node Node;
struct _Node
{
  char *id;            /* for lot draws */
  char *label;         /* for messages: a letter or a name */
  VkList *list;        /* a leaf: one list */
  GPtrArray *children; /* Node*; NULL for a leaf */
  guint64 votes;
  guint cap;           /* candidates in the subtree */
  guint seats;         /* won so far in its parent's d'Hondt */
  guint next;          /* the next entry of sequence to hand out */
  GPtrArray *sequence; /* VkList*: the list that takes each seat this node won, in order */
};

static void
node_free (Node *n)
{
  if (n == NULL)
    return;
  g_free (n->id);
  g_free (n->label);
  g_clear_pointer (&n->children, g_ptr_array_unref);
  g_clear_pointer (&n->sequence, g_ptr_array_unref);
  g_free (n);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Node, node_free)

static Node *
node_new_leaf (VkList *l, guint64 votes)
{
  Node *n = g_new0 (Node, 1);

  n->id = g_strdup (l->id);
  n->label = *l->letter != '\0' ? g_strdup (l->letter) : g_strdup (l->name);
  n->list = l;
  n->votes = votes;
  n->cap = l->candidates->len;
  n->sequence = g_ptr_array_new ();
  return n;
}

static Node *
node_new_group (const char *id, const char *label)
{
  Node *n = g_new0 (Node, 1);

  n->id = g_strdup (id);
  n->label = g_strdup (label);
  n->children = g_ptr_array_new_with_free_func ((GDestroyNotify)node_free);
  n->sequence = g_ptr_array_new ();
  return n;
}

static void
node_add_child (Node *parent, Node *child)
{
  g_ptr_array_add (parent->children, child);
  parent->votes += child->votes;
  parent->cap += child->cap;
}

/* Groups lists (in ballot order) by their non-empty letter: two or more
 * lists with one letter form a listeforbund; the rest stand alone.  The
 * groups keep the ballot order of their first list. */
static void
add_members (Node *parent, GPtrArray *lists, const VkAreaResult *totals, const char *vf_id)
{
  g_autoptr (GHashTable) by_letter = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr (GHashTable) counts = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < lists->len; i++)
    {
      VkList *l = g_ptr_array_index (lists, i);
      if (*l->letter != '\0')
        g_hash_table_insert (counts, l->letter,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->letter)) + 1));
    }
  for (guint i = 0; i < lists->len; i++)
    {
      VkList *l = g_ptr_array_index (lists, i);
      Node *leaf = node_new_leaf (l, vk_area_result_get_list_votes (totals, l->id));

      if (*l->letter != '\0' && GPOINTER_TO_UINT (g_hash_table_lookup (counts, l->letter)) >= 2)
        {
          Node *lf = g_hash_table_lookup (by_letter, l->letter);
          if (lf == NULL)
            {
              g_autofree char *id = vf_id != NULL ? g_strdup_printf ("listeforbund:%s:%s", l->letter, vf_id)
                                                  : g_strdup_printf ("listeforbund:%s", l->letter);
              g_autofree char *label = g_strdup_printf ("listeforbund %s", l->letter);
              lf = node_new_group (id, label);
              g_hash_table_insert (by_letter, l->letter, lf);
              g_ptr_array_add (parent->children, lf);
            }
          node_add_child (lf, leaf);
        }
      else
        g_ptr_array_add (parent->children, leaf);
    }
  /* The listeforbund were added before their members' votes were known. */
  parent->votes = 0;
  parent->cap = 0;
  for (guint i = 0; i < parent->children->len; i++)
    {
      Node *c = g_ptr_array_index (parent->children, i);
      parent->votes += c->votes;
      parent->cap += c->cap;
    }
}

typedef struct
{
  const VkElection *election;
  const VkLots *lots;
  gboolean *used; /* per draw in lots */
  VkTie **ret_tie;
  GPtrArray *open_ties;
} Ctx;

/* Looks for the first unused draw whose tied set equals ids. */
static const char *
find_draw (Ctx *ctx, GPtrArray *ids)
{
  if (ctx->lots == NULL)
    return NULL;
  for (guint i = 0; i < ctx->lots->draws->len; i++)
    {
      const Draw *d = g_ptr_array_index (ctx->lots->draws, i);
      gboolean same = d->tied->len == ids->len;

      if (ctx->used[i])
        continue;
      for (guint k = 0; same && k < ids->len; k++)
        {
          gboolean found = FALSE;
          for (guint j = 0; !found && j < d->tied->len; j++)
            found = strcmp (g_ptr_array_index (d->tied, j), g_ptr_array_index (ids, k)) == 0;
          same = found;
        }
      if (same)
        {
          ctx->used[i] = TRUE;
          return d->winner;
        }
    }
  return NULL;
}

static VkTie *
tie_new (VkTieKind kind, GPtrArray *ids, const char *description)
{
  VkTie *t = g_new0 (VkTie, 1);

  t->kind = kind;
  t->tied = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ids->len; i++)
    g_ptr_array_add (t->tied, g_strdup (g_ptr_array_index (ids, i)));
  t->description = g_strdup (description);
  return t;
}

static gboolean
fail_tie (Ctx *ctx, VkTieKind kind, GPtrArray *ids, const char *description, GError **error)
{
  g_autoptr (GString) s = g_string_new (NULL);

  for (guint i = 0; i < ids->len; i++)
    g_string_append_printf (s, "%s%s", i > 0 ? ", " : "", (const char *)g_ptr_array_index (ids, i));
  g_set_error (error, VK_ERROR, VK_ERROR_TIE, "a lot draw is needed: %s (tied ids: %s)", description, s->str);
  if (ctx->ret_tie != NULL)
    *ctx->ret_tie = tie_new (kind, ids, description);
  return FALSE;
}

/* d'Hondt among node's children for n_seats, then recursively inside
 * each child; fills node->sequence. */
static gboolean
allocate_node (Ctx *ctx, Node *node, guint n_seats, gboolean top, GError **error)
{
  g_autoptr (GPtrArray) picks = g_ptr_array_new ();

  if (node->children == NULL)
    {
      for (guint k = 0; k < n_seats; k++)
        g_ptr_array_add (node->sequence, node->list);
      return TRUE;
    }
  for (guint i = 0; i < node->children->len; i++)
    ((Node *)g_ptr_array_index (node->children, i))->seats = 0;

  for (guint k = 0; k < n_seats; k++)
    {
      g_autoptr (GPtrArray) tied = g_ptr_array_new ();
      Node *best = NULL, *winner = NULL;

      for (guint i = 0; i < node->children->len; i++)
        {
          Node *c = g_ptr_array_index (node->children, i);
          int cmp;

          /* The cap (§ 81 stk. 3, § 83 stk. 2): a member that has a seat
           * for each of its candidates takes no more, and the seat goes
           * to the next highest quotient. */
          if (c->seats >= c->cap)
            continue;
          cmp = best == NULL ? 1 : vk_seats_compare_quotients (c->votes, c->seats + 1, best->votes, best->seats + 1);
          if (cmp > 0)
            {
              best = c;
              g_ptr_array_set_size (tied, 0);
              g_ptr_array_add (tied, c);
            }
          else if (cmp == 0)
            g_ptr_array_add (tied, c);
        }
      if (best == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %u seats but only %u candidates", node->label, n_seats,
                       node->cap);
          return FALSE;
        }
      winner = best;
      if (tied->len > 1)
        {
          g_autoptr (GPtrArray) ids = g_ptr_array_new ();
          const char *w;

          for (guint i = 0; i < tied->len; i++)
            g_ptr_array_add (ids, ((Node *)g_ptr_array_index (tied, i))->id);
          w = find_draw (ctx, ids);
          if (w == NULL)
            {
              g_autoptr (GString) desc = g_string_new (NULL);
              if (top)
                g_string_append_printf (desc, "seat %u of the council: equal quotients for", k + 1);
              else
                g_string_append_printf (desc, "seat %u of %s: equal quotients for", k + 1, node->label);
              for (guint i = 0; i < tied->len; i++)
                {
                  Node *c = g_ptr_array_index (tied, i);
                  g_string_append_printf (desc, "%s %s (%" G_GUINT64_FORMAT "/%u)", i > 0 ? "," : "", c->label,
                                          c->votes, c->seats + 1);
                }
              return fail_tie (ctx, top ? VK_TIE_UNITS : VK_TIE_MEMBERS, ids, desc->str, error);
            }
          for (guint i = 0; i < tied->len; i++)
            if (strcmp (((Node *)g_ptr_array_index (tied, i))->id, w) == 0)
              winner = g_ptr_array_index (tied, i);
        }
      winner->seats++;
      g_ptr_array_add (picks, winner);
    }

  for (guint i = 0; i < node->children->len; i++)
    {
      Node *c = g_ptr_array_index (node->children, i);
      c->next = 0;
      if (!allocate_node (ctx, c, c->seats, FALSE, error))
        return FALSE;
    }
  for (guint k = 0; k < picks->len; k++)
    {
      Node *c = g_ptr_array_index (picks, k);
      g_ptr_array_add (node->sequence, g_ptr_array_index (c->sequence, c->next++));
    }
  return TRUE;
}

static void
list_outcome_free (VkListOutcome *o)
{
  if (o == NULL)
    return;
  g_clear_pointer (&o->elected, g_ptr_array_unref);
  g_clear_pointer (&o->substitutes, g_ptr_array_unref);
  g_free (o);
}

void
vk_seat_allocation_free (VkSeatAllocation *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->seats, g_ptr_array_unref);
  g_clear_pointer (&self->lists, g_ptr_array_unref);
  g_clear_pointer (&self->open_ties, g_ptr_array_unref);
  g_free (self);
}

VkListOutcome *
vk_seat_allocation_lookup_list (const VkSeatAllocation *self, const char *list_id)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->lists->len; i++)
    {
      VkListOutcome *o = g_ptr_array_index (self->lists, i);
      if (g_strcmp0 (o->list->id, list_id) == 0)
        return o;
    }
  return NULL;
}

const VkCandidateOutcome *
vk_seat_allocation_lookup_elected (const VkSeatAllocation *self, const VkSeat *seat)
{
  const VkListOutcome *o;

  g_return_val_if_fail (self != NULL && seat != NULL, NULL);
  if (seat->candidate == NULL)
    return NULL;
  o = vk_seat_allocation_lookup_list (self, seat->list->id);
  g_return_val_if_fail (o != NULL, NULL);
  for (guint i = 0; i < o->elected->len; i++)
    {
      const VkCandidateOutcome *c = g_ptr_array_index (o->elected, i);
      if (c->candidate == seat->candidate)
        return c;
    }
  return NULL;
}

static gint
outcome_position_cmp (gconstpointer a, gconstpointer b)
{
  const VkCandidateOutcome *x = *(VkCandidateOutcome *const *)a;
  const VkCandidateOutcome *y = *(VkCandidateOutcome *const *)b;

  return (x->candidate->position > y->candidate->position) - (x->candidate->position < y->candidate->position);
}

/* Personal votes, most first; equal votes in ballot order (the order
 * that lot draws then rearrange). */
static gint
outcome_votes_cmp (gconstpointer a, gconstpointer b)
{
  const VkCandidateOutcome *x = *(VkCandidateOutcome *const *)a;
  const VkCandidateOutcome *y = *(VkCandidateOutcome *const *)b;

  if (x->personal_votes != y->personal_votes)
    return x->personal_votes < y->personal_votes ? 1 : -1;
  return outcome_position_cmp (a, b);
}

/* Personal plus allocated list votes, most first; equal totals go to the
 * candidate higher on the list. */
static gint
outcome_total_cmp (gconstpointer a, gconstpointer b)
{
  const VkCandidateOutcome *x = *(VkCandidateOutcome *const *)a;
  const VkCandidateOutcome *y = *(VkCandidateOutcome *const *)b;
  guint64 tx = x->personal_votes + x->list_votes, ty = y->personal_votes + y->list_votes;

  if (tx != ty)
    return tx < ty ? 1 : -1;
  return outcome_position_cmp (a, b);
}

static const char *
list_label (const VkList *l)
{
  return *l->letter != '\0' ? l->letter : l->name;
}

/* § 85: sideordnet.  Candidates are ranked by personal votes.  A group
 * with equal votes is ordered by lot draws, one winner at a time; a draw
 * is required while it decides who is elected or the order of the
 * elected (their seat numbers).  Past the last seat it only orders
 * substitutes: a given draw is used, else the group keeps ballot order
 * and the tie is listed as open. */
static gboolean
rank_sideordnet (Ctx *ctx, VkListOutcome *o, GPtrArray *all, GPtrArray *ranked, GError **error)
{
  g_ptr_array_sort (all, outcome_votes_cmp);
  for (guint i = 0; i < all->len;)
    {
      VkCandidateOutcome *first = g_ptr_array_index (all, i);
      g_autoptr (GPtrArray) group = g_ptr_array_new ();
      guint j = i;

      while (j < all->len
             && ((VkCandidateOutcome *)g_ptr_array_index (all, j))->personal_votes == first->personal_votes)
        g_ptr_array_add (group, g_ptr_array_index (all, j++));
      while (group->len > 1)
        {
          g_autoptr (GPtrArray) ids = g_ptr_array_new ();
          guint pos = ranked->len; /* 0-based rank being drawn */
          const char *w;

          for (guint k = 0; k < group->len; k++)
            g_ptr_array_add (ids, ((VkCandidateOutcome *)g_ptr_array_index (group, k))->candidate->id);
          w = find_draw (ctx, ids);
          if (w == NULL)
            {
              g_autoptr (GString) desc = g_string_new (NULL);
              g_string_append_printf (desc, "list %s, %s %u of the list: %" G_GUINT64_FORMAT " personal votes each:",
                                      list_label (o->list), pos < o->seats ? "seat" : "substitute",
                                      pos < o->seats ? pos + 1 : pos + 1 - o->seats, first->personal_votes);
              for (guint k = 0; k < group->len; k++)
                g_string_append_printf (desc, "%s %s", k > 0 ? "," : "",
                                        ((VkCandidateOutcome *)g_ptr_array_index (group, k))->candidate->ballot_name);
              if (pos < o->seats)
                return fail_tie (ctx, VK_TIE_CANDIDATES, ids, desc->str, error);
              g_ptr_array_add (ctx->open_ties, tie_new (VK_TIE_SUBSTITUTES, ids, desc->str));
              break;
            }
          for (guint k = 0; k < group->len; k++)
            if (strcmp (((VkCandidateOutcome *)g_ptr_array_index (group, k))->candidate->id, w) == 0)
              {
                g_ptr_array_add (ranked, g_ptr_array_index (group, k));
                g_ptr_array_remove_index (group, k);
                break;
              }
        }
      for (guint k = 0; k < group->len; k++)
        g_ptr_array_add (ranked, g_ptr_array_index (group, k));
      i = j;
    }
  return TRUE;
}

/* Partiliste (§ 84).  F = ⌊V/(s+1)⌋ + 1.  (a) Personal votes ≥ F elect;
 * (b) down the list, each candidate not yet elected is topped up to F
 * with listestemmer while they last, and reaching F elects; the one
 * where they run out keeps the rest; (c) remaining seats by personal +
 * allocated votes, equal totals to the candidate higher on the list.
 *
 * The seat order is the rule of the official KV2025 mandatfordeling:
 * those elected under (a) or (b) take the list's seats in ballot order,
 * whichever of the two elected them (Albertslund B: #1 by (b) before #4
 * by (a)); those elected under (c) follow in the order (c) elects them,
 * by total votes.  The substitutes are ranked by personal + allocated
 * votes, equal totals in ballot order.  all arrives in ballot order. */
static void
rank_partiliste (VkListOutcome *o, GPtrArray *all, GPtrArray *ranked)
{
  g_autoptr (GPtrArray) rest = g_ptr_array_new ();
  guint64 pool = o->list_votes;
  guint n_elected = 0;

  o->quota = o->votes / (o->seats + 1) + 1;
  for (guint i = 0; i < all->len; i++)
    {
      VkCandidateOutcome *c = g_ptr_array_index (all, i);
      c->elected = c->personal_votes >= o->quota;
    }
  for (guint i = 0; i < all->len && pool > 0; i++)
    {
      VkCandidateOutcome *c = g_ptr_array_index (all, i);
      guint64 need;

      if (c->elected)
        continue;
      need = o->quota - c->personal_votes;
      if (need <= pool)
        {
          c->list_votes = need;
          pool -= need;
          c->elected = TRUE;
        }
      else
        {
          c->list_votes = pool;
          pool = 0;
        }
    }
  /* (a) and (b), in ballot order. */
  for (guint i = 0; i < all->len; i++)
    {
      VkCandidateOutcome *c = g_ptr_array_index (all, i);
      if (c->elected)
        {
          g_ptr_array_add (ranked, c);
          n_elected++;
        }
      else
        g_ptr_array_add (rest, c);
    }
  /* (a) and (b) cannot elect more than s (each elected holds more than
   * V/(s+1) votes), so only (c) is left to fill: the head of rest by
   * total votes elects, the remainder are the substitutes in that same
   * order. */
  g_assert (n_elected <= o->seats);
  g_ptr_array_sort (rest, outcome_total_cmp);
  for (guint i = 0; i < rest->len; i++)
    g_ptr_array_add (ranked, g_ptr_array_index (rest, i));
}

static gboolean
elect_candidates (Ctx *ctx, VkListOutcome *o, const VkAreaResult *totals, GArray *seat_numbers, GError **error)
{
  g_autoptr (GPtrArray) all = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) ranked = g_ptr_array_new ();

  for (guint i = 0; i < o->list->candidates->len; i++)
    {
      VkCandidateOutcome *c = g_new0 (VkCandidateOutcome, 1);
      c->candidate = g_ptr_array_index (o->list->candidates, i);
      c->personal_votes = vk_area_result_get_candidate_votes (totals, c->candidate->id);
      g_ptr_array_add (all, c);
    }
  /* A list without seats has neither members nor substitutes. */
  if (o->seats == 0)
    return TRUE;
  g_ptr_array_sort (all, outcome_position_cmp);
  if (o->list->form == VK_LIST_PARTILISTE)
    rank_partiliste (o, all, ranked);
  else if (!rank_sideordnet (ctx, o, all, ranked, error))
    return FALSE;

  /* The outcomes move from all to the list's arrays. */
  g_ptr_array_set_free_func (all, NULL);
  for (guint i = 0; i < ranked->len; i++)
    {
      VkCandidateOutcome *c = g_ptr_array_index (ranked, i);
      if (i < o->seats)
        {
          c->elected = TRUE;
          c->rank = i + 1;
          c->seat = g_array_index (seat_numbers, guint, i);
          g_ptr_array_add (o->elected, c);
        }
      else
        {
          c->elected = FALSE;
          c->rank = i + 1 - o->seats;
          g_ptr_array_add (o->substitutes, c);
        }
    }
  return TRUE;
}

VkSeatAllocation *
vk_seats_allocate (const VkElection *election, guint n_seats, const VkAreaResult *totals, const VkLots *lots,
                   VkTie **ret_tie, GError **error)
{
  g_autoptr (VkSeatAllocation) self = NULL;
  g_autoptr (Node) root = NULL;
  g_autoptr (GPtrArray) lone = g_ptr_array_new ();
  g_autoptr (GHashTable) outcomes = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autofree gboolean *used = NULL;
  Ctx ctx = { 0 };

  g_return_val_if_fail (election != NULL, NULL);
  g_return_val_if_fail (totals != NULL, NULL);

  if (n_seats == 0)
    n_seats = election->seats;
  if (n_seats == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "council size unknown: pass the number of seats");
      return NULL;
    }
  /* Every list and candidate counted must be in the election. */
  for (guint i = 0; i < totals->lists->len; i++)
    {
      const VkListResult *lr = g_ptr_array_index (totals->lists, i);
      if (vk_election_lookup_list (election, lr->list_id) == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                       "the results name list \"%s\", which is not in the election", lr->list_id);
          return NULL;
        }
    }

  used = g_new0 (gboolean, lots != NULL ? lots->draws->len + 1 : 1);
  ctx.election = election;
  ctx.lots = lots;
  ctx.used = used;
  ctx.ret_tie = ret_tie;

  self = g_new0 (VkSeatAllocation, 1);
  self->election = election;
  self->kind = totals->kind;
  self->n_seats = n_seats;
  self->seats = g_ptr_array_new_with_free_func (g_free);
  self->lists = g_ptr_array_new_with_free_func ((GDestroyNotify)list_outcome_free);
  self->open_ties = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_tie_free);
  self->has_candidates = totals->has_candidate_votes;
  ctx.open_ties = self->open_ties;

  /* Units: valgforbund first take their members, the rest stand alone or
   * form listeforbund.  Order among units does not matter to d'Hondt;
   * it only orders the ids of a reported tie. */
  root = node_new_group ("council", "the council");
  for (guint v = 0; v < election->valgforbund->len; v++)
    {
      const VkValgforbund *vf = g_ptr_array_index (election->valgforbund, v);
      g_autoptr (GPtrArray) members = g_ptr_array_new ();
      Node *vnode;

      for (guint i = 0; i < election->lists->len; i++)
        {
          VkList *l = g_ptr_array_index (election->lists, i);
          if (g_strcmp0 (l->valgforbund_id, vf->id) == 0)
            g_ptr_array_add (members, l);
        }
      if (members->len == 0)
        continue;
      {
        g_autofree char *label = g_strdup_printf ("valgforbund %s", vf->name);
        vnode = node_new_group (vf->id, label);
      }
      add_members (vnode, members, totals, vf->id);
      g_ptr_array_add (root->children, vnode);
    }
  for (guint i = 0; i < election->lists->len; i++)
    {
      VkList *l = g_ptr_array_index (election->lists, i);
      if (l->valgforbund_id == NULL)
        g_ptr_array_add (lone, l);
    }
  {
    /* add_members recomputes root's totals from all its children. */
    g_autoptr (Node) tmp = node_new_group ("tmp", "tmp");
    add_members (tmp, lone, totals, NULL);
    while (tmp->children->len > 0)
      g_ptr_array_add (root->children, g_ptr_array_steal_index (tmp->children, 0));
    root->votes = 0;
    root->cap = 0;
    for (guint i = 0; i < root->children->len; i++)
      {
        Node *c = g_ptr_array_index (root->children, i);
        root->votes += c->votes;
        root->cap += c->cap;
      }
  }
  if (root->cap < n_seats)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%u seats but only %u candidates in all", n_seats, root->cap);
      return NULL;
    }
  if (!allocate_node (&ctx, root, n_seats, TRUE, error))
    return NULL;

  for (guint i = 0; i < election->lists->len; i++)
    {
      VkListOutcome *o = g_new0 (VkListOutcome, 1);
      const VkListResult *lr;

      o->list = g_ptr_array_index (election->lists, i);
      lr = g_hash_table_lookup (totals->lists_by_id, o->list->id);
      o->votes = lr != NULL ? lr->votes : 0;
      o->list_votes = lr != NULL ? lr->list_votes : 0;
      o->elected = g_ptr_array_new_with_free_func (g_free);
      o->substitutes = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (self->lists, o);
      g_hash_table_insert (outcomes, o->list, o);
    }
  for (guint k = 0; k < n_seats; k++)
    {
      VkSeat *s = g_new0 (VkSeat, 1);
      VkListOutcome *o;

      s->number = k + 1;
      s->list = g_ptr_array_index (root->sequence, k);
      o = g_hash_table_lookup (outcomes, s->list);
      o->seats++;
      g_ptr_array_add (self->seats, s);
    }

  if (self->has_candidates)
    for (guint i = 0; i < self->lists->len; i++)
      {
        VkListOutcome *o = g_ptr_array_index (self->lists, i);
        g_autoptr (GArray) numbers = g_array_new (FALSE, FALSE, sizeof (guint));

        for (guint k = 0; k < n_seats; k++)
          {
            VkSeat *s = g_ptr_array_index (self->seats, k);
            if (s->list == o->list)
              g_array_append_val (numbers, s->number);
          }
        if (!elect_candidates (&ctx, o, totals, numbers, error))
          return NULL;
        for (guint k = 0; k < o->elected->len; k++)
          {
            VkCandidateOutcome *c = g_ptr_array_index (o->elected, k);
            ((VkSeat *)g_ptr_array_index (self->seats, c->seat - 1))->candidate = c->candidate;
          }
      }

  if (lots != NULL)
    for (guint i = 0; i < lots->draws->len; i++)
      if (!used[i])
        {
          const Draw *d = g_ptr_array_index (lots->draws, i);
          g_autoptr (GString) ids = g_string_new (NULL);
          for (guint k = 0; k < d->tied->len; k++)
            g_string_append_printf (ids, "%s%s", k > 0 ? ", " : "", (const char *)g_ptr_array_index (d->tied, k));
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: draws[%u] (tied: %s) matches no tie in this count",
                       lots->file, i, ids->str);
          return NULL;
        }
  return g_steal_pointer (&self);
}

/* ---- export -------------------------------------------------------------- */

static void
add_int_member (JsonBuilder *b, const char *name, gint64 value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_int_value (b, value);
}

static void
add_list_members (JsonBuilder *b, const VkList *l)
{
  vk_json_builder_add_string (b, "KandidatlisteId", l->id);
  vk_json_builder_add_string (b, "KandidatlisteNavn", l->name);
  vk_json_builder_add_string (b, "Bogstavbetegnelse", l->letter);
}

static void
add_candidate_members (JsonBuilder *b, const VkCandidate *c)
{
  vk_json_builder_add_string (b, "KandidatId", c->id);
  vk_json_builder_add_string (b, "Stemmeseddelnavn", c->ballot_name);
}

char *
vk_seat_allocation_to_json (const VkSeatAllocation *self)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const VkElection *e;
  const char *code;
  char *end = NULL;
  guint64 code_num;

  g_return_val_if_fail (self != NULL, NULL);
  e = self->election;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Valgart");
  json_builder_add_string_value (b, vk_election_type_name_da (e->type));
  if (strlen (e->date) == 10)
    {
      /* valg.dk writes DD-MM-YYYY. */
      g_autofree char *d = g_strdup_printf ("%.2s-%.2s-%.4s", e->date + 8, e->date + 5, e->date);
      json_builder_set_member_name (b, "Valgdag");
      json_builder_add_string_value (b, d);
    }
  /* A regionsrådsvalg's allocation is the region's, named like valg.dk's
   * (Region, RegionDagiId as a string); a municipality's count of it (a
   * contest of the municipality's joint election night) names the
   * municipality as well. */
  if (*e->region != '\0')
    {
      vk_json_builder_add_string (b, "Region", e->region);
      json_builder_set_member_name (b, "RegionDagiId");
      if (*e->region_dagi_id != '\0')
        json_builder_add_string_value (b, e->region_dagi_id);
      else
        json_builder_add_null_value (b);
    }
  if (*e->region == '\0' || *e->municipality != '\0')
    {
      json_builder_set_member_name (b, "Kommune");
      json_builder_add_string_value (b, e->municipality);
      code = e->municipality_code;
      code_num = g_ascii_strtoull (code, &end, 10);
      json_builder_set_member_name (b, "Kommunekode");
      if (*code != '\0' && end != NULL && *end == '\0')
        json_builder_add_int_value (b, (gint64)code_num);
      else if (*code != '\0')
        json_builder_add_string_value (b, code);
      else
        json_builder_add_null_value (b);
    }
  json_builder_set_member_name (b, "Resultatart");
  json_builder_add_string_value (b, self->kind == VK_RESULT_FINTAELLING ? "Fintælling" : "ForeløbigOptælling");

  json_builder_set_member_name (b, "PersonligeMandater");
  json_builder_begin_array (b);
  for (guint k = 0; k < self->seats->len; k++)
    {
      const VkSeat *s = g_ptr_array_index (self->seats, k);
      const VkCandidateOutcome *c;

      if (s->candidate == NULL)
        continue;
      c = vk_seat_allocation_lookup_elected (self, s);
      json_builder_begin_object (b);
      add_int_member (b, "Nummer", s->number);
      add_int_member (b, "NummerAnførtPåListen", c->rank);
      add_candidate_members (b, s->candidate);
      add_list_members (b, s->list);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  json_builder_set_member_name (b, "ListeMandater");
  json_builder_begin_array (b);
  for (guint k = 0; k < self->seats->len; k++)
    {
      const VkSeat *s = g_ptr_array_index (self->seats, k);
      json_builder_begin_object (b);
      add_int_member (b, "Nummer", s->number);
      add_list_members (b, s->list);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);

  /* Like valg.dk: the lists that won seats and have substitutes. */
  json_builder_set_member_name (b, "Kandidatliste");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->lists->len; i++)
    {
      const VkListOutcome *o = g_ptr_array_index (self->lists, i);
      if (o->seats == 0 || o->substitutes->len == 0)
        continue;
      json_builder_begin_object (b);
      add_list_members (b, o->list);
      json_builder_set_member_name (b, "Stedfortrædere");
      json_builder_begin_array (b);
      for (guint k = 0; k < o->substitutes->len; k++)
        {
          const VkCandidateOutcome *c = g_ptr_array_index (o->substitutes, k);
          json_builder_begin_object (b);
          add_int_member (b, "Nummer", c->rank);
          add_candidate_members (b, c->candidate);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
