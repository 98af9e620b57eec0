/* vk-rules.c: the configuration and the discrepancy rules D01–D22.
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-brevstemme-window.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-finding-private.h"
#include "vk-fold-private.h"
#include "vk-counts.h"
#include "vk-rules.h"
#include "vk-voters.h"

static gboolean
counts_uint (const VkCbor *counts, const char *key, gboolean optional, guint64 *ret, GError **error)
{
  VkCbor *v = vk_cbor_map_lookup_text (counts, key);

  *ret = 0;
  if (v == NULL && optional)
    return TRUE;
  if (v == NULL || vk_cbor_get_type (v) != VK_CBOR_UINT)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "counts: \"%s\" is missing or not a number", key);
      return FALSE;
    }
  *ret = vk_cbor_get_uint (v);
  return TRUE;
}

/* ---- configuration ------------------------------------------------------ */

void
vk_rules_config_init (VkRulesConfig *self, const VkElection *election)
{
  g_autoptr (GTimeZone) tz = NULL;
  g_autoptr (GDateTime) day = NULL;
  gint y = 0, m = 0, d = 0;

  g_return_if_fail (self != NULL);
  memset (self, 0, sizeof *self);
  self->d08_threshold = 10;
  self->clock_tolerance_ms = 5 * 60 * 1000;
  self->min_brevstemmer = 5;
  self->expect_fintaelling = FALSE;
  self->window_end_ms = G_MAXUINT64;
  self->brevstemme_deadline_ms = G_MAXUINT64;

  tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  if (election == NULL || election->date == NULL || sscanf (election->date, "%d-%d-%d", &y, &m, &d) != 3)
    return;
  day = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (day == NULL)
    return;
  self->window_start_ms = (guint64)g_date_time_to_unix (day) * 1000;
  {
    g_autoptr (GDateTime) end = g_date_time_add_days (day, 7);

    self->window_end_ms = (guint64)g_date_time_to_unix (end) * 1000;
  }
  /* The brevstemme window (open and deadline) is the station's:
   * shared/vk-brevstemme-window.h says where it comes from. */
  {
    guint64 first, last;

    if (vk_brevstemme_window_for_election (election, &first, &last))
      {
        self->brevstemme_open_ms = first;
        self->brevstemme_deadline_ms = last + 1;
      }
  }
}

/* ---- the rules ---------------------------------------------------------- */

typedef struct
{
  VkFold *fold;
  const VkRulesConfig *config;
  GPtrArray *findings;
  /* The contest whose counts the count rules (D07, D08, D09, D12,
   * D18–D20) look at: its index in the event, the contest, and the
   * names of its two counts ("fintælling", or "fintælling (RV)" in an
   * event with several contests). */
  guint ci;
  const VkElection *contest;
  char *kind_da[2];
  char *kind_en[2];
} RuleCtx;

static void
rule_ctx_set_contest (RuleCtx *c, guint ci)
{
  gboolean joint = vk_election_get_n_contests (c->fold->election) > 1;
  const char *da[2] = { "foreløbig optælling", "fintælling" };
  const char *en[2] = { "foreløbig count", "fintælling" };

  c->ci = ci;
  c->contest = vk_election_get_contest_nth (c->fold->election, ci);
  for (guint k = 0; k < 2; k++)
    {
      g_free (c->kind_da[k]);
      g_free (c->kind_en[k]);
      c->kind_da[k]
          = joint ? g_strdup_printf ("%s (%s)", da[k], vk_election_contest_id (c->contest)) : g_strdup (da[k]);
      c->kind_en[k]
          = joint ? g_strdup_printf ("%s (%s)", en[k], vk_election_contest_id (c->contest)) : g_strdup (en[k]);
    }
}

static const char *
area_label (FoldArea *a)
{
  return a->area != NULL && a->area->name != NULL ? a->area->name : "";
}

static void
rule_d01_d03 (RuleCtx *c)
{
  VkFold *self = c->fold;

  for (guint i = 0; i < self->refusals->len; i++)
    {
      const Refusal *r = &g_array_index (self->refusals, Refusal, i);
      gboolean enrol = r->kind == VK_REFUSAL_ENROLMENT;
      VkFinding *f
          = vk_finding_add (c->findings, enrol ? 3 : 1, VK_SEVERITY_BLOCKING, 0,
                            g_strdup_printf ("Afvist levering fra %s (%s, fra løbenr. %" G_GUINT64_FORMAT "): %s",
                                             r->device, r->source, r->seq, r->reason),
                            g_strdup_printf ("Refused delivery from %s (%s, from seq %" G_GUINT64_FORMAT "): %s",
                                             r->device, r->source, r->seq, r->reason));
      vk_finding_add_evidence (f, r->device, r->seq);
    }
  for (guint i = 0; i < self->bad->len; i++)
    {
      const BadEntry *b = &g_array_index (self->bad, BadEntry, i);
      VkFinding *f
          = vk_finding_add (c->findings, 3, VK_SEVERITY_BLOCKING, 0,
                            g_strdup_printf ("%s#%" G_GUINT64_FORMAT ": enheden handler uden for sin godkendelse: %s",
                                             b->device, b->seq, b->reason),
                            g_strdup_printf ("%s#%" G_GUINT64_FORMAT ": the device acts outside its enrolment: %s",
                                             b->device, b->seq, b->reason));
      vk_finding_add_evidence (f, b->device, b->seq);
    }
}

/* D21: refused batches that no enrolled key vouches for.  They cannot be
 * findings about the device they name (anyone can write a name), so
 * they are one aggregate warning: someone is sending what no device
 * signed. */
static void
rule_d21 (RuleCtx *c)
{
  VkFold *self = c->fold;

  if (self->unverified_batches == 0)
    return;
  vk_finding_add (c->findings, 21, VK_SEVERITY_WARNING, 0,
                  g_strdup_printf ("%" G_GUINT64_FORMAT " uverificerede leveringer afvist fra %u afsendere%s%s",
                                   self->unverified_batches, self->unverified_sources,
                                   self->unverified_examples != NULL && *self->unverified_examples ? ": " : "",
                                   self->unverified_examples != NULL ? self->unverified_examples : ""),
                  g_strdup_printf ("%" G_GUINT64_FORMAT " unverified batches refused from %u sources%s%s",
                                   self->unverified_batches, self->unverified_sources,
                                   self->unverified_examples != NULL && *self->unverified_examples ? ": " : "",
                                   self->unverified_examples != NULL ? self->unverified_examples : ""));
}

static void
rule_d02 (RuleCtx *c)
{
  for (guint i = 0; i < c->fold->forks->len; i++)
    {
      const Fork *k = &g_array_index (c->fold->forks, Fork, i);
      VkFinding *f
          = vk_finding_add (c->findings, 2, VK_SEVERITY_BLOCKING, 0,
                            g_strdup_printf ("Enheden %s har to forskellige indførsler med løbenr. %" G_GUINT64_FORMAT
                                             ": begge er gemt som bevis.",
                                             k->device, k->seq),
                            g_strdup_printf ("Device %s has two different entries with seq %" G_GUINT64_FORMAT
                                             ": both are kept as evidence.",
                                             k->device, k->seq));
      vk_finding_add_evidence (f, k->device, k->seq);
    }
}

/* D04 looks at two marks of the same kind (two laptop check-ins, or
 * two paper marks); a voter marked on paper and on a laptop is D22. */
static void
rule_d04 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) first = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) reported = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      gpointer prev;
      /* Laptop and paper marks are keyed apart (paper in the top bit). */
      gpointer key = GUINT_TO_POINTER (ci->lnr | (ci->paper ? 0x80000000u : 0));

      if (ci->undone)
        continue;
      if (!g_hash_table_lookup_extended (first, key, NULL, &prev))
        {
          g_hash_table_insert (first, key, GUINT_TO_POINTER (i));
          continue;
        }
      if (g_hash_table_contains (reported, key))
        continue;
      g_hash_table_add (reported, key);
      {
        VkFinding *f
            = vk_finding_add (c->findings, 4, VK_SEVERITY_BLOCKING, a->number,
                              g_strdup_printf ("Område %u %s: vælger med løbenummer %u er afkrydset mere end én gang.",
                                               a->number, area_label (a), ci->lnr),
                              g_strdup_printf ("Area %u %s: the voter with løbenummer %u is checked in more than once.",
                                               a->number, area_label (a), ci->lnr));
        for (guint j = 0; j < a->checkins->len; j++)
          {
            const Checkin *cj = &g_array_index (a->checkins, Checkin, j);
            if (!cj->undone && cj->lnr == ci->lnr && cj->paper == ci->paper)
              vk_finding_add_evidence (f, cj->device, cj->seq);
          }
      }
    }
}

/* D22 (issue 15): a voter marked on a printed valgliste (`checkin.paper`)
 * and checked in on a laptop.  Either the paper list was used for a
 * voter who had already voted at another table, or a mark was typed in
 * wrongly: both need the valgstyrere's eyes before the count is signed. */
static void
rule_d22 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) laptop = g_hash_table_new (NULL, NULL);
  g_autoptr (GHashTable) reported = g_hash_table_new (NULL, NULL);

  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      if (!ci->undone && !ci->paper)
        g_hash_table_add (laptop, GUINT_TO_POINTER (ci->lnr));
    }
  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      VkFinding *f;

      if (ci->undone || !ci->paper || !g_hash_table_contains (laptop, GUINT_TO_POINTER (ci->lnr))
          || g_hash_table_contains (reported, GUINT_TO_POINTER (ci->lnr)))
        continue;
      g_hash_table_add (reported, GUINT_TO_POINTER (ci->lnr));
      f = vk_finding_add (c->findings, 22, VK_SEVERITY_BLOCKING, a->number,
                          g_strdup_printf ("Område %u %s: vælger %u er afkrydset både på papirvalglisten og ved en "
                                           "computer.",
                                           a->number, area_label (a), ci->lnr),
                          g_strdup_printf ("Area %u %s: voter %u is marked both on the paper valgliste and on a "
                                           "laptop.",
                                           a->number, area_label (a), ci->lnr));
      for (guint j = 0; j < a->checkins->len; j++)
        {
          const Checkin *cj = &g_array_index (a->checkins, Checkin, j);
          if (!cj->undone && cj->lnr == ci->lnr)
            vk_finding_add_evidence (f, cj->device, cj->seq);
        }
    }
}

static void
rule_d05 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      VkFinding *f;

      if (ci->undone || !g_hash_table_contains (accepted, GUINT_TO_POINTER (ci->lnr)))
        continue;
      f = vk_finding_add (
          c->findings, 5, VK_SEVERITY_BLOCKING, a->number,
          g_strdup_printf ("Område %u %s: vælger %u har en godkendt brevstemme og er også afkrydset ved "
                           "fremmøde.",
                           a->number, area_label (a), ci->lnr),
          g_strdup_printf ("Area %u %s: voter %u has an accepted brevstemme and was also checked in in "
                           "person.",
                           a->number, area_label (a), ci->lnr));
      vk_finding_add_evidence (f, ci->device, ci->seq);
      for (guint j = 0; j < a->decisions->len; j++)
        {
          const Decision *d = &g_array_index (a->decisions, Decision, j);
          if (d->lnr == ci->lnr && d->accepted)
            vk_finding_add_evidence (f, d->device, d->seq);
        }
    }
}

static gint
compare_uint_ptr (gconstpointer a, gconstpointer b)
{
  guint x = GPOINTER_TO_UINT (a), y = GPOINTER_TO_UINT (b);

  return x < y ? -1 : x > y;
}

static void
rule_d06 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) by_voter = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify)g_array_unref);
  g_autoptr (GList) keys = NULL;

  for (guint i = 0; i < a->brev->len; i++)
    {
      const Brev *b = &g_array_index (a->brev, Brev, i);
      GArray *idx;

      if (b->cancelled)
        continue; /* withdrawn by the team that received it: not a second brevstemme */
      idx = g_hash_table_lookup (by_voter, GUINT_TO_POINTER (b->lnr));
      if (idx == NULL)
        {
          idx = g_array_new (FALSE, FALSE, sizeof (guint));
          g_hash_table_insert (by_voter, GUINT_TO_POINTER (b->lnr), idx);
        }
      g_array_append_val (idx, i);
    }
  keys = g_hash_table_get_keys (by_voter);
  keys = g_list_sort (keys, compare_uint_ptr);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      GArray *idx = g_hash_table_lookup (by_voter, l->data);
      const Brev *latest = NULL;
      VkFinding *f;

      if (idx->len < 2)
        continue;
      for (guint k = 0; k < idx->len; k++)
        {
          const Brev *b = &g_array_index (a->brev, Brev, g_array_index (idx, guint, k));
          if (latest == NULL || b->cast_ms > latest->cast_ms)
            latest = b;
        }
      f = vk_finding_add (
          c->findings, 6, VK_SEVERITY_WARNING, a->number,
          g_strdup_printf ("Område %u %s: vælger %u har %u brevstemmer; kun den senest afgivne (konvolut "
                           "%s, %s#%" G_GUINT64_FORMAT ") kan komme i betragtning.",
                           a->number, area_label (a), latest->lnr, idx->len, latest->envelope, latest->device,
                           latest->seq),
          g_strdup_printf ("Area %u %s: voter %u has %u brevstemmer; only the latest cast one (envelope "
                           "%s, %s#%" G_GUINT64_FORMAT ") can count.",
                           a->number, area_label (a), latest->lnr, idx->len, latest->envelope, latest->device,
                           latest->seq));
      vk_finding_add_evidence (f, latest->device, latest->seq);
      for (guint k = 0; k < idx->len; k++)
        {
          const Brev *b = &g_array_index (a->brev, Brev, g_array_index (idx, guint, k));
          if (b != latest)
            vk_finding_add_evidence (f, b->device, b->seq);
        }
    }
}

static const char *
kind_da (RuleCtx *c, VkResultKind kind)
{
  return c->kind_da[kind == VK_RESULT_FORELOEBIG ? 0 : 1];
}

static const char *
kind_en (RuleCtx *c, VkResultKind kind)
{
  return c->kind_en[kind == VK_RESULT_FORELOEBIG ? 0 : 1];
}

/* Whether contests (Checkin.contests, Brev.contests: ids joined by ';',
 * NULL for every contest) has the ballot of contest (an id). */
static gboolean
contests_have (const char *contests, const char *contest)
{
  const char *p;
  gsize len;

  if (contests == NULL)
    return TRUE;
  if (contest == NULL)
    return FALSE;
  len = strlen (contest);
  for (p = contests; *p != '\0';)
    {
      const char *end = strchr (p, ';');
      gsize n = end != NULL ? (gsize)(end - p) : strlen (p);

      if (n == len && strncmp (p, contest, len) == 0)
        return TRUE;
      if (end == NULL)
        break;
      p = end + 1;
    }
  return FALSE;
}

static void
rule_d07 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  const char *contest = vk_election_contest_id (c->contest);
  guint64 marked = 0;
  GHashTableIter it;
  gpointer envelope;

  /* Per-voter eligibility: only the check-ins and accepted brevstemmer
   * that had this contest's ballot (all of them for KV + RV). */
  g_hash_table_iter_init (&it, a->accepted);
  while (g_hash_table_iter_next (&it, NULL, &envelope))
    {
      const char *contests = NULL;

      for (guint i = 0; i < a->brev->len; i++)
        if (g_strcmp0 (g_array_index (a->brev, Brev, i).envelope, envelope) == 0)
          contests = g_array_index (a->brev, Brev, i).contests;
      if (contests_have (contests, contest))
        marked++;
    }
  for (guint i = 0; i < a->checkins->len; i++)
    if (!g_array_index (a->checkins, Checkin, i).undone
        && contests_have (g_array_index (a->checkins, Checkin, i).contests, contest))
      marked++;
  for (int k = VK_RESULT_FORELOEBIG; k <= VK_RESULT_FINTAELLING; k++)
    {
      const Tally *t = vk_fold_area_latest_signoff (a, c->ci, (VkResultKind)k);
      guint64 cast = 0;
      VkFinding *f;
      gboolean explained;

      if (t == NULL || !counts_uint (t->counts, "cast", FALSE, &cast, NULL) || cast == marked)
        continue;
      explained = t->explanation != NULL && *t->explanation != '\0';
      f = vk_finding_add (c->findings, 7, explained ? VK_SEVERITY_WARNING : VK_SEVERITY_BLOCKING, a->number,
                          g_strdup_printf ("Område %u %s, %s: %" G_GUINT64_FORMAT
                                           " afgivne stemmer, men %" G_GUINT64_FORMAT
                                           " afkrydsede vælgere (fremmødte og godkendte brevstemmer). %s%s",
                                           a->number, area_label (a), kind_da (c, (VkResultKind)k), cast, marked,
                                           explained ? "Forklaring: " : "Der er ingen skriftlig forklaring.",
                                           explained ? t->explanation : ""),
                          g_strdup_printf ("Area %u %s, %s: %" G_GUINT64_FORMAT " ballots cast but %" G_GUINT64_FORMAT
                                           " marked voters (in person and accepted brevstemmer). %s%s",
                                           a->number, area_label (a), kind_en (c, (VkResultKind)k), cast, marked,
                                           explained ? "Explanation: " : "There is no written explanation.",
                                           explained ? t->explanation : ""));
      vk_finding_add_evidence (f, t->device, t->seq);
    }
}

static void
d08_compare (RuleCtx *c, FoldArea *a, const Tally *fl, const Tally *fi, const char *what_da, const char *what_en,
             guint64 v1, guint64 v2)
{
  guint64 diff = v1 > v2 ? v1 - v2 : v2 - v1;
  VkFinding *f;

  if (diff == 0)
    return;
  f = vk_finding_add (c->findings, 8, diff > c->config->d08_threshold ? VK_SEVERITY_WARNING : VK_SEVERITY_INFO,
                      a->number,
                      g_strdup_printf ("Område %u %s: %s: foreløbig %" G_GUINT64_FORMAT
                                       ", fintælling %" G_GUINT64_FORMAT " (forskel %s%" G_GUINT64_FORMAT ").",
                                       a->number, area_label (a), what_da, v1, v2, v2 >= v1 ? "+" : "-", diff),
                      g_strdup_printf ("Area %u %s: %s: foreløbig %" G_GUINT64_FORMAT ", fintælling %" G_GUINT64_FORMAT
                                       " (difference %s%" G_GUINT64_FORMAT ").",
                                       a->number, area_label (a), what_en, v1, v2, v2 >= v1 ? "+" : "-", diff));
  vk_finding_add_evidence (f, fl->device, fl->seq);
  vk_finding_add_evidence (f, fi->device, fi->seq);
}

static void
rule_d08_d12 (RuleCtx *c, FoldArea *a)
{
  const Tally *fl = vk_fold_area_latest_signoff (a, c->ci, VK_RESULT_FORELOEBIG);
  const Tally *fi = vk_fold_area_latest_signoff (a, c->ci, VK_RESULT_FINTAELLING);
  g_autoptr (VkAreaResult) r1 = NULL;
  g_autoptr (VkAreaResult) r2 = NULL;
  const Tally *both[2] = { fl, fi };
  VkAreaResult **rs[2] = { &r1, &r2 };

  /* D12: every sign-off's arithmetic. */
  for (guint k = 0; k < 2; k++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (GPtrArray) failures = NULL;

      if (both[k] == NULL)
        continue;
      *rs[k] = vk_rules_counts_to_result (c->contest, both[k]->kind, a->number, both[k]->counts, &error);
      if (*rs[k] == NULL)
        {
          VkFinding *f = vk_finding_add (c->findings, 12, VK_SEVERITY_BLOCKING, a->number,
                                         g_strdup_printf ("Område %u %s, %s: tallene kan ikke læses: %s", a->number,
                                                          area_label (a), kind_da (c, both[k]->kind), error->message),
                                         g_strdup_printf ("Area %u %s, %s: the counts cannot be read: %s", a->number,
                                                          area_label (a), kind_en (c, both[k]->kind), error->message));
          vk_finding_add_evidence (f, both[k]->device, both[k]->seq);
          continue;
        }
      failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);
      vk_area_result_check (*rs[k], failures);
      for (guint i = 0; i < failures->len; i++)
        {
          const VkCheckFailure *cf = g_ptr_array_index (failures, i);
          VkFinding *f
              = vk_finding_add (c->findings, 12, VK_SEVERITY_BLOCKING, a->number,
                                g_strdup_printf ("Område %u %s, %s: regnestykket går ikke op (%s): %" G_GINT64_FORMAT
                                                 " optalt, %" G_GINT64_FORMAT " forventet.",
                                                 a->number, area_label (a), kind_da (c, both[k]->kind), cf->what,
                                                 cf->actual, cf->expected),
                                g_strdup_printf ("Area %u %s, %s: %s", a->number, area_label (a),
                                                 kind_en (c, both[k]->kind), cf->message));
          vk_finding_add_evidence (f, both[k]->device, both[k]->seq);
        }
    }

  /* D08: foreløbig → fintælling, in cast and per list total: the one
   * comparison the fintælling page shows too (vk_counts_compare). */
  if (r1 == NULL || r2 == NULL)
    return;
  {
    g_autoptr (GPtrArray) diffs = vk_counts_compare (r1, r2, c->contest);

    for (guint i = 0; i < diffs->len; i++)
      {
        const VkCountDifference *d = g_ptr_array_index (diffs, i);

        if (strcmp (d->field, "cast") == 0)
          d08_compare (c, a, fl, fi, "afgivne stemmer", "votes cast", d->first, d->second);
        else if (d->list_id != NULL && g_str_has_prefix (d->field, "lists."))
          {
            const VkList *l = vk_election_lookup_list (c->contest, d->list_id);
            g_autofree char *da = l != NULL
                                      ? g_strdup_printf ("liste %s%s%s", l->letter, *l->letter ? " " : "", l->name)
                                      : g_strdup_printf ("liste %s", d->list_id);

            d08_compare (c, a, fl, fi, da, da, d->first, d->second);
          }
      }
  }
}

static gboolean
area_has_own_journal (VkFold *self, FoldArea *a)
{
  GHashTableIter it;
  gpointer v;

  g_hash_table_iter_init (&it, self->devices);
  while (g_hash_table_iter_next (&it, NULL, &v))
    {
      const FoldDevice *d = v;
      if (d->device != NULL && d->device->area == a->number && d->device->role_id == VK_ROLE_VALGBORD)
        return TRUE;
    }
  return FALSE;
}

static void
rule_d09 (RuleCtx *c, FoldArea *a)
{
  if (!area_has_own_journal (c->fold, a))
    {
      vk_finding_add (
          c->findings, 9, VK_SEVERITY_WARNING, a->number,
          g_strdup_printf ("Område %u %s: ingen journal fra et valgbord er modtaget.", a->number, area_label (a)),
          g_strdup_printf ("Area %u %s: no journal from a valgbord has been received.", a->number, area_label (a)));
    }
}

/* D09, per contest: a count that is not signed off. */
static void
rule_d09_counts (RuleCtx *c, FoldArea *a)
{
  if (vk_fold_area_latest_signoff (a, c->ci, VK_RESULT_FORELOEBIG) == NULL)
    vk_finding_add (
        c->findings, 9, VK_SEVERITY_BLOCKING, a->number,
        g_strdup_printf ("Område %u %s: ingen underskrevet %s.", a->number, area_label (a),
                         kind_da (c, VK_RESULT_FORELOEBIG)),
        g_strdup_printf ("Area %u %s: no signed %s.", a->number, area_label (a), kind_en (c, VK_RESULT_FORELOEBIG)));
  if (c->config->expect_fintaelling && vk_fold_area_latest_signoff (a, c->ci, VK_RESULT_FINTAELLING) == NULL)
    vk_finding_add (
        c->findings, 9, VK_SEVERITY_BLOCKING, a->number,
        g_strdup_printf ("Område %u %s: ingen underskrevet %s.", a->number, area_label (a),
                         kind_da (c, VK_RESULT_FINTAELLING)),
        g_strdup_printf ("Area %u %s: no signed %s.", a->number, area_label (a), kind_en (c, VK_RESULT_FINTAELLING)));
}

static gint
compare_fold_device (gconstpointer a, gconstpointer b)
{
  return strcmp ((*(FoldDevice *const *)a)->device_id, (*(FoldDevice *const *)b)->device_id);
}

static void
rule_d10 (RuleCtx *c)
{
  VkFold *self = c->fold;
  const VkRulesConfig *cfg = c->config;
  GHashTableIter it;
  gpointer v;
  g_autoptr (GPtrArray) devs = g_ptr_array_new ();

  g_hash_table_iter_init (&it, self->devices);
  while (g_hash_table_iter_next (&it, NULL, &v))
    g_ptr_array_add (devs, v);
  g_ptr_array_sort (devs, compare_fold_device);

  for (guint i = 0; i < devs->len; i++)
    {
      const FoldDevice *d = g_ptr_array_index (devs, i);
      guint64 start, end = cfg->window_end_ms;

      if (d->device == NULL || d->device->role_id == VK_ROLE_SERVER)
        continue;
      start = vk_device_role_takes_brevstemmer (d->device->role_id) ? cfg->brevstemme_open_ms : cfg->window_start_ms;
      for (guint s = 0; s < d->recs->len; s++)
        {
          const FoldRec *r = &g_array_index (d->recs, FoldRec, s);
          g_autoptr (GDateTime) dt = NULL;
          g_autofree char *when = NULL;
          VkFinding *f;

          if (r->type == NULL || (r->time_ms >= start && r->time_ms < end))
            continue;
          dt = g_date_time_new_from_unix_utc ((gint64)(r->time_ms / 1000));
          when = dt != NULL ? g_date_time_format_iso8601 (dt) : g_strdup ("?");
          f = vk_finding_add (
              c->findings, 10, VK_SEVERITY_WARNING, d->device->area,
              g_strdup_printf ("%s#%u har tiden %s, uden for valgperioden.", d->device_id, s + 1, when),
              g_strdup_printf ("%s#%u has the time %s, outside the election window.", d->device_id, s + 1, when));
          vk_finding_add_evidence (f, d->device_id, s + 1);
          break; /* one finding per device: the first entry out of the window */
        }
    }

  /* A device clock ahead of the server: the server received the entry
   * before the time the device wrote on it.  (A clock behind cannot be
   * told from a late delivery.) */
  for (guint i = 0; i < self->receipts->len; i++)
    {
      const Receipt *rc = &g_array_index (self->receipts, Receipt, i);
      const FoldRec *r = rc->device != NULL ? vk_fold_lookup_rec (self, rc->device, rc->seq) : NULL;
      VkFinding *f;
      const FoldDevice *d;

      if (r == NULL || r->time_ms <= rc->time_ms + cfg->clock_tolerance_ms)
        continue;
      d = g_hash_table_lookup (self->devices, rc->device);
      f = vk_finding_add (c->findings, 10, VK_SEVERITY_WARNING, d != NULL && d->device != NULL ? d->device->area : 0,
                          g_strdup_printf ("Uret i %s går %" G_GUINT64_FORMAT " s foran: indførsel %" G_GUINT64_FORMAT
                                           " blev kvitteret af %s før sin egen tid.",
                                           rc->device, (r->time_ms - rc->time_ms) / 1000, rc->seq, rc->server),
                          g_strdup_printf ("The clock of %s is %" G_GUINT64_FORMAT " s ahead: entry %" G_GUINT64_FORMAT
                                           " was receipted by %s before its own time.",
                                           rc->device, (r->time_ms - rc->time_ms) / 1000, rc->seq, rc->server));
      vk_finding_add_evidence (f, rc->device, rc->seq);
      vk_finding_add_evidence (f, rc->server, rc->server_seq);
    }
}

static void
rule_d11 (RuleCtx *c, FoldArea *a)
{
  VkFold *self = c->fold;
  g_autoptr (VkVoterList) voters = NULL;

  if (!self->voters_loaded)
    {
      self->voters_loaded = TRUE;
      self->has_voters = vk_package_count_voters (self->package, 0, NULL) > 0;
    }
  if (!self->has_voters || a->checkins->len == 0)
    return; /* a package without voter lists: nothing to check against */
  /* One area's valgliste at a time: the whole country's (4.8 million
   * voters with names and addresses) held at once cost the count server
   * and the audit about 460 MiB. */
  voters = vk_package_dup_voters (self->package, a->number, NULL);
  for (guint i = 0; i < a->checkins->len; i++)
    {
      const Checkin *ci = &g_array_index (a->checkins, Checkin, i);
      VkFinding *f;

      if (voters != NULL && vk_voter_list_lookup (voters, a->number, ci->lnr) != NULL)
        continue;
      f = vk_finding_add (c->findings, 11, VK_SEVERITY_BLOCKING, a->number,
                          g_strdup_printf ("Område %u %s: løbenummer %u er afkrydset, men står ikke på valglisten.",
                                           a->number, area_label (a), ci->lnr),
                          g_strdup_printf ("Area %u %s: løbenummer %u was checked in but is not on the valgliste.",
                                           a->number, area_label (a), ci->lnr));
      vk_finding_add_evidence (f, ci->device, ci->seq);
    }
}

static void
rule_d13 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  for (guint i = 0; i < a->brev->len; i++)
    {
      const Brev *b = &g_array_index (a->brev, Brev, i);
      gboolean counted = g_hash_table_contains (accepted, GUINT_TO_POINTER (b->lnr));
      VkFinding *f;

      if (b->cast_ms < c->config->brevstemme_deadline_ms || b->cancelled)
        continue;
      f = vk_finding_add (c->findings, 13, counted ? VK_SEVERITY_BLOCKING : VK_SEVERITY_WARNING, a->number,
                          g_strdup_printf ("Område %u %s: brevstemme %s (vælger %u) er afgivet efter fristen%s.",
                                           a->number, area_label (a), b->envelope, b->lnr,
                                           counted ? ", men vælgerens brevstemme er godkendt" : ""),
                          g_strdup_printf ("Area %u %s: brevstemme %s (voter %u) was cast after the deadline%s.",
                                           a->number, area_label (a), b->envelope, b->lnr,
                                           counted ? ", yet the voter's brevstemme was accepted" : ""));
      vk_finding_add_evidence (f, b->device, b->seq);
    }
}

static void
rule_d15 (RuleCtx *c, FoldArea *a, GHashTable *accepted)
{
  guint n = g_hash_table_size (accepted);
  VkFinding *f;

  if (n == 0 || n >= c->config->min_brevstemmer)
    return;
  f = vk_finding_add (c->findings, 15, VK_SEVERITY_WARNING, a->number,
                      g_strdup_printf ("Område %u %s har kun %u godkendte brevstemmer (færre end %u): af hensyn til "
                                       "stemmehemmeligheden skal de lægges sammen med et andet områdes.",
                                       a->number, area_label (a), n, c->config->min_brevstemmer),
                      g_strdup_printf ("Area %u %s has only %u accepted brevstemmer (fewer than %u): for secrecy they "
                                       "must be counted with another area's.",
                                       a->number, area_label (a), n, c->config->min_brevstemmer));
  for (guint i = 0; i < a->decisions->len; i++)
    {
      const Decision *d = &g_array_index (a->decisions, Decision, i);
      if (d->accepted)
        vk_finding_add_evidence (f, d->device, d->seq);
    }
}

static void
rule_d16 (RuleCtx *c, FoldArea *a)
{
  for (guint i = 0; i < a->closes->len; i++)
    {
      const Close *cl = &g_array_index (a->closes, Close, i);

      for (guint j = 0; j < a->checkins->len; j++)
        {
          const Checkin *ci = &g_array_index (a->checkins, Checkin, j);
          VkFinding *f;

          /* Paper marks are typed in after the close by design. */
          if (ci->device != cl->device || ci->seq < cl->seq || ci->paper)
            continue;
          f = vk_finding_add (
              c->findings, 16, VK_SEVERITY_WARNING, a->number,
              g_strdup_printf ("Område %u %s: vælger %u er afkrydset på %s efter afstemningens afslutning.", a->number,
                               area_label (a), ci->lnr, ci->device),
              g_strdup_printf ("Area %u %s: voter %u was checked in at %s after the poll was closed.", a->number,
                               area_label (a), ci->lnr, ci->device));
          vk_finding_add_evidence (f, cl->device, cl->seq);
          vk_finding_add_evidence (f, ci->device, ci->seq);
        }
    }
}

static void
rule_d17 (RuleCtx *c, FoldArea *a)
{
  g_autoptr (GHashTable) decided = g_hash_table_new (g_str_hash, g_str_equal);

  if (vk_fold_area_latest_signoff (a, 0, VK_RESULT_FORELOEBIG) == NULL)
    return; /* brevstemmer may still be decided until the count */
  for (guint i = 0; i < a->decisions->len; i++)
    g_hash_table_add (decided, g_array_index (a->decisions, Decision, i).envelope);
  for (guint i = 0; i < a->brev->len; i++)
    {
      const Brev *b = &g_array_index (a->brev, Brev, i);
      VkFinding *f;

      if (g_hash_table_contains (decided, b->envelope) || b->cancelled)
        continue; /* a cancelled brevstemme needs no decision */
      f = vk_finding_add (c->findings, 17, VK_SEVERITY_WARNING, a->number,
                          g_strdup_printf ("Område %u %s: brevstemme %s (vælger %u) er modtaget, men der er ingen "
                                           "afgørelse om den.",
                                           a->number, area_label (a), b->envelope, b->lnr),
                          g_strdup_printf ("Area %u %s: brevstemme %s (voter %u) was received but never decided.",
                                           a->number, area_label (a), b->envelope, b->lnr));
      vk_finding_add_evidence (f, b->device, b->seq);
    }
}

static void
rule_d18_d19 (RuleCtx *c, FoldArea *a)
{
  for (guint i = 0; i < a->tallies->len; i++)
    {
      const Tally *t = &g_array_index (a->tallies, Tally, i);
      gboolean r1 = FALSE, r2 = FALSE;
      VkFinding *f;

      if (!t->signoff || t->contest != c->ci)
        continue;
      if (t->n_signers < 2)
        {
          f = vk_finding_add (c->findings, 18, VK_SEVERITY_BLOCKING, a->number,
                              g_strdup_printf ("Område %u %s, %s: underskrevet af %u (mindst to skal underskrive).",
                                               a->number, area_label (a), kind_da (c, t->kind), t->n_signers),
                              g_strdup_printf ("Area %u %s, %s: signed by %u (at least two must sign).", a->number,
                                               area_label (a), kind_en (c, t->kind), t->n_signers));
          vk_finding_add_evidence (f, t->device, t->seq);
        }
      for (guint j = 0; j < a->tallies->len; j++)
        {
          const Tally *u = &g_array_index (a->tallies, Tally, j);
          if (u->signoff || u->kind != t->kind || u->contest != t->contest || !vk_cbor_equal (u->counts, t->counts))
            continue;
          r1 |= u->round == 1;
          r2 |= u->round == 2;
        }
      if (r1 && r2)
        continue;
      f = vk_finding_add (c->findings, 19, VK_SEVERITY_WARNING, a->number,
                          g_strdup_printf ("Område %u %s, %s: de underskrevne tal svarer ikke til to ens indtastninger "
                                           "(runde 1 og 2).",
                                           a->number, area_label (a), kind_da (c, t->kind)),
                          g_strdup_printf ("Area %u %s, %s: the signed counts do not match two equal entries (rounds 1 "
                                           "and 2).",
                                           a->number, area_label (a), kind_en (c, t->kind)));
      vk_finding_add_evidence (f, t->device, t->seq);
    }
}

/* D20: a count was signed off, then signed off again with other numbers.
 * The fold uses the latest sign-off, so a station (or whoever holds its
 * key) could otherwise change a signed result without anyone noticing;
 * valgkit's own station refuses a second sign-off. */
static void
rule_d20 (RuleCtx *c, FoldArea *a)
{
  for (guint k = 0; k < 2; k++)
    {
      const Tally *first = NULL;

      for (guint i = 0; i < a->tallies->len; i++)
        {
          const Tally *t = &g_array_index (a->tallies, Tally, i);
          VkFinding *f;

          if (!t->signoff || t->kind != (VkResultKind)k || t->contest != c->ci)
            continue;
          if (first == NULL)
            {
              first = t;
              continue;
            }
          if (vk_cbor_equal (first->counts, t->counts))
            continue;
          f = vk_finding_add (c->findings, 20, VK_SEVERITY_BLOCKING, a->number,
                              g_strdup_printf ("Område %u %s, %s: optællingen blev underskrevet igen med andre tal "
                                               "(%s#%" G_GUINT64_FORMAT " efter %s#%" G_GUINT64_FORMAT ").",
                                               a->number, area_label (a), kind_da (c, t->kind), t->device, t->seq,
                                               first->device, first->seq),
                              g_strdup_printf ("Area %u %s, %s: the count was signed off again with other numbers "
                                               "(%s#%" G_GUINT64_FORMAT " after %s#%" G_GUINT64_FORMAT ").",
                                               a->number, area_label (a), kind_en (c, t->kind), t->device, t->seq,
                                               first->device, first->seq));
          vk_finding_add_evidence (f, first->device, first->seq);
          vk_finding_add_evidence (f, t->device, t->seq);
          break;
        }
    }
}

static gint
compare_findings (gconstpointer pa, gconstpointer pb)
{
  const VkFinding *a = *(const VkFinding *const *)pa, *b = *(const VkFinding *const *)pb;

  if (a->rule != b->rule)
    return a->rule < b->rule ? -1 : 1;
  if (a->area != b->area)
    return a->area < b->area ? -1 : 1;
  return 0;
}

GPtrArray *
vk_rules_run (VkFold *fold, const VkRulesConfig *config)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_finding_free);
  VkRulesConfig defaults;
  RuleCtx c;

  g_return_val_if_fail (fold != NULL, findings);
  if (config == NULL)
    {
      vk_rules_config_init (&defaults, fold->election);
      config = &defaults;
    }
  memset (&c, 0, sizeof c);
  c.fold = fold;
  c.config = config;
  c.findings = findings;
  rule_ctx_set_contest (&c, 0);

  rule_d01_d03 (&c);
  rule_d02 (&c);
  rule_d21 (&c);
  rule_d10 (&c);
  for (guint i = 0; i < fold->election->areas->len; i++)
    {
      const VkArea *va = g_ptr_array_index (fold->election->areas, i);
      FoldArea *a = g_hash_table_lookup (fold->areas, GUINT_TO_POINTER (va->number));
      g_autoptr (GHashTable) accepted = NULL;

      vk_fold_area_resolve (fold, a, findings); /* D14 */
      accepted = vk_fold_area_accepted_voters (a);
      rule_d04 (&c, a);
      rule_d22 (&c, a);
      rule_d05 (&c, a, accepted);
      rule_d06 (&c, a);
      rule_d09 (&c, a);
      rule_d11 (&c, a);
      rule_d13 (&c, a, accepted);
      rule_d15 (&c, a, accepted);
      rule_d16 (&c, a);
      rule_d17 (&c, a);
      /* The count rules, per contest: a sign-off of one contest does not
       * sign off another, and each finding names its contest. */
      for (guint ci = 0; ci < vk_election_get_n_contests (fold->election); ci++)
        {
          guint first = findings->len;

          rule_ctx_set_contest (&c, ci);
          rule_d07 (&c, a, accepted);
          rule_d08_d12 (&c, a);
          rule_d09_counts (&c, a);
          rule_d18_d19 (&c, a);
          rule_d20 (&c, a);
          for (guint k = first; vk_election_get_n_contests (fold->election) > 1 && k < findings->len; k++)
            ((VkFinding *)g_ptr_array_index (findings, k))->contest = vk_election_contest_id (c.contest);
        }
      rule_ctx_set_contest (&c, 0);
    }
  /* g_ptr_array_sort() is a stable sort (g_qsort_with_data since GLib
   * 2.32): findings of one rule and area keep the order they were found. */
  g_ptr_array_sort (findings, compare_findings);
  for (guint k = 0; k < 2; k++)
    {
      g_free (c.kind_da[k]);
      g_free (c.kind_en[k]);
    }
  return findings;
}
