/* test-rules.c: the discrepancy rules, each triggered and not.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every test builds a clean municipality (four areas, each with a
 * valgbord that checks in six voters and accepts five brevstemmer, a
 * foreløbig count and a fintælling that agree) and changes one thing.
 * The clean one must raise nothing at all.
 */
#include <glib.h>
#include <string.h>

#include "vk-brevstemme-window.h"
#include "vk-error.h"
#include "vk-net.h"
#include "vk-rules.h"
#include "vk-test-journals.h"

#define MIN_MS (G_GUINT64_CONSTANT (60) * 1000)
#define DAY_MS (G_GUINT64_CONSTANT (24) * 3600 * 1000)

typedef struct
{
  gboolean double_checkin; /* D04: a second table checks in voter 3 of area 1 again */
  gboolean undo_double;    /* ... and undoes it (no D04) */
  gboolean checkin_brev;   /* D05: area 1 voter 10 (accepted brevstemme) checked in */
  gboolean two_brev;       /* D06: a second, later brevstemme from area 1 voter 10 */
  int d07;                 /* 1: area 1 cast one more, no explanation; 2: with explanation */
  gint64 d08_shift;        /* votes moved from the last list to the first at the fintælling of area 1 */
  gboolean no_area4;       /* D09: area 4 delivers nothing */
  gboolean early_entry;    /* D10: bord-1 opens three days before election day */
  gboolean clock_ahead;    /* D10: the server receipts bord-2's entry 10 minutes before its time */
  gboolean unknown_voter;  /* D11: a check-in of løbenummer 999 */
  gboolean bad_arithmetic; /* D12: area 3's valid ≠ Σ lists */
  gboolean late_brev;      /* D13: one of area 2's brevstemmer cast the day before election day */
  gboolean bogus_undo;     /* D14: undo of an entry that is not a check-in */
  gboolean few_brev;       /* D15: area 2 has three brevstemmer */
  gboolean after_close;    /* D16: check-in after poll.close */
  gboolean undecided;      /* D17: a brevstemme in area 3 without a decision */
  gboolean one_signer;     /* D18 */
  gboolean no_rounds;      /* D19: area 4 signed without tally rounds */
  gboolean resigned;       /* D20: area 2 signed again with other numbers */
  gboolean role_violation; /* D03: a hjemmebesoeg device writes a tally */
} Scenario;

typedef struct
{
  VkTestElection *te;
  VkFold *fold;
  GPtrArray *findings;
  guint64 fork_seq;
} Run;

static void
run_clear (Run *r)
{
  g_clear_pointer (&r->findings, g_ptr_array_unref);
  g_clear_pointer (&r->fold, vk_fold_free);
  g_clear_pointer (&r->te, vk_test_election_free);
}

static void
fold_journal (Run *r, const char *id)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_test_journal (r->te, id), 0, &error);

  g_assert_no_error (error);
  g_assert_true (vk_journal_verify (entries, vk_package_get_election_id (r->te->package), vk_package_device_lookup,
                                    r->te->package, VK_VERIFY_DEFAULT, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    vk_fold_add_entry (r->fold, g_ptr_array_index (entries, i));
}

static void
build (Run *r, const Scenario *s)
{
  VkTestElection *te;
  g_autoptr (GError) error = NULL;
  guint64 t = 0;
  guint areas = 4;
  GPtrArray *envs[5] = { NULL };
  VkRulesConfig config;
  g_autoptr (GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  memset (r, 0, sizeof *r);
  te = r->te = vk_test_election_new (40);
  for (guint a = 1; a <= areas; a++)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", a);
      vk_test_add_device (te, id, "valgbord", a);
    }
  vk_test_add_device (te, "bord-1b", "valgbord", 1);
  vk_test_add_device (te, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA);
  vk_test_add_device (te, "hjem-1", "hjemmebesoeg", VK_PACKAGE_NO_AREA);
  vk_test_add_device (te, "fin-1", "fintaelling", VK_PACKAGE_NO_AREA);
  vk_test_add_device (te, "server-1", "server", VK_PACKAGE_NO_AREA);

  /* Brevstemmer, two weeks before. */
  t = te->t0 - 14 * DAY_MS;
  vk_test_open (te, "brev-1", t);
  for (guint a = 1; a <= areas; a++)
    {
      guint n = (s->few_brev && a == 2) ? 3 : 5;

      envs[a] = g_ptr_array_new_with_free_func (g_free);
      if (s->no_area4 && a == 4)
        continue;
      for (guint lnr = 10; lnr < 10 + n; lnr++)
        {
          char *env = NULL;
          guint64 cast = (s->late_brev && a == 2 && lnr == 10) ? te->t0 - DAY_MS : t;

          vk_test_brev (te, "brev-1", t, a, lnr, cast, &env);
          g_ptr_array_add (envs[a], env);
        }
    }
  if (s->two_brev)
    {
      char *env = NULL;
      vk_test_brev (te, "brev-1", t + DAY_MS, 1, 10, t + DAY_MS, &env);
      g_ptr_array_add (envs[1], env);
    }

  for (guint a = 1; a <= areas; a++)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", a);
      guint64 marked = 0;
      guint64 close_seq;

      if (s->no_area4 && a == 4)
        continue;
      t = te->t0 - 4 * 3600 * 1000;
      vk_test_open (te, id, (s->early_entry && a == 1) ? te->t0 - 3 * DAY_MS : t);
      for (guint lnr = 1; lnr <= 6; lnr++)
        {
          guint64 seq = vk_test_checkin (te, id, t + lnr * MIN_MS, a, lnr);
          marked++;
          if (s->bogus_undo && a == 3 && lnr == 6)
            vk_test_undo (te, id, t + 7 * MIN_MS, id, 1, a, 6); /* entry 1 is device.open */
          (void)seq;
        }
      for (guint i = 0; i < envs[a]->len; i++)
        {
          const char *env = g_ptr_array_index (envs[a], i);
          guint lnr = 10 + (i < 5 ? i : 0);

          if (s->two_brev && a == 1 && i == 0)
            {
              /* The earlier one is rejected (reason 7), the later accepted below. */
              vk_test_decision (te, id, t + 8 * MIN_MS, env, a, lnr, FALSE);
              continue;
            }
          if (s->undecided && a == 3 && i == 0)
            continue;
          vk_test_decision (te, id, t + 8 * MIN_MS, env, a, lnr, TRUE);
        }
      if (!(s->undecided && a == 3))
        marked += envs[a]->len - (s->two_brev && a == 1 ? 1 : 0);
      else
        marked += envs[a]->len - 1;
      if (a == 1 && s->double_checkin)
        {
          guint64 seq;
          vk_test_open (te, "bord-1b", t);
          seq = vk_test_checkin (te, "bord-1b", t + 9 * MIN_MS, 1, 3);
          if (s->undo_double)
            vk_test_undo (te, "bord-1b", t + 10 * MIN_MS, "bord-1b", seq, 1, 3);
          else
            marked++;
        }
      if (a == 1 && s->checkin_brev)
        {
          vk_test_checkin (te, id, t + 11 * MIN_MS, 1, 10);
          marked++;
        }
      if (a == 2 && s->unknown_voter)
        {
          vk_test_checkin (te, id, t + 11 * MIN_MS, 2, 999);
          marked++;
        }
      close_seq = vk_test_close (te, id, te->t0 + 8 * 3600 * 1000, a);
      (void)close_seq;
      if (a == 3 && s->after_close)
        {
          vk_test_checkin (te, id, te->t0 + 8 * 3600 * 1000 + MIN_MS, 3, 20);
          marked++;
        }
      {
        guint64 cast = marked + (a == 1 && s->d07 != 0 ? 1 : 0);
        VkCbor *counts = vk_test_counts (te, cast, 0);
        const char *expl = a == 1 && s->d07 == 2 ? "En vælger gik med stemmesedlen og kom tilbage." : NULL;

        if (a == 3 && s->bad_arithmetic)
          vk_cbor_map_set_uint (counts, "valid", cast - 3);
        vk_test_signoff (te, id, te->t0 + 9 * 3600 * 1000, "foreloebig", a, counts, expl,
                         s->one_signer && a == 2 ? 1 : 2, !(s->no_rounds && a == 4));
        if (a == 2 && s->resigned)
          {
            /* The same numbers signed twice are no finding; other numbers are. */
            vk_test_signoff (te, id, te->t0 + 9 * 3600 * 1000 + MIN_MS, "foreloebig", a, vk_test_counts (te, cast, 0),
                             expl, 2, FALSE);
            vk_test_signoff (te, id, te->t0 + 9 * 3600 * 1000 + 2 * MIN_MS, "foreloebig", a,
                             vk_test_counts (te, cast, 5), expl, 2, FALSE);
          }
        /* The fintælling, the next day, agrees unless told otherwise. */
        if (!vk_journal_get_head_seq (vk_test_journal (te, "fin-1")))
          vk_test_open (te, "fin-1", te->t0 + DAY_MS);
        {
          VkCbor *fc = vk_test_counts (te, cast, 0);
          if (a == 1 && s->d08_shift != 0)
            {
              g_autoptr (VkCbor) lists = vk_cbor_ref (vk_cbor_map_lookup_text (fc, "lists"));
              const VkList *l1 = g_ptr_array_index (te->election->lists, 0);
              const VkList *l2 = g_ptr_array_index (te->election->lists, te->election->lists->len - 1);
              guint64 v1 = vk_cbor_get_uint (vk_cbor_map_lookup_text (lists, l1->id));
              guint64 v2 = vk_cbor_get_uint (vk_cbor_map_lookup_text (lists, l2->id));

              vk_cbor_map_set_uint (lists, l1->id, v1 + (guint64)s->d08_shift);
              vk_cbor_map_set_uint (lists, l2->id, v2 - (guint64)s->d08_shift);
            }
          if (a == 3 && s->bad_arithmetic)
            vk_cbor_map_set_uint (fc, "valid", cast - 3);
          vk_test_signoff (te, "fin-1", te->t0 + DAY_MS + a * MIN_MS, "fintaelling", a, fc, expl, 2, TRUE);
        }
      }
      g_ptr_array_add (ids, g_strdup (id));
    }
  if (s->role_violation)
    {
      vk_test_open (te, "hjem-1", te->t0 - DAY_MS);
      vk_test_signoff (te, "hjem-1", te->t0 - DAY_MS, "foreloebig", 1, vk_test_counts (te, 20, 0), NULL, 2, FALSE);
      g_ptr_array_add (ids, g_strdup ("hjem-1"));
    }
  if (s->clock_ahead)
    {
      g_autoptr (VkEntry) e = NULL;
      g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_test_journal (te, "bord-2"), 1, &error);
      const VkEntry *second = g_ptr_array_index (entries, 0);
      VkCbor *b = vk_cbor_new_map ();

      vk_cbor_map_set_text (b, "device", "bord-2");
      vk_cbor_map_set_uint (b, "seq", second->seq);
      vk_cbor_map_set_bytes (b, "head", second->hash, VK_HASH_BYTES);
      vk_test_open (te, "server-1", second->time_ms - 11 * MIN_MS);
      vk_test_append (te, "server-1", second->time_ms - 10 * MIN_MS, "receipt", b);
      g_ptr_array_add (ids, g_strdup ("server-1"));
    }

  r->fold = vk_fold_new (te->package, &error);
  g_assert_no_error (error);
  fold_journal (r, "brev-1");
  fold_journal (r, "fin-1");
  if (s->double_checkin)
    fold_journal (r, "bord-1b");
  for (guint i = 0; i < ids->len; i++)
    fold_journal (r, g_ptr_array_index (ids, i));

  vk_rules_config_init (&config, te->election);
  config.expect_fintaelling = TRUE;
  r->findings = vk_rules_run (r->fold, &config);
  for (guint a = 1; a <= areas; a++)
    g_clear_pointer (&envs[a], g_ptr_array_unref);
}

/* The findings of one rule. */
static GPtrArray *
of_rule (Run *r, guint rule)
{
  GPtrArray *out = g_ptr_array_new ();

  for (guint i = 0; i < r->findings->len; i++)
    {
      VkFinding *f = g_ptr_array_index (r->findings, i);
      if (f->rule == rule)
        g_ptr_array_add (out, f);
    }
  return out;
}

static gboolean
has_evidence (const VkFinding *f, const char *device, guint64 seq)
{
  for (guint i = 0; i < f->evidence->len; i++)
    {
      const VkEvidence *e = g_ptr_array_index (f->evidence, i);
      if (strcmp (e->device_id, device) == 0 && e->seq == seq)
        return TRUE;
    }
  return FALSE;
}

static void
print_findings (Run *r)
{
  for (guint i = 0; i < r->findings->len; i++)
    {
      g_autofree char *json = vk_finding_to_json (g_ptr_array_index (r->findings, i));
      g_test_message ("%s", json);
    }
}

static void
test_clean (void)
{
  Scenario s = { 0 };
  Run r;

  build (&r, &s);
  print_findings (&r);
  g_assert_cmpuint (r.findings->len, ==, 0);
  g_assert_cmpint (vk_findings_worst (r.findings), ==, -1);
  run_clear (&r);
}

static VkFinding *
expect_one (Run *r, guint rule, VkSeverity severity, guint area)
{
  g_autoptr (GPtrArray) f = of_rule (r, rule);

  if (f->len != 1)
    print_findings (r);
  g_assert_cmpuint (f->len, ==, 1);
  g_assert_cmpint (((VkFinding *)f->pdata[0])->severity, ==, severity);
  g_assert_cmpuint (((VkFinding *)f->pdata[0])->area, ==, area);
  g_assert_true (g_utf8_validate (((VkFinding *)f->pdata[0])->message_da, -1, NULL));
  g_assert_cmpstr (((VkFinding *)f->pdata[0])->message_da, !=, ((VkFinding *)f->pdata[0])->message_en);
  return f->pdata[0];
}

static void
expect_none (Run *r, guint rule)
{
  g_autoptr (GPtrArray) f = of_rule (r, rule);

  if (f->len != 0)
    print_findings (r);
  g_assert_cmpuint (f->len, ==, 0);
}

static void
test_d01_d02_d03 (void)
{
  Scenario s = { .role_violation = TRUE };
  Run r;
  VkFinding *f;
  g_autoptr (GError) error = NULL;

  build (&r, &s);
  /* D03 from the fold: the hjemmebesoeg device's tally (its seq 3: open, tally.signoff is 2). */
  f = expect_one (&r, 3, VK_SEVERITY_BLOCKING, 0);
  g_assert_true (has_evidence (f, "hjem-1", 2));
  g_assert_nonnull (strstr (f->message_en, "hjemmebesoeg"));
  expect_none (&r, 1);
  expect_none (&r, 2);

  /* D01 and D03 from refusals, D02 from fork evidence. */
  vk_fold_add_refusal (r.fold, VK_REFUSAL_INTEGRITY, "bord-2", 7, "bord-2.vkj", "signature does not verify");
  vk_fold_add_refusal (r.fold, VK_REFUSAL_ENROLMENT, "stranger", 1, "POST", "device stranger is not enrolled");
  vk_fold_add_fork (r.fold, "bord-3", 4);
  g_ptr_array_unref (r.findings);
  r.findings = vk_rules_run (r.fold, NULL);
  f = expect_one (&r, 1, VK_SEVERITY_BLOCKING, 0);
  g_assert_true (has_evidence (f, "bord-2", 7));
  f = expect_one (&r, 2, VK_SEVERITY_BLOCKING, 0);
  g_assert_true (has_evidence (f, "bord-3", 4));
  {
    g_autoptr (GPtrArray) d03 = of_rule (&r, 3);
    g_assert_cmpuint (d03->len, ==, 2);
  }

  /* A fork found by folding two versions of the same device's entry. */
  {
    g_autofree char *path = g_build_filename (r.te->dir, "bord-4-other.db", NULL);
    g_autoptr (VkJournal) other = vk_journal_open (path, vk_package_get_election_id (r.te->package), "bord-4", &error);
    g_autoptr (VkCbor) b = vk_cbor_new_map ();
    g_autoptr (VkEntry) e = NULL;

    g_assert_no_error (error);
    vk_cbor_map_set_text (b, "role", "valgbord");
    vk_cbor_map_set_uint (b, "area", 4);
    vk_cbor_map_set_text (b, "software", "a different build");
    e = vk_journal_append_at (other, vk_test_get_key (r.te, "bord-4"), r.te->t0, "device.open", b, &error);
    g_assert_no_error (error);
    vk_fold_add_entry (r.fold, e);
    vk_fold_add_entry (r.fold, e); /* a repeat is not another fork */
    g_ptr_array_unref (r.findings);
    r.findings = vk_rules_run (r.fold, NULL);
    {
      g_autoptr (GPtrArray) d02 = of_rule (&r, 2);
      g_assert_cmpuint (d02->len, ==, 2);
      g_assert_true (has_evidence (d02->pdata[1], "bord-4", 1));
    }
  }
  run_clear (&r);
}

static void
test_d04 (void)
{
  Scenario s = { .double_checkin = TRUE };
  Scenario s2 = { .double_checkin = TRUE, .undo_double = TRUE };
  Run r;
  VkFinding *f;

  build (&r, &s);
  f = expect_one (&r, 4, VK_SEVERITY_BLOCKING, 1);
  g_assert_true (has_evidence (f, "bord-1", 4)); /* open, check-ins 1, 2, 3 → seq 4 */
  g_assert_true (has_evidence (f, "bord-1b", 2));
  expect_none (&r, 7); /* the count includes the second ballot */
  run_clear (&r);

  build (&r, &s2);
  expect_none (&r, 4);
  expect_none (&r, 14);
  g_assert_cmpuint (r.findings->len, ==, 0);
  run_clear (&r);
}

static void
test_d05 (void)
{
  Scenario s = { .checkin_brev = TRUE };
  Run r;
  VkFinding *f;

  build (&r, &s);
  f = expect_one (&r, 5, VK_SEVERITY_BLOCKING, 1);
  g_assert_cmpuint (f->evidence->len, ==, 2);
  g_assert_true (has_evidence (f, "bord-1", 13)); /* open + 6 check-ins + 5 decisions + this */
  run_clear (&r);
}

static void
test_d06 (void)
{
  Scenario s = { .two_brev = TRUE };
  Run r;
  VkFinding *f;
  const VkEvidence *latest;

  build (&r, &s);
  f = expect_one (&r, 6, VK_SEVERITY_WARNING, 1);
  g_assert_cmpuint (f->evidence->len, ==, 2);
  /* The latest cast one comes first and is named. */
  latest = g_ptr_array_index (f->evidence, 0);
  g_assert_cmpstr (latest->device_id, ==, "brev-1");
  g_assert_cmpuint (latest->seq, ==, vk_journal_get_head_seq (vk_test_journal (r.te, "brev-1")));
  g_assert_nonnull (strstr (f->message_en, "latest"));
  expect_none (&r, 5);
  expect_none (&r, 7);
  run_clear (&r);
}

static void
test_d07 (void)
{
  Scenario s1 = { .d07 = 1 }, s2 = { .d07 = 2 };
  Run r;
  VkFinding *f;
  g_autoptr (GPtrArray) d07 = NULL;

  build (&r, &s1);
  d07 = of_rule (&r, 7);
  g_assert_cmpuint (d07->len, ==, 2); /* foreløbig and fintælling */
  f = d07->pdata[0];
  g_assert_cmpint (f->severity, ==, VK_SEVERITY_BLOCKING);
  g_assert_nonnull (strstr (f->message_en, "12 ballots cast but 11 marked"));
  g_assert_true (has_evidence (f, "bord-1", vk_journal_get_head_seq (vk_test_journal (r.te, "bord-1"))));
  g_clear_pointer (&d07, g_ptr_array_unref);
  run_clear (&r);

  build (&r, &s2);
  d07 = of_rule (&r, 7);
  g_assert_cmpuint (d07->len, ==, 2);
  f = d07->pdata[0];
  g_assert_cmpint (f->severity, ==, VK_SEVERITY_WARNING);
  g_assert_nonnull (strstr (f->message_da, "kom tilbage"));
  run_clear (&r);
}

static void
test_d08 (void)
{
  Scenario small = { .d08_shift = 1 }, big = { .d08_shift = 2 };
  Run r;
  g_autoptr (GPtrArray) d08 = NULL;
  VkRulesConfig config;

  build (&r, &small);
  d08 = of_rule (&r, 8);
  g_assert_cmpuint (d08->len, ==, 2); /* two lists changed, cast did not */
  g_assert_cmpint (((VkFinding *)d08->pdata[0])->severity, ==, VK_SEVERITY_INFO);
  g_assert_cmpuint (((VkFinding *)d08->pdata[0])->evidence->len, ==, 2);
  g_clear_pointer (&d08, g_ptr_array_unref);

  /* The threshold is configurable: 0 makes every difference a warning. */
  vk_rules_config_init (&config, r.te->election);
  config.d08_threshold = 0;
  g_ptr_array_unref (r.findings);
  r.findings = vk_rules_run (r.fold, &config);
  d08 = of_rule (&r, 8);
  g_assert_cmpint (((VkFinding *)d08->pdata[0])->severity, ==, VK_SEVERITY_WARNING);
  g_clear_pointer (&d08, g_ptr_array_unref);
  run_clear (&r);

  build (&r, &big);
  vk_rules_config_init (&config, r.te->election);
  config.d08_threshold = 1;
  g_ptr_array_unref (r.findings);
  r.findings = vk_rules_run (r.fold, &config);
  d08 = of_rule (&r, 8);
  g_assert_cmpuint (d08->len, ==, 2);
  g_assert_cmpint (((VkFinding *)d08->pdata[0])->severity, ==, VK_SEVERITY_WARNING);
  g_assert_nonnull (strstr (((VkFinding *)d08->pdata[0])->message_en, "difference +2"));
  run_clear (&r);
}

static void
test_d09 (void)
{
  Scenario s = { .no_area4 = TRUE };
  Run r;
  g_autoptr (GPtrArray) d09 = NULL;

  build (&r, &s);
  d09 = of_rule (&r, 9);
  g_assert_cmpuint (d09->len, ==, 3); /* no journal, no count, no fintælling */
  for (guint i = 0; i < d09->len; i++)
    g_assert_cmpuint (((VkFinding *)d09->pdata[i])->area, ==, 4);
  g_assert_cmpint (vk_findings_worst (r.findings), ==, VK_SEVERITY_BLOCKING);
  run_clear (&r);
}

static void
test_d10 (void)
{
  Scenario early = { .early_entry = TRUE }, clock = { .clock_ahead = TRUE };
  Run r;
  VkFinding *f;

  build (&r, &early);
  f = expect_one (&r, 10, VK_SEVERITY_WARNING, 1);
  g_assert_true (has_evidence (f, "bord-1", 1));
  run_clear (&r);

  build (&r, &clock);
  f = expect_one (&r, 10, VK_SEVERITY_WARNING, 2);
  g_assert_true (has_evidence (f, "bord-2", 2));
  g_assert_true (has_evidence (f, "server-1", 2));
  run_clear (&r);
}

static void
test_d11 (void)
{
  Scenario s = { .unknown_voter = TRUE };
  Run r;
  VkFinding *f;

  build (&r, &s);
  f = expect_one (&r, 11, VK_SEVERITY_BLOCKING, 2);
  g_assert_nonnull (strstr (f->message_en, "999"));
  run_clear (&r);
}

static void
test_d12 (void)
{
  Scenario s = { .bad_arithmetic = TRUE };
  Run r;
  g_autoptr (GPtrArray) d12 = NULL;

  build (&r, &s);
  d12 = of_rule (&r, 12);
  g_assert_cmpuint (d12->len, >=, 2);
  for (guint i = 0; i < d12->len; i++)
    {
      const VkFinding *f = d12->pdata[i];
      g_assert_cmpuint (f->area, ==, 3);
      g_assert_cmpint (f->severity, ==, VK_SEVERITY_BLOCKING);
    }
  run_clear (&r);
}

static void
test_d13 (void)
{
  Scenario s = { .late_brev = TRUE };
  Run r;
  VkFinding *f;
  VkRulesConfig config;

  build (&r, &s);
  /* Accepted anyway: blocking. */
  f = expect_one (&r, 13, VK_SEVERITY_BLOCKING, 2);
  g_assert_true (has_evidence (f, "brev-1", 7)); /* open + 5 of area 1 → area 2's first */
  /* A deadline moved after it raises nothing. */
  vk_rules_config_init (&config, r.te->election);
  config.brevstemme_deadline_ms = r.te->t0;
  g_ptr_array_unref (r.findings);
  r.findings = vk_rules_run (r.fold, &config);
  expect_none (&r, 13);
  run_clear (&r);
}

static void
test_d14 (void)
{
  Scenario s = { .bogus_undo = TRUE };
  Run r;
  VkFinding *f;

  build (&r, &s);
  f = expect_one (&r, 14, VK_SEVERITY_WARNING, 3);
  g_assert_true (has_evidence (f, "bord-3", 8));
  run_clear (&r);
}

static void
test_d15 (void)
{
  Scenario s = { .few_brev = TRUE };
  Run r;
  VkFinding *f;

  build (&r, &s);
  f = expect_one (&r, 15, VK_SEVERITY_WARNING, 2);
  g_assert_cmpuint (f->evidence->len, ==, 3);
  run_clear (&r);
}

static void
test_d16_to_d19 (void)
{
  Scenario s16 = { .after_close = TRUE }, s17 = { .undecided = TRUE }, s18 = { .one_signer = TRUE },
           s19 = { .no_rounds = TRUE }, s20 = { .resigned = TRUE };
  Run r;

  build (&r, &s16);
  expect_one (&r, 16, VK_SEVERITY_WARNING, 3);
  run_clear (&r);
  build (&r, &s17);
  expect_one (&r, 17, VK_SEVERITY_WARNING, 3);
  run_clear (&r);
  build (&r, &s18);
  expect_one (&r, 18, VK_SEVERITY_BLOCKING, 2);
  run_clear (&r);
  build (&r, &s19);
  expect_one (&r, 19, VK_SEVERITY_WARNING, 4);
  run_clear (&r);
  build (&r, &s20);
  expect_one (&r, 20, VK_SEVERITY_BLOCKING, 2);
  run_clear (&r);
}

static void
test_check_entry (void)
{
  g_autoptr (VkTestElection) te = vk_test_election_new (5);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  const VkDevice *bord, *brev;
  VkCbor *b;

  vk_test_add_device (te, "bord-1", "valgbord", 1);
  vk_test_add_device (te, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA);
  bord = vk_package_lookup_device (te->package, "bord-1");
  brev = vk_package_lookup_device (te->package, "brev-1");

  vk_test_checkin (te, "bord-1", te->t0, 2, 1);            /* another area */
  vk_test_brev (te, "bord-1", te->t0, 1, 1, te->t0, NULL); /* a brevstemme from a valgbord */
  b = vk_cbor_new_map ();
  vk_cbor_map_set_uint (b, "area", 1);
  vk_cbor_map_set_text (b, "loebenummer", "7"); /* mistyped */
  vk_cbor_map_set_text (b, "method", "scan");
  vk_test_append (te, "bord-1", te->t0, "checkin", b);
  vk_test_append (te, "bord-1", te->t0, "made.up", vk_cbor_new_map ());
  vk_test_checkin (te, "bord-1", te->t0, 1, 1); /* fine */
  vk_test_checkin (te, "bord-1", te->t0, 9, 1); /* not an area */
  entries = vk_journal_dup_entries (vk_test_journal (te, "bord-1"), 0, &error);
  g_assert_no_error (error);

  g_assert_false (vk_entry_schema_check (bord, te->election, entries->pdata[0], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA);
  g_assert_nonnull (strstr (error->message, "area"));
  g_clear_error (&error);
  g_assert_false (vk_entry_schema_check (bord, te->election, entries->pdata[1], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE);
  g_assert_nonnull (strstr (error->message, "brevstemme.received"));
  g_clear_error (&error);
  g_assert_true (vk_entry_schema_check (brev, te->election, entries->pdata[1], &error));
  g_assert_no_error (error);
  g_assert_false (vk_entry_schema_check (bord, te->election, entries->pdata[2], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_FIELD);
  g_assert_nonnull (strstr (error->message, "loebenummer"));
  g_clear_error (&error);
  g_assert_false (vk_entry_schema_check (bord, te->election, entries->pdata[3], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_UNKNOWN_TYPE);
  g_assert_nonnull (strstr (error->message, "made.up"));
  g_clear_error (&error);
  g_assert_true (vk_entry_schema_check (bord, te->election, entries->pdata[4], &error));
  g_assert_no_error (error);
  g_assert_false (vk_entry_schema_check (bord, te->election, entries->pdata[5], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_AREA);
  g_clear_error (&error);
}

/* Schema refusals keep the HTTP status and API code of the VK_ERROR codes
 * they replaced: enrolment 403 "not-enrolled", data 400 "malformed". */
static void
test_entry_error_http (void)
{
  static const struct
  {
    VkEntryError code;
    guint status;
    const char *api;
  } cases[] = {
    { VK_ENTRY_ERROR_FIELD, 400, "malformed" },      { VK_ENTRY_ERROR_UNKNOWN_TYPE, 400, "malformed" },
    { VK_ENTRY_ERROR_UNKNOWN_ID, 400, "malformed" }, { VK_ENTRY_ERROR_DECISION, 400, "malformed" },
    { VK_ENTRY_ERROR_ROLE, 403, "not-enrolled" },    { VK_ENTRY_ERROR_AREA, 403, "not-enrolled" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr (GError) e = g_error_new_literal (VK_ENTRY_ERROR, cases[i].code, "x");
      const char *api = NULL;

      g_assert_cmpuint (vk_net_http_status_for_error (e, &api), ==, cases[i].status);
      g_assert_cmpstr (api, ==, cases[i].api);
    }
}

static void
test_counts_to_result (void)
{
  g_autoptr (VkTestElection) te = vk_test_election_new (5);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCbor) counts = vk_test_counts (te, 30, 0);
  g_autoptr (VkAreaResult) r = NULL;
  g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);
  guint64 sum = 0;

  r = vk_rules_counts_to_result (te->election, VK_RESULT_FORELOEBIG, 2, counts, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (r->cast, ==, 30);
  g_assert_cmpuint (r->valid, ==, 28);
  g_assert_cmpuint (r->other_invalid, ==, 1);
  for (guint i = 0; i < r->lists->len; i++)
    sum += ((VkListResult *)r->lists->pdata[i])->votes;
  g_assert_cmpuint (sum, ==, 28);
  g_assert_cmpuint (vk_area_result_check (r, failures), ==, 0);
  g_clear_pointer (&r, vk_area_result_free);

  /* Wrong types and unknown ids are errors naming the key. */
  vk_cbor_map_set_text (counts, "cast", "30");
  r = vk_rules_counts_to_result (te->election, VK_RESULT_FORELOEBIG, 2, counts, &error);
  g_assert_null (r);
  g_assert_error (error, VK_ERROR, VK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "cast"));
  g_clear_error (&error);
  vk_cbor_map_set_uint (counts, "cast", 30);
  vk_cbor_map_set_uint (vk_cbor_map_lookup_text (counts, "lists"), "no-such-list", 1);
  r = vk_rules_counts_to_result (te->election, VK_RESULT_FORELOEBIG, 2, counts, &error);
  g_assert_null (r);
  g_assert_nonnull (strstr (error->message, "no-such-list"));
}

/* The default brevstemme deadline: the end of the third-last weekday
 * before election day; 2029-11-20 is a Tuesday, so Thursday the 15th. */
static void
test_config_defaults (void)
{
  g_autoptr (VkElection) e = vk_fake_election_new (1);
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) fri = g_date_time_new (tz, 2029, 11, 16, 0, 0, 0);
  g_autoptr (GDateTime) day = g_date_time_new (tz, 2029, 11, 20, 0, 0, 0);
  VkRulesConfig c;

  g_assert_cmpstr (e->date, ==, "2029-11-20");
  vk_rules_config_init (&c, e);
  g_assert_cmpuint (c.brevstemme_deadline_ms, ==, (guint64)g_date_time_to_unix (fri) * 1000);
  /* The brevstemme window opens three weeks before, as at the station
   * (one window: vk_brevstemme_window_for_election()). */
  {
    g_autoptr (GDateTime) open = g_date_time_new (tz, 2029, 10, 30, 0, 0, 0);
    guint64 first = 0, last = 0;

    g_assert_cmpuint (c.brevstemme_open_ms, ==, (guint64)g_date_time_to_unix (open) * 1000);
    g_assert_true (vk_brevstemme_window_for_election (e, &first, &last));
    g_assert_cmpuint (first, ==, c.brevstemme_open_ms);
    g_assert_cmpuint (last + 1, ==, c.brevstemme_deadline_ms);
  }
  /* A Thursday election day (a folkeafstemning): the third-last weekday
   * before it is the Monday. */
  {
    g_autoptr (VkElection) thu = vk_fake_election_new (1);
    g_autoptr (GDateTime) tue = g_date_time_new (tz, 2029, 11, 20, 0, 0, 0);
    guint64 first = 0, last = 0;

    g_free (thu->date);
    thu->date = g_strdup ("2029-11-22");
    g_assert_true (vk_brevstemme_window_for_election (thu, &first, &last));
    g_assert_cmpuint (last + 1, ==, (guint64)g_date_time_to_unix (tue) * 1000);
    g_free (thu->date);
    thu->date = NULL;
    g_assert_false (vk_brevstemme_window_for_election (thu, &first, &last));
    g_assert_cmpuint (first, ==, 0);
    g_assert_cmpuint (last, ==, G_MAXUINT64);
  }
  g_assert_cmpuint (c.window_start_ms, ==, (guint64)g_date_time_to_unix (day) * 1000);
  g_assert_cmpuint (c.window_end_ms - c.window_start_ms, ==, 7 * DAY_MS);
  g_assert_cmpuint (c.clock_tolerance_ms, ==, 5 * MIN_MS);
  g_assert_cmpuint (c.min_brevstemmer, ==, 5);
}

static void
test_catalogue (void)
{
  for (guint i = 1; i <= VK_RULES_COUNT; i++)
    {
      const VkRuleInfo *info = vk_rules_get_info (i);
      g_autofree char *code = g_strdup_printf ("D%02u", i);

      g_assert_nonnull (info);
      g_assert_cmpuint (info->number, ==, i);
      g_assert_cmpstr (info->code, ==, code);
      g_assert_cmpstr (info->title_da, !=, info->title_en);
    }
  g_assert_null (vk_rules_get_info (0));
  g_assert_null (vk_rules_get_info (VK_RULES_COUNT + 1));
}

/* Every role's wire name maps to its value and back; unknown names do not. */
static void
test_roles (void)
{
  static const char *const names[] = {
    "valgbord",   "brevstemmested", "hjemmebesoeg", "fintaelling",
    "optaelling", "server",         "valgstyrer",   "valgsekretariat",
  };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      VkDeviceRole role = vk_device_role_from_string (names[i]);

      g_assert_cmpint (role, !=, VK_ROLE_INVALID);
      g_assert_cmpstr (vk_device_role_to_string (role), ==, names[i]);
      g_assert_true (vk_device_role_is_valid (names[i]));
    }
  g_assert_cmpint (vk_device_role_from_string ("Valgbord"), ==, VK_ROLE_INVALID);
  g_assert_cmpint (vk_device_role_from_string ("election"), ==, VK_ROLE_INVALID);
  g_assert_cmpint (vk_device_role_from_string (NULL), ==, VK_ROLE_INVALID);
  g_assert_null (vk_device_role_to_string (VK_ROLE_INVALID));
  g_assert_true (vk_device_role_takes_brevstemmer (VK_ROLE_BREVSTEMMESTED));
  g_assert_true (vk_device_role_takes_brevstemmer (VK_ROLE_HJEMMEBESOEG));
  g_assert_false (vk_device_role_takes_brevstemmer (VK_ROLE_VALGBORD));
  g_assert_true (vk_device_role_needs_area (VK_ROLE_VALGBORD));
  g_assert_false (vk_device_role_needs_area (VK_ROLE_BREVSTEMMESTED));
  g_assert_false (vk_device_role_needs_area (VK_ROLE_FINTAELLING));
  /* The home-visit register's writer: a journal, no area, no brevstemmer. */
  g_assert_true (vk_device_role_writes_journal (VK_ROLE_VALGSEKRETARIAT));
  g_assert_false (vk_device_role_needs_area (VK_ROLE_VALGSEKRETARIAT));
  g_assert_false (vk_device_role_takes_brevstemmer (VK_ROLE_VALGSEKRETARIAT));
}

/* A ballot.decision: the schema refuses one naming a list or candidate
 * the election lacks; vk_entry_schema_check_decision() one without its
 * ballot.doubtful or deciding more ballots than were set aside; the fold
 * refuses both kinds (D03) and counts only the good decisions. */
static void
test_doubtful_decision (void)
{
  g_autoptr (VkTestElection) te = vk_test_election_new (5);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (VkFold) fold = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  const VkList *list = g_ptr_array_index (te->election->lists, 0);
  const VkCandidate *cand = g_ptr_array_index (list->candidates, 0);
  const VkDevice *fin;
  VkDoubtfulHeld held = { 1, 3, 0 };
  guint64 ref, seq_unknown_list, seq_unknown_cand, seq_ok, seq_too_many, seq_no_ref;
  guint n_d03 = 0;
  VkCbor *b;

  vk_test_add_device (te, "fin-1", "fintaelling", VK_PACKAGE_NO_AREA);
  fin = vk_package_lookup_device (te->package, "fin-1");
  b = vk_cbor_new_map ();
  vk_cbor_map_set_uint (b, "area", 1);
  vk_cbor_map_set_uint (b, "count", 3);
  vk_cbor_map_set_text (b, "note", "Kryds mellem to felter");
  ref = vk_test_append (te, "fin-1", te->t0, "ballot.doubtful", b);
  seq_unknown_list = vk_test_append (te, "fin-1", te->t0, "ballot.decision",
                                     vk_test_doubt_decision_body (1, ref, 1, "list", "9999", 5));
  seq_unknown_cand = vk_test_append (te, "fin-1", te->t0, "ballot.decision",
                                     vk_test_doubt_decision_body (1, ref, 1, "candidate", "9999", 5));
  seq_ok = vk_test_append (te, "fin-1", te->t0, "ballot.decision",
                           vk_test_doubt_decision_body (1, ref, 2, "candidate", cand->id, 5));
  seq_too_many = vk_test_append (te, "fin-1", te->t0, "ballot.decision",
                                 vk_test_doubt_decision_body (1, ref, 2, "list", list->id, 5));
  seq_no_ref = vk_test_append (te, "fin-1", te->t0, "ballot.decision",
                               vk_test_doubt_decision_body (1, seq_ok, 1, "invalid", NULL, 5));
  entries = vk_journal_dup_entries (vk_test_journal (te, "fin-1"), 0, &error);
  g_assert_no_error (error);

  /* The schema: ids must be the election's. */
  g_assert_false (vk_entry_schema_check (fin, te->election, entries->pdata[seq_unknown_list - 1], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_UNKNOWN_ID);
  g_assert_nonnull (strstr (error->message, "9999"));
  g_clear_error (&error);
  g_assert_false (vk_entry_schema_check (fin, te->election, entries->pdata[seq_unknown_cand - 1], &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_UNKNOWN_ID);
  g_clear_error (&error);
  g_assert_true (vk_entry_schema_check (fin, te->election, entries->pdata[seq_too_many - 1], &error));
  g_assert_no_error (error);

  /* The state: what was set aside. */
  g_assert_true (vk_entry_schema_check_decision (NULL, entries->pdata[seq_ok - 1], &held, &error));
  g_assert_no_error (error);
  held.decided = 2;
  g_assert_false (vk_entry_schema_check_decision (NULL, entries->pdata[seq_too_many - 1], &held, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_DECISION);
  g_clear_error (&error);
  held.area = 2;
  g_assert_false (vk_entry_schema_check_decision (NULL, entries->pdata[seq_ok - 1], &held, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_DECISION);
  g_clear_error (&error);
  g_assert_false (vk_entry_schema_check_decision (NULL, entries->pdata[seq_no_ref - 1], NULL, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_DECISION);
  g_clear_error (&error);

  /* The fold: four refused, one counted. */
  fold = vk_fold_new (te->package, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < entries->len; i++)
    vk_fold_add_entry (fold, entries->pdata[i]);
  findings = vk_rules_run (fold, NULL);
  for (guint i = 0; i < findings->len; i++)
    {
      const VkFinding *f = findings->pdata[i];
      const VkEvidence *ev;

      if (f->rule != 3)
        continue;
      g_assert_cmpuint (f->evidence->len, >, 0);
      ev = f->evidence->pdata[0];
      g_assert_true (ev->seq == seq_unknown_list || ev->seq == seq_unknown_cand || ev->seq == seq_too_many
                     || ev->seq == seq_no_ref);
      n_d03++;
    }
  g_assert_cmpuint (n_d03, ==, 4);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_assert_true (vk_crypto_init (NULL));

  g_test_add_func ("/rules/catalogue", test_catalogue);
  g_test_add_func ("/rules/roles", test_roles);
  g_test_add_func ("/rules/config-defaults", test_config_defaults);
  g_test_add_func ("/rules/check-entry", test_check_entry);
  g_test_add_func ("/rules/entry-error-http", test_entry_error_http);
  g_test_add_func ("/rules/doubtful-decision", test_doubtful_decision);
  g_test_add_func ("/rules/counts-to-result", test_counts_to_result);
  g_test_add_func ("/rules/clean", test_clean);
  g_test_add_func ("/rules/d01-d02-d03", test_d01_d02_d03);
  g_test_add_func ("/rules/d04", test_d04);
  g_test_add_func ("/rules/d05", test_d05);
  g_test_add_func ("/rules/d06", test_d06);
  g_test_add_func ("/rules/d07", test_d07);
  g_test_add_func ("/rules/d08", test_d08);
  g_test_add_func ("/rules/d09", test_d09);
  g_test_add_func ("/rules/d10", test_d10);
  g_test_add_func ("/rules/d11", test_d11);
  g_test_add_func ("/rules/d12", test_d12);
  g_test_add_func ("/rules/d13", test_d13);
  g_test_add_func ("/rules/d14", test_d14);
  g_test_add_func ("/rules/d15", test_d15);
  g_test_add_func ("/rules/d16-d19", test_d16_to_d19);
  return g_test_run ();
}
