/* vk-fv.c: the national allocation of a folketingsvalg (FVL §§ 76–79).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The steps and their interpretation are in vk-fv.h and
 * docs/folketingsvalg.md.  Every quotient is compared exactly
 * (vk_seats_compare_quotients()); every choice between equal quotients that
 * decides a seat goes to the lot draws.
 */
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-error.h"
#include "vk-fv-draws.h"
#include "vk-fv-elected.h"
#include "vk-fv.h"
#include "vk-text.h"

typedef struct
{
  guint64 num, den;
  char *id; /* the lot id */
  gboolean ok;
} Cand;

/* Whether every one of the t tied candidates will get a seat anyway, so
 * that their order needs no draw. */
typedef gboolean (*FitsFunc) (const Cand *c, const guint *tied, guint t, gpointer data);

static gboolean
fits_remaining (const Cand *c, const guint *tied, guint t, gpointer data)
{
  (void)c;
  (void)tied;
  return t <= *(guint *)data;
}

/* The index of the largest quotient among the candidates that are ok;
 * equal ones that cannot all be served go to the draws.  -1 on error. */
static gint
pick (VkFvDraws *draws, const Cand *c, guint n, FitsFunc fits, gpointer data, const char *what, GError **error)
{
  g_autofree guint *tied = g_new (guint, n > 0 ? n : 1);
  g_autofree const char **ids = NULL;
  guint t = 0;
  gint w;

  for (guint i = 0; i < n; i++)
    {
      int cmp;
      if (!c[i].ok)
        continue;
      cmp = t == 0 ? 1 : vk_seats_compare_quotients (c[i].num, c[i].den, c[tied[0]].num, c[tied[0]].den);
      if (cmp > 0)
        tied[0] = i, t = 1;
      else if (cmp == 0)
        tied[t++] = i;
    }
  if (t == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "%s: no one left to take the seat", what);
      return -1;
    }
  if (t == 1 || fits (c, tied, t, data))
    return (gint)tied[0];
  ids = g_new0 (const char *, t + 1);
  for (guint i = 0; i < t; i++)
    ids[i] = c[tied[i]].id;
  w = vk_fv_draws_decide (draws, ids, t, what, error);
  return w < 0 ? -1 : (gint)tied[w];
}

static void
cands_free (Cand *c, guint n)
{
  for (guint i = 0; i < n; i++)
    g_free (c[i].id);
  g_free (c);
}

static void
elected_independent_free (VkFvElectedIndependent *e)
{
  if (e == NULL)
    return;
  g_free (e->name);
  g_free (e);
}

void
vk_fv_allocation_free (VkFvAllocation *self)
{
  if (self == NULL)
    return;
  g_free (self->party_votes);
  g_free (self->qualified);
  g_free (self->kept);
  g_free (self->kreds);
  g_free (self->tillaeg);
  g_free (self->ld_tillaeg);
  g_free (self->sk_kreds);
  g_free (self->sk_tillaeg);
  g_free (self->sk_votes);
  g_clear_pointer (&self->independents, g_ptr_array_unref);
  g_free (self);
}

/* Pairs each table storkreds with its votes; every storkreds must be on
 * both sides, in the same landsdel. */
static gboolean
match_storkredse (const VkFvTable *table, const VkFvVotes *votes, const VkFvStorkredsVotes **ret, GError **error)
{
  for (guint i = 0; i < votes->storkredse->len; i++)
    {
      const VkFvStorkredsVotes *sv = g_ptr_array_index (votes->storkredse, i);
      gint k = vk_fv_table_find_storkreds (table, sv->name);
      g_autofree char *name = vk_text_escape_controls (sv->name);

      if (k < 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: storkreds \"%s\" is not in the seat table",
                       votes->source, name);
          return FALSE;
        }
      if (sv->landsdel != NULL)
        {
          const VkFvStorkredsSeats *ss = g_ptr_array_index (table->storkredse, k);
          const VkFvLandsdel *l = g_ptr_array_index (table->landsdele, ss->landsdel);
          if (strcmp (l->name, sv->landsdel) != 0)
            {
              g_autofree char *ld = vk_text_escape_controls (sv->landsdel);
              g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                           "%s: storkreds \"%s\" is in landsdel \"%s\", but the seat table puts it in \"%s\"",
                           votes->source, name, ld, l->name);
              return FALSE;
            }
        }
      ret[k] = sv;
    }
  for (guint k = 0; k < table->storkredse->len; k++)
    if (ret[k] == NULL)
      {
        const VkFvStorkredsSeats *ss = g_ptr_array_index (table->storkredse, k);
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: no votes for storkreds \"%s\" of the seat table",
                     votes->source, ss->name);
        return FALSE;
      }
  return TRUE;
}

/* § 76: the kredsmandater of one storkreds by d'Hondt over the parties
 * and the independent candidates, an independent taking at most one. */
static gboolean
allocate_kreds (VkFvAllocation *a, VkFvDraws *draws, guint k, const VkFvStorkredsVotes *sv, GError **error)
{
  const VkFvStorkredsSeats *ss = g_ptr_array_index (a->table->storkredse, k);
  guint np = a->n_parties, n = np + sv->independents->len;
  Cand *c = g_new0 (Cand, n > 0 ? n : 1);
  g_autofree guint *seats = g_new0 (guint, n > 0 ? n : 1);
  gboolean ok = TRUE;

  for (guint i = 0; i < n; i++)
    {
      if (i < np)
        {
          c[i].num = vk_fv_storkreds_votes_get (sv, i);
          c[i].id = g_strdup_printf ("%s:%s", ss->name, (const char *)g_ptr_array_index (a->votes->letters, i));
        }
      else
        {
          const VkFvIndependent *ind = g_ptr_array_index (sv->independents, i - np);
          c[i].num = ind->votes;
          c[i].id = g_strdup_printf ("%s:uden for partier:%s", ss->name, ind->name);
        }
      c[i].den = 1;
      c[i].ok = TRUE;
    }
  for (guint s = 0; s < ss->kreds; s++)
    {
      g_autofree char *what = g_strdup_printf ("kredsmandat %u of %s (§ 76)", s + 1, ss->name);
      guint remaining = ss->kreds - s;
      gint w = pick (draws, c, n, fits_remaining, &remaining, what, error);

      if (w < 0)
        {
          ok = FALSE;
          break;
        }
      seats[w]++;
      c[w].den = seats[w] + 1;
      if ((guint)w >= np)
        c[w].ok = FALSE;
    }
  for (guint i = 0; ok && i < n; i++)
    {
      if (i < np)
        {
          a->sk_kreds[k * np + i] = seats[i];
          a->kreds[i] += seats[i];
        }
      else if (seats[i] > 0)
        {
          const VkFvIndependent *ind = g_ptr_array_index (sv->independents, i - np);
          VkFvElectedIndependent *e = g_new0 (VkFvElectedIndependent, 1);
          e->name = g_strdup (ind->name);
          e->storkreds = k;
          e->votes = ind->votes;
          g_ptr_array_add (a->independents, e);
        }
    }
  cands_free (c, n);
  return ok;
}

/* § 77 stk. 1. */
static void
qualify (VkFvAllocation *a, const guint64 *ld_votes, const guint64 *ld_valid)
{
  const VkFvTable *t = a->table;
  guint need = MIN (2u, t->landsdele->len);

  for (guint p = 0; p < a->n_parties; p++)
    {
      guint in_landsdele = 0;
      for (guint l = 0; l < t->landsdele->len; l++)
        {
          const VkFvLandsdel *ld = g_ptr_array_index (t->landsdele, l);
          /* votes ≥ valid / kredsmandater, exactly: votes · kreds ≥ valid. */
          if (ld->kreds > 0
              && vk_seats_compare_quotients (ld_votes[l * a->n_parties + p], 1, ld_valid[l], ld->kreds) >= 0)
            in_landsdele++;
        }
      a->qualified[p] = a->kreds[p] > 0 || in_landsdele >= need
                        || vk_seats_compare_quotients (a->party_votes[p], 1, a->valid, 50) >= 0;
    }
}

/* § 77 stk. 2–4: the seats of the qualified parties by largest remainder,
 * redone without any party that has more kredsmandater than its share. */
static gboolean
divide_national (VkFvAllocation *a, VkFvDraws *draws, guint n_seats, GError **error)
{
  guint np = a->n_parties;
  g_autofree guint *share = g_new0 (guint, np > 0 ? np : 1);

  for (;;)
    {
      guint64 total = 0;
      guint seats = n_seats, given = 0, remaining;
      gboolean over = FALSE;
      Cand *c = g_new0 (Cand, np > 0 ? np : 1);

      a->n_rounds++;
      for (guint p = 0; p < np; p++)
        {
          if (a->kept[p] && seats >= a->kreds[p])
            seats -= a->kreds[p];
          if (a->qualified[p] && !a->kept[p])
            total += a->party_votes[p];
        }
      if (total == 0)
        {
          cands_free (c, np);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: no votes for a party that takes part in the "
                       "distribution (§ 77)",
                       a->votes->source);
          return FALSE;
        }
      for (guint p = 0; p < np; p++)
        {
          share[p] = 0;
          c[p].id = g_strdup (g_ptr_array_index (a->votes->letters, p));
          if (!a->qualified[p] || a->kept[p])
            continue;
          /* votes · seats / total: the quotient and the remainder; no
           * overflow, votes are below 2^40 and seats below 2^10. */
          share[p] = (guint)(a->party_votes[p] * seats / total);
          c[p].num = a->party_votes[p] * seats % total;
          c[p].den = 1;
          c[p].ok = TRUE;
          given += share[p];
        }
      remaining = seats - given;
      for (guint s = 0; s < seats - given; s++)
        {
          g_autofree char *what = g_strdup_printf ("the largest remainders for the party seats (§ 77 stk. 3), "
                                                   "seat %u of %u",
                                                   s + 1, seats - given);
          gint w = pick (draws, c, np, fits_remaining, &remaining, what, error);
          if (w < 0)
            {
              cands_free (c, np);
              return FALSE;
            }
          share[w]++;
          c[w].ok = FALSE;
          remaining--;
        }
      cands_free (c, np);
      for (guint p = 0; p < np; p++)
        if (a->qualified[p] && !a->kept[p] && a->kreds[p] > share[p])
          a->kept[p] = over = TRUE;
      if (!over)
        break;
    }
  for (guint p = 0; p < np; p++)
    a->tillaeg[p] = a->qualified[p] && !a->kept[p] ? share[p] - a->kreds[p] : 0;
  return TRUE;
}

typedef struct
{
  guint np;
  const guint *need; /* per party */
  const guint *cap;  /* per landsdel */
  guint remaining;
} LdFit;

static gboolean
fits_landsdele (const Cand *c, const guint *tied, guint t, gpointer data)
{
  const LdFit *f = data;

  (void)c;
  if (t > f->remaining)
    return FALSE;
  for (guint i = 0; i < t; i++)
    {
      guint p = tied[i] % f->np, l = tied[i] / f->np, same_p = 0, same_l = 0;
      for (guint j = 0; j < t; j++)
        {
          same_p += tied[j] % f->np == p;
          same_l += tied[j] / f->np == l;
        }
      if (same_p > f->need[p] || same_l > f->cap[l])
        return FALSE;
    }
  return TRUE;
}

/* § 78: the tillægsmandater to the landsdele. */
static gboolean
allocate_landsdele (VkFvAllocation *a, VkFvDraws *draws, const guint64 *ld_votes, const guint *ld_kreds, GError **error)
{
  const VkFvTable *t = a->table;
  guint np = a->n_parties, nl = t->landsdele->len, n = np * nl, total_need = 0, total_cap = 0;
  g_autofree guint *need = g_new0 (guint, np > 0 ? np : 1);
  g_autofree guint *cap = g_new0 (guint, nl);
  Cand *c = g_new0 (Cand, n > 0 ? n : 1);
  LdFit fit = { np, need, cap, 0 };
  gboolean ok = TRUE;

  for (guint p = 0; p < np; p++)
    total_need += need[p] = a->tillaeg[p];
  for (guint l = 0; l < nl; l++)
    total_cap += cap[l] = ((VkFvLandsdel *)g_ptr_array_index (t->landsdele, l))->tillaeg;
  if (total_need != total_cap)
    {
      cands_free (c, n);
      g_set_error (error, VK_ERROR, VK_ERROR_FAILED,
                   "the parties are owed %u tillægsmandater but the landsdele have %u", total_need, total_cap);
      return FALSE;
    }
  for (guint l = 0; l < nl; l++)
    for (guint p = 0; p < np; p++)
      {
        Cand *x = &c[l * np + p];
        x->num = ld_votes[l * np + p];
        /* 1, 3, 5 …, the first as many as its kredsmandater there dropped. */
        x->den = 2 * (guint64)ld_kreds[l * np + p] + 1;
        x->id = g_strdup_printf ("%s:%s", ((VkFvLandsdel *)g_ptr_array_index (t->landsdele, l))->name,
                                 (const char *)g_ptr_array_index (a->votes->letters, p));
      }
  for (guint s = 0; s < total_cap; s++)
    {
      g_autofree char *what = g_strdup_printf ("tillægsmandat %u of %u to a landsdel (§ 78)", s + 1, total_cap);
      gint w;

      for (guint i = 0; i < n; i++)
        c[i].ok = need[i % np] > 0 && cap[i / np] > 0;
      fit.remaining = total_cap - s;
      w = pick (draws, c, n, fits_landsdele, &fit, what, error);
      if (w < 0)
        {
          ok = FALSE;
          break;
        }
      a->ld_tillaeg[w]++;
      need[w % np]--;
      cap[w / np]--;
      c[w].den += 2;
    }
  cands_free (c, n);
  return ok;
}

/* § 79: inside each landsdel, each party's tillægsmandater to its
 * storkredse by 1, 4, 7 …, the first as many as its kredsmandater there
 * dropped.  The storkredse have no fixed number, so each party's seats
 * are independent of the others'. */
static gboolean
allocate_storkredse (VkFvAllocation *a, VkFvDraws *draws, GError **error)
{
  const VkFvTable *t = a->table;
  guint np = a->n_parties;

  for (guint l = 0; l < t->landsdele->len; l++)
    {
      const VkFvLandsdel *ld = g_ptr_array_index (t->landsdele, l);
      for (guint p = 0; p < np; p++)
        {
          guint n_seats = a->ld_tillaeg[l * np + p];
          Cand *c;

          if (n_seats == 0)
            continue;
          c = g_new0 (Cand, ld->n);
          for (guint i = 0; i < ld->n; i++)
            {
              guint k = ld->first + i;
              c[i].num = a->sk_votes[k * np + p];
              c[i].den = 3 * (guint64)a->sk_kreds[k * np + p] + 1;
              c[i].ok = TRUE;
              c[i].id = g_strdup_printf ("%s:%s", ((VkFvStorkredsSeats *)g_ptr_array_index (t->storkredse, k))->name,
                                         (const char *)g_ptr_array_index (a->votes->letters, p));
            }
          for (guint s = 0; s < n_seats; s++)
            {
              g_autofree char *what
                  = g_strdup_printf ("tillægsmandat %u of %u of party %s in %s (§ 79)", s + 1, n_seats,
                                     (const char *)g_ptr_array_index (a->votes->letters, p), ld->name);
              guint remaining = n_seats - s;
              gint w = pick (draws, c, ld->n, fits_remaining, &remaining, what, error);
              if (w < 0)
                {
                  cands_free (c, ld->n);
                  return FALSE;
                }
              a->sk_tillaeg[(ld->first + (guint)w) * np + p]++;
              c[w].den += 3;
            }
          cands_free (c, ld->n);
        }
    }
  return TRUE;
}

VkFvAllocation *
vk_fv_allocate (const VkFvTable *table, const VkFvVotes *votes, const VkLots *lots, GError **error)
{
  g_autoptr (VkFvDraws) draws = vk_fv_draws_new (lots);
  g_autoptr (VkFvAllocation) a = vk_fv_allocate_with_draws (table, votes, draws, error);

  if (a == NULL || !vk_fv_draws_check_used (draws, error))
    return NULL;
  return g_steal_pointer (&a);
}

VkFvAllocation *
vk_fv_allocate_with_draws (const VkFvTable *table, const VkFvVotes *votes, VkFvDraws *draws, GError **error)
{
  g_autoptr (VkFvAllocation) a = NULL;
  g_autofree const VkFvStorkredsVotes **sv = NULL;
  g_autofree guint64 *ld_votes = NULL, *ld_valid = NULL;
  g_autofree guint *ld_kreds = NULL;
  guint np, nk, nl, n_seats = 0;

  g_return_val_if_fail (table != NULL && votes != NULL && draws != NULL, NULL);

  nk = table->storkredse->len;
  nl = table->landsdele->len;
  np = votes->letters->len;
  sv = g_new0 (const VkFvStorkredsVotes *, nk);
  if (!match_storkredse (table, votes, sv, error))
    return NULL;
  a = g_new0 (VkFvAllocation, 1);
  a->table = table;
  a->votes = votes;
  a->n_parties = np;
  a->party_votes = g_new0 (guint64, np + 1);
  a->qualified = g_new0 (gboolean, np + 1);
  a->kept = g_new0 (gboolean, np + 1);
  a->kreds = g_new0 (guint, np + 1);
  a->tillaeg = g_new0 (guint, np + 1);
  a->ld_tillaeg = g_new0 (guint, nl * np + 1);
  a->sk_kreds = g_new0 (guint, nk * np + 1);
  a->sk_tillaeg = g_new0 (guint, nk * np + 1);
  a->sk_votes = g_new0 (guint64, nk * np + 1);
  a->independents = g_ptr_array_new_with_free_func ((GDestroyNotify)elected_independent_free);
  ld_votes = g_new0 (guint64, nl * np + 1);
  ld_valid = g_new0 (guint64, nl);
  ld_kreds = g_new0 (guint, nl * np + 1);

  for (guint k = 0; k < nk; k++)
    {
      guint l = ((VkFvStorkredsSeats *)g_ptr_array_index (table->storkredse, k))->landsdel;
      guint64 sum = 0;

      for (guint p = 0; p < np; p++)
        {
          guint64 v = vk_fv_storkreds_votes_get (sv[k], p);
          a->sk_votes[k * np + p] = v;
          a->party_votes[p] += v;
          ld_votes[l * np + p] += v;
          sum += v;
        }
      for (guint i = 0; i < sv[k]->independents->len; i++)
        sum += ((VkFvIndependent *)g_ptr_array_index (sv[k]->independents, i))->votes;
      if (sum != sv[k]->valid)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "%s: %s: the parties and independent candidates have %" G_GUINT64_FORMAT
                       " votes, but the valid votes are %" G_GUINT64_FORMAT,
                       votes->source, sv[k]->name, sum, sv[k]->valid);
          return NULL;
        }
      ld_valid[l] += sv[k]->valid;
      a->valid += sv[k]->valid;
      if (!allocate_kreds (a, draws, k, sv[k], error))
        return NULL;
      for (guint p = 0; p < np; p++)
        ld_kreds[l * np + p] += a->sk_kreds[k * np + p];
    }
  /* The table's seats: 135 + 40 for a table read by vk_fv_table_load(). */
  for (guint l = 0; l < nl; l++)
    {
      const VkFvLandsdel *ld = g_ptr_array_index (table->landsdele, l);
      n_seats += ld->kreds + ld->tillaeg;
    }
  if (a->valid >= G_GUINT64_CONSTANT (1) << 40)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: implausibly many votes", votes->source);
      return NULL;
    }
  /* § 77 stk. 2: the seats for the parties are 175 less those taken by
   * independent candidates (a party with a kredsmandat always qualifies,
   * so no other seats are outside the division). */
  n_seats -= a->independents->len;
  qualify (a, ld_votes, ld_valid);
  if (!divide_national (a, draws, n_seats, error) || !allocate_landsdele (a, draws, ld_votes, ld_kreds, error)
      || !allocate_storkredse (a, draws, error))
    return NULL;
  return g_steal_pointer (&a);
}

char *
vk_fv_allocation_to_json (const VkFvAllocation *self)
{
  return vk_fv_allocation_to_json_elected (self, NULL);
}

char *
vk_fv_allocation_to_json_elected (const VkFvAllocation *self, const VkFvElected *elected)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  const VkFvTable *t;
  guint np;

  g_return_val_if_fail (self != NULL, NULL);
  t = self->table;
  np = self->n_parties;
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Kilde");
  json_builder_add_string_value (b, self->votes->source);
  json_builder_set_member_name (b, "GyldigeStemmer");
  json_builder_add_int_value (b, (gint64)self->valid);
  json_builder_set_member_name (b, "Partier");
  json_builder_begin_array (b);
  for (guint p = 0; p < np; p++)
    {
      guint total = self->kreds[p] + self->tillaeg[p];
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Bogstav");
      json_builder_add_string_value (b, g_ptr_array_index (self->votes->letters, p));
      json_builder_set_member_name (b, "Navn");
      json_builder_add_string_value (b, g_ptr_array_index (self->votes->names, p));
      json_builder_set_member_name (b, "Stemmer");
      json_builder_add_int_value (b, (gint64)self->party_votes[p]);
      json_builder_set_member_name (b, "Kvalificeret");
      json_builder_add_boolean_value (b, self->qualified[p]);
      json_builder_set_member_name (b, "BeholderOverskydendeKredsmandater");
      json_builder_add_boolean_value (b, self->kept[p]);
      json_builder_set_member_name (b, "Kredsmandater");
      json_builder_add_int_value (b, self->kreds[p]);
      json_builder_set_member_name (b, "Tillægsmandater");
      json_builder_add_int_value (b, self->tillaeg[p]);
      json_builder_set_member_name (b, "Mandater");
      json_builder_add_int_value (b, total);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "UdenforPartier");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->independents->len; i++)
    {
      const VkFvElectedIndependent *e = g_ptr_array_index (self->independents, i);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Navn");
      json_builder_add_string_value (b, e->name);
      json_builder_set_member_name (b, "Storkreds");
      json_builder_add_string_value (b, ((VkFvStorkredsSeats *)g_ptr_array_index (t->storkredse, e->storkreds))->name);
      json_builder_set_member_name (b, "Stemmer");
      json_builder_add_int_value (b, (gint64)e->votes);
      json_builder_set_member_name (b, "Kredsmandater");
      json_builder_add_int_value (b, 1);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "Landsdele");
  json_builder_begin_array (b);
  for (guint l = 0; l < t->landsdele->len; l++)
    {
      const VkFvLandsdel *ld = g_ptr_array_index (t->landsdele, l);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Navn");
      json_builder_add_string_value (b, ld->name);
      json_builder_set_member_name (b, "Partier");
      json_builder_begin_array (b);
      for (guint p = 0; p < np; p++)
        {
          guint kreds = 0;
          for (guint k = ld->first; k < ld->first + ld->n; k++)
            kreds += self->sk_kreds[k * np + p];
          if (kreds == 0 && self->ld_tillaeg[l * np + p] == 0)
            continue;
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "Bogstav");
          json_builder_add_string_value (b, g_ptr_array_index (self->votes->letters, p));
          json_builder_set_member_name (b, "Kredsmandater");
          json_builder_add_int_value (b, kreds);
          json_builder_set_member_name (b, "Tillægsmandater");
          json_builder_add_int_value (b, self->ld_tillaeg[l * np + p]);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "Storkredse");
  json_builder_begin_array (b);
  for (guint k = 0; k < t->storkredse->len; k++)
    {
      const VkFvStorkredsSeats *ss = g_ptr_array_index (t->storkredse, k);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Navn");
      json_builder_add_string_value (b, ss->name);
      json_builder_set_member_name (b, "Landsdel");
      json_builder_add_string_value (b, ((VkFvLandsdel *)g_ptr_array_index (t->landsdele, ss->landsdel))->name);
      json_builder_set_member_name (b, "Partier");
      json_builder_begin_array (b);
      for (guint p = 0; p < np; p++)
        {
          json_builder_begin_object (b);
          json_builder_set_member_name (b, "Bogstav");
          json_builder_add_string_value (b, g_ptr_array_index (self->votes->letters, p));
          json_builder_set_member_name (b, "Stemmer");
          json_builder_add_int_value (b, (gint64)self->sk_votes[k * np + p]);
          json_builder_set_member_name (b, "Kredsmandater");
          json_builder_add_int_value (b, self->sk_kreds[k * np + p]);
          json_builder_set_member_name (b, "Tillægsmandater");
          json_builder_add_int_value (b, self->sk_tillaeg[k * np + p]);
          if (elected != NULL)
            vk_fv_elected_party_to_json (elected, b, k, p);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      if (elected != NULL)
        vk_fv_elected_independents_to_json (elected, b, k);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}
