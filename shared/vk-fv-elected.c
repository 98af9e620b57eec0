/* vk-fv-elected.c: the elected candidates of a folketingsvalg (vk-fv-elected.h).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "vk-error.h"
#include "vk-fv-elected.h"
#include "vk-fv-valgdk.h"
#include "vk-text.h"

/* Totals are sums of fractions P·v/V over the kredse: exact rationals whose
 * common denominator can exceed 128 bits, so they are kept in double
 * precision (about 16 significant digits against totals below 10^7).  Two
 * totals closer than this are taken as equal (docs/folketingsvalg.md). */
#define EQUAL_EPSILON 1e-6

static void
kreds_share_free (VkFvKredsShare *ks)
{
  if (ks == NULL)
    return;
  g_free (ks->cand_personal);
  g_free (ks->cand_allotted);
  g_free (ks);
}

static void
party_rank_free (VkFvPartyRank *r)
{
  if (r == NULL)
    return;
  g_clear_pointer (&r->ranked, g_ptr_array_unref);
  g_clear_pointer (&r->kredse, g_ptr_array_unref);
  g_free (r);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvPartyRank, party_rank_free)

void
vk_fv_elected_free (VkFvElected *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->parties, g_ptr_array_unref);
  g_clear_pointer (&self->independents, g_ptr_array_unref);
  g_clear_pointer (&self->kandidatdata, g_ptr_array_unref);
  g_free (self);
}

/* Kredsvis and partiliste give a kreds's party votes to the one candidate
 * nominated there; the sideordnet forms share them. */
static gboolean
form_is_single (VkFvForm f)
{
  return f == VK_FV_FORM_KREDSVIS || f == VK_FV_FORM_PARTILISTE;
}

/* The results name a candidate by valg.dk's Id or, from DST, by name: the
 * full name (Navn) or the ballot name (Stemmeseddelnavn). */
static gboolean
same_candidate (const char *id, const char *name, const VkFvKdCandidate *c)
{
  if (id != NULL && strcmp (id, c->id) == 0)
    return TRUE;
  return strcmp (name, c->name) == 0 || (*c->ballot_name != '\0' && strcmp (name, c->ballot_name) == 0);
}

/* The candidate's nomination entry for a kreds of the results: by DAGI id,
 * else by name (DST's kredse have DST's own ids). */
static const VkFvKdKreds *
kreds_entry (const VkFvKdCandidate *c, const VkFvKredsVotes *kv)
{
  const VkFvKdKreds *e = vk_fv_kd_candidate_kreds (c, kv->id);

  for (guint i = 0; e == NULL && i < c->kredse->len; i++)
    {
      const VkFvKdKreds *x = g_ptr_array_index (c->kredse, i);
      if (x->kreds != NULL && strcmp (x->kreds, kv->name) == 0)
        e = x;
    }
  return e;
}

static double
total (const VkFvCandidateRank *c)
{
  return (double)c->personal + c->allotted;
}

static gboolean
equal (double a, double b)
{
  return fabs (a - b) <= EQUAL_EPSILON;
}

/* Candidates with their index in the kandidatdata, for a stable order. */
typedef struct
{
  VkFvCandidateRank *c;
  guint index;
} Ordered;

static int
by_total_cmp (gconstpointer x, gconstpointer y)
{
  const Ordered *a = x, *b = y;
  double ta = total (a->c), tb = total (b->c);

  if (!equal (ta, tb))
    return ta > tb ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

static int
by_list_cmp (gconstpointer x, gconstpointer y)
{
  const Ordered *a = x, *b = y;

  if (a->c->kd->list_place != b->c->kd->list_place)
    return a->c->kd->list_place < b->c->kd->list_place ? -1 : 1;
  return a->index < b->index ? -1 : a->index > b->index;
}

/* Sideordnet, kredsvis and PersonligeStemmer: the n highest totals; equal
 * totals at the last seat go to the draws. */
static gboolean
rank_by_totals (VkFvPartyRank *r, GArray *ord, const char *sk_name, const char *letter, VkFvDraws *draws,
                GError **error)
{
  guint n = r->seats, a, b;

  g_array_sort (ord, by_total_cmp);
  if (n > 0 && n < ord->len
      && equal (total (g_array_index (ord, Ordered, n - 1).c), total (g_array_index (ord, Ordered, n).c)))
    {
      double t = total (g_array_index (ord, Ordered, n - 1).c);
      g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
      g_autoptr (GArray) group = g_array_new (FALSE, FALSE, sizeof (Ordered));
      g_autofree char *what = NULL;

      for (a = n - 1; a > 0 && equal (total (g_array_index (ord, Ordered, a - 1).c), t); a--)
        ;
      for (b = n; b < ord->len && equal (total (g_array_index (ord, Ordered, b).c), t); b++)
        ;
      what = g_strdup_printf ("%s: party %s's last %u seat(s), candidates with %.0f votes each", sk_name, letter, n - a,
                              t);
      for (guint i = a; i < b; i++)
        {
          g_array_append_val (group, g_array_index (ord, Ordered, i));
          g_ptr_array_add (ids,
                           g_strdup_printf ("%s:%s:%s", sk_name, letter, g_array_index (ord, Ordered, i).c->kd->name));
        }
      /* One draw per seat, each among the candidates still undrawn. */
      for (guint s = a; s < n; s++)
        {
          gint w = vk_fv_draws_decide (draws, (const char *const *)ids->pdata, ids->len, what, error);
          if (w < 0)
            return FALSE;
          g_array_index (ord, Ordered, s) = g_array_index (group, Ordered, w);
          g_array_remove_index (group, w);
          g_ptr_array_remove_index (ids, w);
        }
      for (guint s = n; s < b; s++)
        g_array_index (ord, Ordered, s) = g_array_index (group, Ordered, s - n);
    }
  for (guint i = 0; i < ord->len; i++)
    {
      VkFvCandidateRank *c = g_array_index (ord, Ordered, i).c;
      c->elected = i < n;
      g_ptr_array_add (r->ranked, c);
    }
  return TRUE;
}

/* Partiliste: the fordelingstal ⌊V / (n + 1)⌋ + 1 (V the party's votes in
 * the storkreds) elects those who reach it, by total; the other seats go
 * in list order, and the stedfortrædere follow in list order. */
static void
rank_partiliste (VkFvPartyRank *r, GArray *ord, guint64 party_votes)
{
  guint n_quota = 0, n = r->seats;
  g_autoptr (GArray) quota = g_array_new (FALSE, FALSE, sizeof (Ordered));
  g_autoptr (GArray) rest = g_array_new (FALSE, FALSE, sizeof (Ordered));

  r->quota = party_votes / (n + 1) + 1;
  for (guint i = 0; i < ord->len; i++)
    {
      Ordered o = g_array_index (ord, Ordered, i);
      /* Each such total exceeds V / (n + 1), so at most n reach it. */
      o.c->by_quota = n > 0 && total (o.c) + EQUAL_EPSILON >= (double)r->quota;
      g_array_append_val (o.c->by_quota ? quota : rest, o);
    }
  g_array_sort (quota, by_total_cmp);
  g_array_sort (rest, by_list_cmp);
  for (guint i = 0; i < quota->len; i++)
    {
      VkFvCandidateRank *c = g_array_index (quota, Ordered, i).c;
      c->elected = TRUE;
      g_ptr_array_add (r->ranked, c);
      n_quota++;
    }
  for (guint i = 0; i < rest->len; i++)
    {
      VkFvCandidateRank *c = g_array_index (rest, Ordered, i).c;
      c->elected = n_quota + i < n;
      g_ptr_array_add (r->ranked, c);
    }
}

/* A nominee's exact share num / den of a kreds's party votes, as whole
 * votes: rounded down, then the votes left over one each to the largest
 * remainders (Hamilton), ties in the kandidatdata's order. */
typedef struct
{
  guint j; /* the candidate's index in the kandidatdata */
  guint64 rem;
} Remainder;

static int
by_remainder_cmp (gconstpointer x, gconstpointer y)
{
  const Remainder *a = x, *b = y;

  if (a->rem != b->rem)
    return a->rem > b->rem ? -1 : 1;
  return a->j < b->j ? -1 : a->j > b->j;
}

/* Shares pool among the nominated (indices into ks->cand_*): in proportion
 * to their personal votes in the kreds (sum of them), equally when sum is
 * 0.  FALSE when a product does not fit 64 bits (beyond any real count). */
static gboolean
allot_whole (VkFvKredsShare *ks, const GArray *nominated, guint64 pool, guint64 sum)
{
  g_autoptr (GArray) rems = g_array_new (FALSE, FALSE, sizeof (Remainder));
  guint64 den = sum > 0 ? sum : nominated->len, given = 0;

  for (guint m = 0; m < nominated->len; m++)
    {
      Remainder r = { g_array_index (nominated, guint, m), 0 };
      guint64 num = pool;

      if (sum > 0 && !g_uint64_checked_mul (&num, pool, ks->cand_personal[r.j]))
        return FALSE;
      ks->cand_allotted[r.j] = num / den;
      r.rem = num % den;
      given += num / den;
      g_array_append_val (rems, r);
    }
  g_array_sort (rems, by_remainder_cmp);
  /* Less than one vote per nominee is left over. */
  for (guint m = 0; given < pool && m < rems->len; m++, given++)
    ks->cand_allotted[g_array_index (rems, Remainder, m).j]++;
  return TRUE;
}

typedef struct
{
  const VkFvAllocation *alloc;
  const VkFvStorkredsVotes *sv;
  const VkFvKandidatdata *kd;
  guint k; /* table index */
  VkFvDraws *draws;
} Ctx;

static VkFvPartyRank *
rank_party (const Ctx *ctx, guint p, const VkFvKdParty *kp, GError **error)
{
  const VkFvAllocation *a = ctx->alloc;
  const char *file = ctx->kd->file;
  const char *letter = g_ptr_array_index (a->votes->letters, p);
  const char *sk_name = ctx->sv->name;
  guint np = a->n_parties, nc = kp->candidates->len;
  g_autoptr (VkFvPartyRank) r = g_new0 (VkFvPartyRank, 1);
  g_autofree VkFvCandidateRank *cands = g_new0 (VkFvCandidateRank, nc + 1);
  g_autofree gboolean *seen = g_new0 (gboolean, nc + 1);
  g_autoptr (GArray) ord = g_array_new (FALSE, FALSE, sizeof (Ordered));
  gboolean form_set = FALSE;

  r->storkreds = ctx->k;
  r->party = p;
  r->kd = kp;
  r->seats = a->sk_kreds[ctx->k * np + p] + a->sk_tillaeg[ctx->k * np + p];
  r->ranked = g_ptr_array_new_with_free_func (g_free);
  r->kredse = g_ptr_array_new_with_free_func ((GDestroyNotify)kreds_share_free);
  for (guint j = 0; j < nc; j++)
    cands[j].kd = g_ptr_array_index (kp->candidates, j);

  for (guint i = 0; i < ctx->sv->kredse->len; i++)
    {
      const VkFvKredsVotes *kv = g_ptr_array_index (ctx->sv->kredse, i);
      guint64 party_votes = vk_fv_kreds_votes_get (kv, p), personal = 0, pool, sum = 0;
      g_autoptr (GArray) nominated = g_array_new (FALSE, FALSE, sizeof (guint));
      const VkFvKdKreds *first = NULL, *any = NULL;
      VkFvKredsShare *ks = g_new0 (VkFvKredsShare, 1);
      guint64 *in_kreds;

      ks->kreds = kv;
      ks->votes = party_votes;
      ks->cand_personal = in_kreds = g_new0 (guint64, nc + 1);
      ks->cand_allotted = g_new0 (guint64, nc + 1);
      g_ptr_array_add (r->kredse, ks);
      for (guint q = 0; q < kv->persons->len; q++)
        {
          const VkFvPersonVotes *pv = g_ptr_array_index (kv->persons, q);
          gint found = -1;

          if (pv->party != p)
            continue;
          for (guint j = 0; j < nc; j++)
            if (same_candidate (pv->id, pv->name, cands[j].kd))
              {
                if (found >= 0)
                  return (void)vk_fv_fail (error, file, kp->path,
                                           "the results' candidate \"%s\" (%s, %s) matches both %s and %s", pv->name,
                                           sk_name, kv->name, cands[found].kd->path, cands[j].kd->path),
                         NULL;
                found = (gint)j;
              }
          if (found < 0)
            return (void)vk_fv_fail (error, file, kp->path,
                                     "party %s's candidate \"%s\" has %" G_GUINT64_FORMAT
                                     " personal votes in %s (%s), but is not among its Kandidater here",
                                     letter, pv->name, pv->personal, kv->name, sk_name),
                   NULL;
          seen[found] = TRUE;
          in_kreds[found] += pv->personal;
          cands[found].personal += pv->personal;
          personal += pv->personal;
        }
      pool = party_votes >= personal ? party_votes - personal : 0;
      ks->personal = personal;
      ks->party_votes = pool;
      for (guint j = 0; j < nc; j++)
        {
          const VkFvKdKreds *e = kreds_entry (cands[j].kd, kv);
          if (e == NULL)
            continue;
          if (any == NULL)
            any = e;
          if (!form_set)
            r->form = e->form, form_set = TRUE;
          if (e->form == VK_FV_FORM_PARTILISTE)
            r->partiliste = TRUE;
          if (!e->opstillet)
            continue;
          if (first != NULL && form_is_single (first->form) != form_is_single (e->form))
            return (void)vk_fv_fail (
                       error, file, cands[j].kd->path,
                       "nominated in %s as %s, but another candidate of party %s is nominated there as %s", kv->name,
                       vk_fv_form_to_string (e->form), letter, vk_fv_form_to_string (first->form)),
                   NULL;
          if (first == NULL)
            first = e;
          g_array_append_val (nominated, j);
          sum += in_kreds[j];
        }
      ks->form = first != NULL ? first->form : any != NULL ? any->form : r->form;
      if (kp->personal || pool == 0)
        {
          ks->unallotted = pool;
          continue;
        }
      if (nominated->len == 0)
        {
          r->unallotted += pool;
          ks->unallotted = pool;
          continue;
        }
      if (form_is_single (first->form))
        {
          if (nominated->len > 1)
            return (void)vk_fv_fail (
                       error, file, kp->path,
                       "party %s (%s) nominates %u candidates in %s: %s gives a kreds's party votes to one", letter,
                       vk_fv_form_to_string (first->form), nominated->len, kv->name,
                       vk_fv_form_to_string (first->form)),
                   NULL;
          cands[g_array_index (nominated, guint, 0)].allotted += (double)pool;
          ks->cand_allotted[g_array_index (nominated, guint, 0)] = pool;
          continue;
        }
      if (!allot_whole (ks, nominated, pool, sum))
        return (void)vk_fv_fail (error, file, kp->path, "party %s's votes in %s are beyond what can be counted", letter,
                                 kv->name),
               NULL;
      for (guint m = 0; m < nominated->len; m++)
        {
          guint j = g_array_index (nominated, guint, m);
          /* In proportion to the personal votes in the kreds; equally when
           * none of the nominated has any. */
          cands[j].allotted
              += sum > 0 ? (double)pool * (double)in_kreds[j] / (double)sum : (double)pool / (double)nominated->len;
        }
    }
  for (guint j = 0; j < nc; j++)
    {
      if (!seen[j])
        return (void)vk_fv_fail (error, file, cands[j].kd->path,
                                 "\"%s\" of party %s is not among the candidates of %s in the results",
                                 cands[j].kd->name, letter, sk_name),
               NULL;
      if (r->partiliste && cands[j].kd->list_place == 0)
        return (void)vk_fv_fail (error, file, cands[j].kd->path,
                                 "party %s stands by partiliste, but \"%s\" has no PartiListePlacering", letter,
                                 cands[j].kd->name),
               NULL;
    }
  if (r->seats > nc)
    return (void)vk_fv_fail (error, file, kp->path, "party %s has %u seats in %s but %u candidates", letter, r->seats,
                             sk_name, nc),
           NULL;
  for (guint j = 0; j < nc; j++)
    {
      Ordered o = { NULL, j };

      for (guint i = 0; i < r->kredse->len; i++)
        cands[j].allotted_rounded += ((const VkFvKredsShare *)g_ptr_array_index (r->kredse, i))->cand_allotted[j];
      o.c = g_memdup2 (&cands[j], sizeof cands[j]);
      g_array_append_val (ord, o);
    }
  /* The copies are owned by r->ranked once ranked; until then by ord. */
  if (r->partiliste)
    rank_partiliste (r, ord, a->sk_votes[ctx->k * np + p]);
  else if (!rank_by_totals (r, ord, sk_name, letter, ctx->draws, error))
    {
      for (guint i = 0; i < ord->len; i++)
        g_free (g_array_index (ord, Ordered, i).c);
      return NULL;
    }
  if (r->partiliste)
    {
      r->form = VK_FV_FORM_PARTILISTE;
      for (guint i = 0; i < r->kredse->len; i++)
        ((VkFvKredsShare *)g_ptr_array_index (r->kredse, i))->form = VK_FV_FORM_PARTILISTE;
    }
  return g_steal_pointer (&r);
}

static gboolean
party_in_storkreds (const VkFvAllocation *a, const VkFvStorkredsVotes *sv, guint k, guint p)
{
  if (a->sk_votes[k * a->n_parties + p] > 0)
    return TRUE;
  for (guint i = 0; i < sv->kredse->len; i++)
    {
      const VkFvKredsVotes *kv = g_ptr_array_index (sv->kredse, i);
      for (guint q = 0; q < kv->persons->len; q++)
        if (((const VkFvPersonVotes *)g_ptr_array_index (kv->persons, q))->party == p)
          return TRUE;
    }
  return FALSE;
}

static gboolean
elect_storkreds (VkFvElected *self, const Ctx *ctx, GError **error)
{
  const VkFvAllocation *a = ctx->alloc;
  const char *file = ctx->kd->file;

  /* Every party of the file is in the results, and the other way round. */
  for (guint i = 0; i < ctx->kd->parties->len; i++)
    {
      const VkFvKdParty *kp = g_ptr_array_index (ctx->kd->parties, i);
      gint p = -1;

      for (guint q = 0; q < a->n_parties; q++)
        if (strcmp (g_ptr_array_index (a->votes->letters, q), kp->letter) == 0)
          p = (gint)q;
      if (p < 0 || !party_in_storkreds (a, ctx->sv, ctx->k, (guint)p))
        return vk_fv_fail (error, file, kp->path, "party %s is not in the results of %s", kp->letter, ctx->sv->name);
      for (guint j = 0; j < i; j++)
        if (strcmp (((const VkFvKdParty *)g_ptr_array_index (ctx->kd->parties, j))->letter, kp->letter) == 0)
          return vk_fv_fail (error, file, kp->path, "party %s is listed twice", kp->letter);
    }
  for (guint p = 0; p < a->n_parties; p++)
    {
      const char *letter = g_ptr_array_index (a->votes->letters, p);
      const VkFvKdParty *kp = NULL;
      VkFvPartyRank *r;

      if (!party_in_storkreds (a, ctx->sv, ctx->k, p))
        continue;
      for (guint i = 0; kp == NULL && i < ctx->kd->parties->len; i++)
        if (strcmp (((const VkFvKdParty *)g_ptr_array_index (ctx->kd->parties, i))->letter, letter) == 0)
          kp = g_ptr_array_index (ctx->kd->parties, i);
      if (kp == NULL)
        return vk_fv_fail (error, file, "IndenforParti",
                           "party %s has %" G_GUINT64_FORMAT " votes in %s in the results, but no Partibogstav %s here",
                           letter, a->sk_votes[ctx->k * a->n_parties + p], ctx->sv->name, letter);
      r = rank_party (ctx, p, kp, error);
      if (r == NULL)
        return FALSE;
      g_ptr_array_add (self->parties, r);
    }

  /* Independents: each of the results by name in UdenforParti, and each
   * of UdenforParti in the results (listed in the file's order). */
  for (guint i = 0; i < ctx->sv->independents->len; i++)
    {
      const VkFvIndependent *ind = g_ptr_array_index (ctx->sv->independents, i);
      gboolean found = FALSE;

      for (guint j = 0; !found && j < ctx->kd->independents->len; j++)
        found = same_candidate (NULL, ind->name, g_ptr_array_index (ctx->kd->independents, j));
      if (!found)
        return vk_fv_fail (error, file, "UdenforParti",
                           "the candidate outside the parties \"%s\" has %" G_GUINT64_FORMAT
                           " votes in %s in the results, but is not here",
                           ind->name, ind->votes, ctx->sv->name);
    }
  for (guint j = 0; j < ctx->kd->independents->len; j++)
    {
      const VkFvKdCandidate *c = g_ptr_array_index (ctx->kd->independents, j);
      const VkFvIndependent *ind = NULL;
      VkFvIndependentRank *r;

      for (guint i = 0; ind == NULL && i < ctx->sv->independents->len; i++)
        if (same_candidate (NULL, ((const VkFvIndependent *)g_ptr_array_index (ctx->sv->independents, i))->name, c))
          ind = g_ptr_array_index (ctx->sv->independents, i);
      if (ind == NULL)
        return vk_fv_fail (error, file, c->path,
                           "\"%s\" is not among the candidates outside the parties of %s in the results", c->name,
                           ctx->sv->name);
      r = g_new0 (VkFvIndependentRank, 1);
      r->storkreds = ctx->k;
      r->kd = c;
      r->votes = ind->votes;
      for (guint e = 0; e < a->independents->len; e++)
        {
          const VkFvElectedIndependent *x = g_ptr_array_index (a->independents, e);
          if (x->storkreds == ctx->k && strcmp (x->name, ind->name) == 0)
            r->elected = TRUE;
        }
      g_ptr_array_add (self->independents, r);
    }
  return TRUE;
}

VkFvElected *
vk_fv_elect (const VkFvAllocation *alloc, GPtrArray *kandidatdata, VkFvDraws *draws, GError **error)
{
  g_autoptr (VkFvElected) self = g_new0 (VkFvElected, 1);
  const VkFvTable *t;
  g_autofree const VkFvKandidatdata **by_sk = NULL;

  g_return_val_if_fail (alloc != NULL && kandidatdata != NULL && draws != NULL, NULL);
  t = alloc->table;
  self->kandidatdata = kandidatdata;
  self->parties = g_ptr_array_new_with_free_func ((GDestroyNotify)party_rank_free);
  self->independents = g_ptr_array_new_with_free_func (g_free);
  if (!alloc->votes->has_persons)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                   "%s: the results have no personal votes (a fintælling is needed to name the elected)",
                   alloc->votes->source);
      return NULL;
    }
  by_sk = g_new0 (const VkFvKandidatdata *, t->storkredse->len + 1);
  for (guint i = 0; i < kandidatdata->len; i++)
    {
      const VkFvKandidatdata *kd = g_ptr_array_index (kandidatdata, i);
      gint k = vk_fv_valgdk_find_storkreds (t, kd->storkreds);

      if (k < 0)
        return (void)vk_fv_fail (error, kd->file, "Storkreds", "\"%s\" is not a storkreds of the seat table",
                                 kd->storkreds),
               NULL;
      if (by_sk[k] != NULL)
        return (void)vk_fv_fail (error, kd->file, "Storkreds", "\"%s\" is also %s's", kd->storkreds, by_sk[k]->file),
               NULL;
      by_sk[k] = kd;
    }
  for (guint s = 0; s < alloc->votes->storkredse->len; s++)
    {
      const VkFvStorkredsVotes *sv = g_ptr_array_index (alloc->votes->storkredse, s);
      gint k = vk_fv_table_find_storkreds (t, sv->name);
      Ctx ctx;

      if (k < 0)
        continue; /* vk_fv_allocate() refuses it */
      if (by_sk[k] == NULL)
        {
          g_autofree char *name = vk_text_escape_controls (sv->name);
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "no FV-Kandidatdata file for %s", name);
          return NULL;
        }
      ctx.alloc = alloc;
      ctx.sv = sv;
      ctx.kd = by_sk[k];
      ctx.k = (guint)k;
      ctx.draws = draws;
      if (!elect_storkreds (self, &ctx, error))
        return NULL;
    }
  return g_steal_pointer (&self);
}

const VkFvPartyRank *
vk_fv_elected_lookup (const VkFvElected *self, guint storkreds, guint party)
{
  g_return_val_if_fail (self != NULL, NULL);
  for (guint i = 0; i < self->parties->len; i++)
    {
      const VkFvPartyRank *r = g_ptr_array_index (self->parties, i);
      if (r->storkreds == storkreds && r->party == party)
        return r;
    }
  return NULL;
}

static void
candidate_json (JsonBuilder *b, const VkFvPartyRank *r, const VkFvCandidateRank *c)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "Navn");
  json_builder_add_string_value (b, c->kd->name);
  json_builder_set_member_name (b, "Stemmer");
  json_builder_add_int_value (b, (gint64)(c->personal + c->allotted_rounded));
  json_builder_set_member_name (b, "PersonligeStemmer");
  json_builder_add_int_value (b, (gint64)c->personal);
  json_builder_set_member_name (b, "TildeltePartistemmer");
  json_builder_add_int_value (b, (gint64)c->allotted_rounded);
  if (r->partiliste)
    {
      json_builder_set_member_name (b, "PartiListePlacering");
      json_builder_add_int_value (b, c->kd->list_place);
      json_builder_set_member_name (b, "NåetFordelingstal");
      json_builder_add_boolean_value (b, c->by_quota);
    }
  json_builder_end_object (b);
}

void
vk_fv_elected_party_to_json (const VkFvElected *self, JsonBuilder *b, guint storkreds, guint party)
{
  const VkFvPartyRank *r;

  g_return_if_fail (self != NULL && b != NULL);
  r = vk_fv_elected_lookup (self, storkreds, party);
  if (r == NULL || r->seats == 0)
    return;
  json_builder_set_member_name (b, "Opstillingsform");
  json_builder_add_string_value (b, vk_fv_form_to_string (r->form));
  json_builder_set_member_name (b, "PersonligeStemmer");
  json_builder_add_boolean_value (b, r->kd->personal);
  if (r->partiliste)
    {
      json_builder_set_member_name (b, "Fordelingstal");
      json_builder_add_int_value (b, (gint64)r->quota);
    }
  json_builder_set_member_name (b, "Valgte");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->ranked->len; i++)
    {
      const VkFvCandidateRank *c = g_ptr_array_index (r->ranked, i);
      if (c->elected)
        candidate_json (b, r, c);
    }
  json_builder_end_array (b);
  json_builder_set_member_name (b, "Stedfortrædere");
  json_builder_begin_array (b);
  for (guint i = 0; i < r->ranked->len; i++)
    {
      const VkFvCandidateRank *c = g_ptr_array_index (r->ranked, i);
      if (!c->elected)
        candidate_json (b, r, c);
    }
  json_builder_end_array (b);
}

void
vk_fv_elected_independents_to_json (const VkFvElected *self, JsonBuilder *b, guint storkreds)
{
  g_return_if_fail (self != NULL && b != NULL);
  json_builder_set_member_name (b, "UdenforParti");
  json_builder_begin_array (b);
  for (guint i = 0; i < self->independents->len; i++)
    {
      const VkFvIndependentRank *r = g_ptr_array_index (self->independents, i);
      if (r->storkreds != storkreds)
        continue;
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Navn");
      json_builder_add_string_value (b, r->kd->name);
      json_builder_set_member_name (b, "Stemmer");
      json_builder_add_int_value (b, (gint64)r->votes);
      json_builder_set_member_name (b, "Valgt");
      json_builder_add_boolean_value (b, r->elected);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
}
