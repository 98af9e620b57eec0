/* bench-national.c: a synthetic national election, ingested and audited.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * At --scale 1: 1,314 areas, 3,653 voters each (4.8 million) and 2,511
 * check-ins each (3.3 million), one valgbord per area, each with its
 * device.open, poll.close, foreløbig tally (two rounds) and sign-off.  A
 * smaller scale keeps voters and check-ins per area and takes fewer areas,
 * so that the times grow linearly with the scale.
 *
 * Each phase runs in its own child process, so that its wall time, CPU
 * time and peak RSS (wait4's rusage) are its own:
 *   package   synthetic voters, the signed election package, enrolments;
 *   generate  every valgbord's journal, signed in memory on every core
 *             (vk_cose, J2/J3 bytes exactly as vk_journal_append() makes
 *             them) and written as CBOR-sequence files WITHOUT an fsync
 *             per entry (a real station pays that; bench-journal measures
 *             it);
 *   ingest    the count server: vk_count_open, then every journal pushed
 *             to vk_count_ingest() in batches of --batch entries, from
 *             --pushers threads, by default two per core (each takes the
 *             next device's journal and pushes it in order: the concurrent
 *             pushes of 1,314 stations `valgkit serve` gets; two per core
 *             keep one batch verifying while another holds the engine's
 *             lock or waits for its flush), every signature verified;
 *             then the rules, the results and the seat allocation;
 *   audit     from the files alone: the package re-verified on open, every
 *             journal parsed and EVERY signature verified
 *             (VK_VERIFY_PARALLEL, on every core), the server's own journal
 *             too, everything folded, the rules run, every area result and
 *             the seats recomputed and compared with the count server's.
 *
 * Usage: bench-national [--scale S] [--dir DIR] [--keep] [--threads N] [--pushers N] [--batch N]
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vk-bench.h"
#include "vk-count.h"
#include "vk-rules.h"
#include "vk-seats.h"

#define BENCH "bench-national"
#define FULL_AREAS 1314
#define VOTERS_PER_AREA 3653   /* 1,314 × 3,653 = 4,800,042 */
#define CHECKINS_PER_AREA 2511 /* 1,314 × 2,511 = 3,299,454 */

static double opt_scale = 1.0;
static char *opt_dir = NULL;
static gboolean opt_keep = FALSE;
static char *opt_only = NULL;
static gint opt_threads = 0;
static gint opt_batch = 500;

static guint n_areas;
static guint n_threads;
static guint n_pushers;
static gint opt_pushers = 0;

/* What the ingest (0) and the audit (1) phases measured, for the parent's
 * account of their total: shared memory, since each runs in a child. */
typedef struct
{
  double raw_rate; /* raw Ed25519 verify, all cores, mean of before and after */
  double entries;  /* signatures verified */
  double own;      /* the benchmark's own work in the phase: the raw-rate measurements, untimed output */
  double open;     /* opening the package (re-hash, verify) */
  double rules;    /* the discrepancy rules */
} PhaseFigures;
static PhaseFigures *figures; /* [2] */

static char *
journal_path (const char *dir, const char *device_id)
{
  g_autofree char *name = g_strdup_printf ("%s.vkj", device_id);

  return g_build_filename (dir, "journals", name, NULL);
}

static VkPackage *
open_package (double *ret_seconds)
{
  g_autofree char *path = g_build_filename (opt_dir, "election.vkp", NULL);
  g_autoptr (GError) error = NULL;
  double start = vk_bench_now ();
  VkPackage *pkg = vk_package_open (path, &error);

  if (pkg == NULL)
    g_error ("%s", error->message);
  *ret_seconds = vk_bench_now () - start;
  return pkg;
}

/* ---- package ------------------------------------------------------------ */

static int
phase_package (void)
{
  double t[3];
  g_autoptr (VkBenchElection) be = vk_bench_election_create (opt_dir, n_areas, VOTERS_PER_AREA, t);
  g_autofree char *path = g_build_filename (opt_dir, "election.vkp", NULL);
  GStatBuf st;

  (void)g_stat (path, &st);
  printf ("%s: package: %u voters generated in %.1f s, package created and signed in %.1f s (%.0f MB), %u devices "
          "enrolled in %.1f s\n",
          BENCH, n_areas * VOTERS_PER_AREA, t[0], t[1], st.st_size / 1e6, n_areas + 1, t[2]);
  vk_bench_result (BENCH, "package_create", t[1], "s", -1, "-", "vk_package_create (voters, sign)");
  vk_bench_result (BENCH, "package_enrol", t[2], "s", -1, "-", "vk_package_enroll of every device");
  vk_bench_result (BENCH, "package_mb", st.st_size / 1e6, "MB", -1, "-", "election package size");
  return 0;
}

/* ---- generate ----------------------------------------------------------- */

typedef struct
{
  const char *dir;
  guint64 entries;
  guint64 bytes;
} Gen;

static void
write_day (guint area, GPtrArray *batches, guint64 n_entries, gpointer user_data)
{
  g_autoptr (GPtrArray) owned = batches;
  Gen *gen = user_data;
  g_autofree char *id = g_strdup_printf ("bord-%u", area);
  g_autofree char *path = journal_path (gen->dir, id);
  FILE *f = fopen (path, "wb");
  guint64 bytes = 0;

  if (f == NULL)
    g_error ("%s: %s", path, g_strerror (errno));
  for (guint i = 0; i < owned->len; i++)
    {
      gsize len;
      const void *data = g_bytes_get_data (g_ptr_array_index (owned, i), &len);

      if (fwrite (data, 1, len, f) != len)
        g_error ("%s: %s", path, g_strerror (errno));
      bytes += len;
    }
  /* No fsync: the journals are benchmark input, not election records. */
  if (fclose (f) != 0)
    g_error ("%s: %s", path, g_strerror (errno));
  g_atomic_pointer_add (&gen->entries, (gssize)n_entries);
  g_atomic_pointer_add (&gen->bytes, (gssize)bytes);
}

static int
phase_generate (void)
{
  double t_open, start, t;
  g_autoptr (VkPackage) pkg = open_package (&t_open);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkElection) election = vk_package_dup_election (pkg, &error);
  g_autofree char *jdir = g_build_filename (opt_dir, "journals", NULL);
  Gen gen = { opt_dir, 0, 0 };

  if (election == NULL)
    g_error ("%s", error->message);
  if (g_mkdir_with_parents (jdir, 0700) != 0)
    g_error ("%s: %s", jdir, g_strerror (errno));
  start = vk_bench_now ();
  /* One batch per file: the whole day of a table in one buffer. */
  vk_bench_make_days (vk_package_get_election_id (pkg), election, vk_bench_election_t0 (NULL), n_areas,
                      CHECKINS_PER_AREA, G_MAXUINT, n_threads, write_day, &gen);
  t = vk_bench_now () - start;
  printf ("%s: generate: package opened in %.1f s; %" G_GUINT64_FORMAT " entries (%.0f MB) signed on %u threads and "
          "written in %.1f s: %.0f entries/s\n",
          BENCH, t_open, gen.entries, gen.bytes / 1e6, n_threads, t, gen.entries / t);
  vk_bench_result (BENCH, "package_open", t_open, "s", -1, "-", "vk_package_open (re-hash and verify)");
  vk_bench_result (BENCH, "generate_rate", gen.entries / t, "entries/s", -1, "-",
                   "journal entries signed (vk_cose) on all cores and written, no fsync");
  vk_bench_result (BENCH, "journals_mb", gen.bytes / 1e6, "MB", -1, "-", "journal files, total size");
  return 0;
}

/* ---- ingest ------------------------------------------------------------- */

/* Splits a journal file's bytes into batches of at most batch entries. */
static void
ingest_file (VkCount *count, const char *path, guint batch, guint64 *ret_entries, guint64 *ret_batches)
{
  g_autofree char *data = NULL;
  g_autoptr (GError) error = NULL;
  gsize len, off = 0;

  if (!g_file_get_contents (path, &data, &len, &error))
    g_error ("%s", error->message);
  while (off < len)
    {
      gsize start = off;
      guint n = 0;

      while (off < len && n < batch)
        {
          gsize used = 0;
          g_autoptr (VkCoseSign1) c
              = vk_cose_sign1_decode_prefix ((const guint8 *)data + off, len - off, &used, &error);
          if (c == NULL)
            g_error ("%s at byte %" G_GSIZE_FORMAT ": %s", path, off, error->message);
          off += used;
          n++;
        }
      {
        g_autoptr (VkCountReceipt) r = NULL;
        if (!vk_count_ingest (count, (const guint8 *)data + start, off - start, path, &r, &error))
          g_error ("%s", error->message);
        if (r->stored != n)
          g_error ("%s: stored %" G_GUINT64_FORMAT " of %u", path, r->stored, n);
      }
      *ret_entries += n;
      ++*ret_batches;
    }
}

typedef struct
{
  VkCount *count;
  gint next; /* the next area to take */
  guint64 entries;
  guint64 batches;
  GMutex lock;
} Ingest;

static gpointer
ingest_worker (gpointer data)
{
  Ingest *in = data;
  guint a;
  guint64 entries = 0, batches = 0;

  while ((a = (guint)g_atomic_int_add (&in->next, 1) + 1) <= n_areas)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", a);
      g_autofree char *path = journal_path (opt_dir, id);

      ingest_file (in->count, path, (guint)opt_batch, &entries, &batches);
    }
  g_mutex_lock (&in->lock);
  in->entries += entries;
  in->batches += batches;
  g_mutex_unlock (&in->lock);
  return NULL;
}

static int
phase_ingest (void)
{
  double own, t_open, start, t_count_open, t_ingest, t_rules, t_results, all0, all1, all_rate, vcpu0, vcpu1, vcpu, cpu0,
      cpu;
  g_autoptr (VkPackage) pkg = open_package (&t_open);
  g_autoptr (VkKeypair) server_key = vk_bench_key_for ("server-1");
  g_autofree char *db = g_build_filename (opt_dir, "count.db", NULL);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkCount) count = NULL;
  g_autofree GThread **threads = g_new0 (GThread *, n_pushers);
  Ingest in = { 0 };
  guint64 entries = 0, batches = 0, sigs0, sigs;
  guint n_findings;

  start = vk_bench_now ();
  count = vk_count_open (db, pkg, server_key, &error);
  if (count == NULL)
    g_error ("%s", error->message);
  t_count_open = vk_bench_now () - start;

  /* The floor, just before and just after (the machine may be shared). */
  own = vk_bench_now ();
  all0 = vk_bench_verify_rate_all_cores (1.5, &vcpu0);
  own = vk_bench_now () - own;
  sigs0 = vk_journal_signatures_verified ();
  cpu0 = vk_bench_process_cpu ();
  start = vk_bench_now ();
  in.count = count;
  g_mutex_init (&in.lock);
  for (guint i = 0; i < n_pushers; i++)
    threads[i] = g_thread_new ("ingest", ingest_worker, &in);
  for (guint i = 0; i < n_pushers; i++)
    g_thread_join (threads[i]);
  g_mutex_clear (&in.lock);
  entries = in.entries;
  batches = in.batches;
  t_ingest = vk_bench_now () - start;
  cpu = vk_bench_process_cpu () - cpu0;
  sigs = vk_journal_signatures_verified () - sigs0;
  own -= vk_bench_now ();
  all1 = vk_bench_verify_rate_all_cores (1.5, &vcpu1);
  own += vk_bench_now ();
  all_rate = (all0 + all1) / 2;
  vcpu = (vcpu0 + vcpu1) / 2;
  figures[0].raw_rate = all_rate;
  figures[0].entries = (double)entries;
  figures[0].own = own;
  figures[0].open = t_open;
  printf ("%s: ingest: %.1f s of CPU, %.2f of it Ed25519 verification (%.1f µs of CPU per verify)\n", BENCH, cpu,
          entries * vcpu / cpu, vcpu * 1e6);
  printf ("%s: ingest: package opened in %.1f s, count db opened in %.2f s; %" G_GUINT64_FORMAT
          " entries in %" G_GUINT64_FORMAT " batches from %u threads in %.1f s: %.0f entries/s, %" G_GUINT64_FORMAT
          " signatures verified; raw verify on every core %.0f/s before, %.0f/s after: ingest at %.2f of it\n",
          BENCH, t_open, t_count_open, entries, batches, n_pushers, t_ingest, entries / t_ingest, sigs, all0, all1,
          entries / t_ingest / all_rate);

  start = vk_bench_now ();
  {
    g_autoptr (GPtrArray) findings = vk_count_discrepancies (count, NULL, &error);
    if (findings == NULL)
      g_error ("%s", error->message);
    n_findings = findings->len;
    for (guint i = 0; i < findings->len && i < 5; i++)
      {
        g_autofree char *json = vk_finding_to_json (g_ptr_array_index (findings, i));
        printf ("%s: finding: %s\n", BENCH, json);
      }
  }
  t_rules = vk_bench_now () - start;

  start = vk_bench_now ();
  {
    g_autoptr (VkResults) results = vk_count_results (count, NULL, VK_RESULT_FORELOEBIG, &error);
    g_autoptr (VkSeatAllocation) seats = NULL;
    g_autofree char *summary = NULL;

    if (results == NULL)
      g_error ("%s", error->message);
    if (results->areas->len != n_areas)
      g_error ("results for %u of %u areas", results->areas->len, n_areas);
    seats = vk_count_mandates (count, NULL, VK_RESULT_FORELOEBIG, NULL, NULL, &error);
    if (seats == NULL)
      g_error ("%s", error->message);
    /* The audit compares its own total with this one. */
    summary = g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %u\n", results->total->cast,
                               results->total->valid, seats->seats->len);
    {
      g_autofree char *p = g_build_filename (opt_dir, "count-total.txt", NULL);
      if (!g_file_set_contents (p, summary, -1, &error))
        g_error ("%s", error->message);
    }
  }
  t_results = vk_bench_now () - start;

  figures[0].rules = t_rules;
  /* The server's own journal (receipts), for the audit: not timed. */
  start = vk_bench_now ();
  {
    g_autoptr (GBytes) server = vk_count_dup_journal_bytes (count, "server-1", 0, &error);
    g_autofree char *p = journal_path (opt_dir, "server-1");
    if (server == NULL
        || !g_file_set_contents (p, g_bytes_get_data (server, NULL), (gssize)g_bytes_get_size (server), &error))
      g_error ("%s", error->message);
  }
  figures[0].own += vk_bench_now () - start;

  printf ("%s: rules %.2f s (%u findings), results + seats %.2f s\n", BENCH, t_rules, n_findings, t_results);
  vk_bench_result (BENCH, "entries", (double)entries, "entries", -1, "-", "journal entries ingested");
  vk_bench_result (BENCH, "ingest_s", t_ingest, "s", -1, "-", "vk_count_ingest of every journal");
  vk_bench_result (BENCH, "ingest_rate", entries / t_ingest, "entries/s", -1, "-",
                   "vk_count_ingest rate (every signature verified)");
  vk_bench_result (BENCH, "ingest_verify_all_cores", all_rate, "ops/s", -1, "-",
                   "raw Ed25519 verify, all cores, same run (mean of just before and just after the ingest)");
  vk_bench_result (BENCH, "ingest_cpu_share_verify", entries * vcpu / cpu, "ratio", -1, "-",
                   "share of the ingest's CPU time that is Ed25519 verification (hardly depends on other load)");
  vk_bench_result (BENCH, "ingest_vs_verify_all_cores", entries / t_ingest / all_rate, "ratio", 0.9, "min",
                   "ingest entries/s ÷ raw verify/s on all cores (issue 14: at least 0.9)");
  vk_bench_why_verify_ratio (BENCH, "ingest_vs_verify_all_cores", "the ingest's", entries * vcpu / cpu, cpu / t_ingest,
                             "decoding, the entry schema, SQLite, the receipts, the fold, the kernel");
  {
    g_autofree char *label = g_strdup_printf (
        "entry signatures verified by the ingest (must be every one of the %" G_GUINT64_FORMAT " entries)", entries);
    vk_bench_result (BENCH, "signatures_verified", (double)sigs, "signatures", (double)entries, "min", label);
  }
  vk_bench_result (BENCH, "rules_s", t_rules, "s", -1, "-", "vk_count_discrepancies (D01-D19)");
  vk_bench_result (BENCH, "findings", n_findings, "findings", 0, "max", "findings on a clean synthetic election");
  vk_bench_result (BENCH, "results_s", t_results, "s", -1, "-", "vk_count_results + vk_count_mandates");
  return 0;
}

/* ---- audit -------------------------------------------------------------- */

typedef struct
{
  VkPackage *package;
  GPtrArray *paths; /* char* */
  gint next;
  GAsyncQueue *done; /* GPtrArray* of VkEntry*, verified */
} Audit;

static gpointer
audit_worker (gpointer data)
{
  Audit *au = data;
  guint i;

  while ((i = (guint)g_atomic_int_add (&au->next, 1)) < au->paths->len)
    {
      const char *path = g_ptr_array_index (au->paths, i);
      g_autoptr (GError) error = NULL;
      GPtrArray *entries = vk_journal_read_file (path, &error);
      VkVerifyReport report;

      if (entries == NULL)
        g_error ("%s", error->message);
      /* As valgkit audit does (vk-audit.c): one journal per core while
       * there are enough, the last ones' signatures on every core. */
      if (!vk_journal_verify (entries, vk_package_get_election_id (au->package), vk_package_device_lookup, au->package,
                              au->paths->len - i <= n_threads ? VK_VERIFY_PARALLEL : VK_VERIFY_DEFAULT, &report,
                              &error))
        g_error ("%s: %s", path, error->message);
      g_async_queue_push (au->done, entries);
    }
  return NULL;
}

static int
phase_audit (void)
{
  double own, t_open, start, t_verify, t_rules, t_results, all0, all1, all_rate, vcpu0, vcpu1, vcpu, cpu0, cpu;
  g_autoptr (VkPackage) pkg = open_package (&t_open);
  g_autoptr (GError) error = NULL;
  guint64 sigs0, sigs;
  g_autoptr (VkElection) election = vk_package_dup_election (pkg, &error);
  g_autoptr (VkFold) fold = NULL;
  g_autoptr (GPtrArray) paths = g_ptr_array_new_with_free_func (g_free);
  g_autofree GThread **threads = g_new0 (GThread *, n_threads);
  Audit au = { pkg, paths, 0, g_async_queue_new () };
  guint64 entries = 0;
  guint n_findings;
  g_autofree char *summary = NULL;

  if (election == NULL)
    g_error ("%s", error->message);
  fold = vk_fold_new (pkg, &error);
  if (fold == NULL)
    g_error ("%s", error->message);
  g_ptr_array_add (paths, journal_path (opt_dir, "server-1"));
  for (guint a = 1; a <= n_areas; a++)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", a);
      g_ptr_array_add (paths, journal_path (opt_dir, id));
    }

  /* Parsing and signatures on every core; the fold (one thread) takes
   * each journal as soon as it is verified and frees it. */
  own = vk_bench_now ();
  all0 = vk_bench_verify_rate_all_cores (1.5, &vcpu0);
  own = vk_bench_now () - own;
  sigs0 = vk_journal_signatures_verified ();
  cpu0 = vk_bench_process_cpu ();
  start = vk_bench_now ();
  for (guint i = 0; i < n_threads; i++)
    threads[i] = g_thread_new ("audit", audit_worker, &au);
  for (guint i = 0; i < paths->len; i++)
    {
      g_autoptr (GPtrArray) done = g_async_queue_pop (au.done);
      for (guint k = 0; k < done->len; k++)
        vk_fold_add_entry (fold, g_ptr_array_index (done, k));
      entries += done->len;
    }
  for (guint i = 0; i < n_threads; i++)
    g_thread_join (threads[i]);
  g_async_queue_unref (au.done);
  t_verify = vk_bench_now () - start;
  cpu = vk_bench_process_cpu () - cpu0;
  sigs = vk_journal_signatures_verified () - sigs0;
  own -= vk_bench_now ();
  all1 = vk_bench_verify_rate_all_cores (1.5, &vcpu1);
  own += vk_bench_now ();
  all_rate = (all0 + all1) / 2;
  vcpu = (vcpu0 + vcpu1) / 2;
  figures[1].raw_rate = all_rate;
  figures[1].entries = (double)entries;
  figures[1].own = own;
  figures[1].open = t_open;
  printf ("%s: audit: %" G_GUINT64_FORMAT " signatures verified; raw verify on every core %.0f/s before, %.0f/s "
          "after: the audit at %.2f of it; %.1f s of CPU, %.2f of it Ed25519 verification\n",
          BENCH, sigs, all0, all1, entries / t_verify / all_rate, cpu, entries * vcpu / cpu);

  start = vk_bench_now ();
  {
    g_autoptr (GPtrArray) findings = vk_rules_run (fold, NULL);
    n_findings = findings->len;
    for (guint i = 0; i < findings->len && i < 5; i++)
      {
        g_autofree char *json = vk_finding_to_json (g_ptr_array_index (findings, i));
        printf ("%s: audit finding: %s\n", BENCH, json);
      }
  }
  t_rules = vk_bench_now () - start;
  figures[1].rules = t_rules;

  start = vk_bench_now ();
  {
    g_autoptr (GPtrArray) areas = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
    g_autoptr (VkAreaResult) total = NULL;
    g_autoptr (VkSeatAllocation) seats = NULL;
    g_autofree char *count_summary = NULL;
    g_autofree char *p = g_build_filename (opt_dir, "count-total.txt", NULL);

    for (guint i = 0; i < election->areas->len; i++)
      {
        const VkArea *a = g_ptr_array_index (election->areas, i);
        VkAreaResult *r = vk_fold_dup_result (fold, a->number, NULL, VK_RESULT_FORELOEBIG, &error);
        if (r == NULL)
          g_error ("area %u: %s", a->number, error->message);
        g_ptr_array_add (areas, r);
      }
    total = vk_results_sum (areas, election->municipality);
    seats = vk_seats_allocate (election, 0, total, NULL, NULL, &error);
    if (seats == NULL)
      g_error ("%s", error->message);
    summary = g_strdup_printf ("%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT " %u\n", total->cast, total->valid,
                               seats->seats->len);
    if (!g_file_get_contents (p, &count_summary, NULL, &error))
      g_error ("%s", error->message);
    if (strcmp (summary, count_summary) != 0)
      g_error ("the audit's total (%s) differs from the count server's (%s)", summary, count_summary);
  }
  t_results = vk_bench_now () - start;

  printf ("%s: audit: package opened and verified in %.1f s; %" G_GUINT64_FORMAT
          " entries parsed, every signature verified and folded in %.1f s (%.0f entries/s on %u threads); rules %.2f s "
          "(%u findings); results + seats %.2f s, equal to the count server's\n",
          BENCH, t_open, entries, t_verify, entries / t_verify, n_threads, t_rules, n_findings, t_results);
  vk_bench_result (BENCH, "audit_verify_s", t_verify, "s", -1, "-",
                   "audit: parse + verify every signature + fold, all journals");
  vk_bench_result (BENCH, "audit_verify_rate", entries / t_verify, "entries/s", -1, "-",
                   "audit verify rate, all cores");
  vk_bench_result (BENCH, "audit_verify_all_cores", all_rate, "ops/s", -1, "-",
                   "raw Ed25519 verify, all cores, same run (mean of just before and just after the audit)");
  vk_bench_result (BENCH, "audit_cpu_share_verify", entries * vcpu / cpu, "ratio", -1, "-",
                   "share of the audit's CPU time that is Ed25519 verification (hardly depends on other load)");
  vk_bench_result (BENCH, "audit_vs_verify_all_cores", entries / t_verify / all_rate, "ratio", 0.9, "min",
                   "audit (parse + verify every signature + fold) entries/s ÷ raw verify/s on all cores (issue 14: at "
                   "least 0.9)");
  vk_bench_why_verify_ratio (BENCH, "audit_vs_verify_all_cores", "the audit's", entries * vcpu / cpu, cpu / t_verify,
                             "decoding, the chain and enrolment checks, the fold, reading the files");
  {
    g_autofree char *label = g_strdup_printf (
        "entry signatures verified by the audit (must be every one of the %" G_GUINT64_FORMAT " entries)", entries);
    vk_bench_result (BENCH, "audit_signatures_verified", (double)sigs, "signatures", (double)entries, "min", label);
  }
  vk_bench_result (BENCH, "audit_rules_s", t_rules, "s", -1, "-", "audit: vk_rules_run");
  vk_bench_result (BENCH, "audit_findings", n_findings, "findings", 0, "max", "audit findings (clean election)");
  vk_bench_result (BENCH, "audit_results_s", t_results, "s", -1, "-", "audit: every area result + seats");
  return 0;
}

/* ---- driver ------------------------------------------------------------- */

typedef int (*PhaseFunc) (void);

static const struct
{
  const char *name;
  PhaseFunc func;
  const char *what;
} phases[] = {
  { "package", phase_package, "package: voters, package, enrolments" },
  { "generate", phase_generate, "generate: sign and write every journal" },
  { "ingest", phase_ingest, "ingest: count server ingest + rules + results" },
  { "audit", phase_audit, "audit: verify every signature + rules + results" },
};

int
main (int argc, char **argv)
{
  GOptionEntry options[] = {
    { "scale", 's', 0, G_OPTION_ARG_DOUBLE, &opt_scale, "Fraction of the national election (1 = 1,314 areas)", "S" },
    { "dir", 'd', 0, G_OPTION_ARG_FILENAME, &opt_dir, "Working directory (default: a new one under $TMPDIR)", "DIR" },
    { "keep", 'k', 0, G_OPTION_ARG_NONE, &opt_keep, "Keep the working directory", NULL },
    { "only", 'o', 0, G_OPTION_ARG_STRING, &opt_only,
      "Run only this phase (package, generate, ingest or audit) in --dir, which holds what the phases before it made "
      "(for profiling one phase; ingest needs no count.db there)",
      "PHASE" },
    { "threads", 't', 0, G_OPTION_ARG_INT, &opt_threads, "Threads for signing and verifying (default: nproc)", "N" },
    { "pushers", 'p', 0, G_OPTION_ARG_INT, &opt_pushers, "Threads pushing to the count server (default: 2 × nproc)",
      "N" },
    { "batch", 'b', 0, G_OPTION_ARG_INT, &opt_batch, "Entries per pushed batch (default 500)", "N" },
    { NULL },
  };
  g_autoptr (GOptionContext) ctx = g_option_context_new ("- a synthetic national election, ingested and audited");
  g_autoptr (GError) error = NULL;
  gboolean made_dir = FALSE;
  double total_wall = 0, peak_mib = 0, ingest_audit_wall = 0;

  g_option_context_add_main_entries (ctx, options, NULL);
  if (!g_option_context_parse (ctx, &argc, &argv, &error))
    {
      fprintf (stderr, "bench-national: %s\n", error->message);
      return 2;
    }
  if (opt_scale <= 0 || opt_scale > 1 || opt_batch < 1)
    {
      fprintf (stderr, "bench-national: --scale must be in (0, 1] and --batch at least 1\n");
      return 2;
    }
  n_areas = MAX (1u, (guint)(FULL_AREAS * opt_scale + 0.5));
  n_threads = opt_threads > 0 ? (guint)opt_threads : g_get_num_processors ();
  n_pushers = opt_pushers > 0 ? (guint)opt_pushers : 2 * g_get_num_processors ();
  if (opt_only != NULL)
    {
      gboolean known = FALSE;
      for (guint p = 0; p < G_N_ELEMENTS (phases); p++)
        known = known || strcmp (opt_only, phases[p].name) == 0;
      if (!known || opt_dir == NULL)
        {
          fprintf (stderr, "bench-national: --only needs a phase (package, generate, ingest, audit) and --dir\n");
          return 2;
        }
    }
  if (opt_dir == NULL)
    {
      opt_dir = g_dir_make_tmp ("vk-bench-national-XXXXXX", &error);
      if (opt_dir == NULL)
        g_error ("%s", error->message);
      made_dir = TRUE;
    }
  else if (g_mkdir_with_parents (opt_dir, 0700) != 0)
    g_error ("%s: %s", opt_dir, g_strerror (errno));

  printf ("%s: scale %.4g: %u areas, %u voters, %u check-ins (%u entries), %u threads, %u pushers, batches of %d, in "
          "%s\n",
          BENCH, opt_scale, n_areas, n_areas * VOTERS_PER_AREA, n_areas * CHECKINS_PER_AREA,
          n_areas * (CHECKINS_PER_AREA + VK_BENCH_STATION_EXTRA), n_threads, n_pushers, opt_batch, opt_dir);
  vk_bench_result (BENCH, "scale", opt_scale, "x", -1, "-", "fraction of the national election run");
  vk_bench_result (BENCH, "areas", n_areas, "areas", -1, "-", "areas (one valgbord each)");
  vk_bench_result (BENCH, "voters", (double)n_areas * VOTERS_PER_AREA, "voters", -1, "-", "voters in the package");
  vk_bench_result (BENCH, "checkins", (double)n_areas * CHECKINS_PER_AREA, "check-ins", -1, "-", "check-ins");

  figures = mmap (NULL, 2 * sizeof *figures, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
  if (figures == MAP_FAILED)
    g_error ("mmap: %s", g_strerror (errno));
  memset (figures, 0, 2 * sizeof *figures);
  for (guint p = 0; p < G_N_ELEMENTS (phases); p++)
    {
      double start = vk_bench_now (), wall, cpu, rss;

      if (opt_only != NULL && strcmp (opt_only, phases[p].name) != 0)
        continue;
      struct rusage ru;
      int status;
      pid_t pid;

      fflush (stdout);
      pid = fork ();
      if (pid < 0)
        g_error ("fork: %s", g_strerror (errno));
      if (pid == 0)
        {
          int rc = phases[p].func ();
          fflush (stdout);
          _exit (rc);
        }
      if (wait4 (pid, &status, 0, &ru) != pid)
        g_error ("wait4: %s", g_strerror (errno));
      wall = vk_bench_now () - start;
      if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
        {
          fprintf (stderr, "bench-national: phase %s failed (status %d)\n", phases[p].name, status);
          return 1;
        }
      cpu = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
      rss = ru.ru_maxrss / 1024.0;
      total_wall += wall;
      peak_mib = MAX (peak_mib, rss);
      printf ("%s: phase %-8s wall %7.1f s, CPU %7.1f s, peak RSS %7.0f MiB\n", BENCH, phases[p].name, wall, cpu, rss);
      {
        g_autofree char *n_wall = g_strdup_printf ("%s_wall", phases[p].name);
        g_autofree char *n_rss = g_strdup_printf ("%s_peak_rss", phases[p].name);
        g_autofree char *l_wall = g_strdup_printf ("%s (wall time)", phases[p].what);
        gboolean server = strcmp (phases[p].name, "ingest") == 0;
        g_autofree char *l_rss
            = g_strdup_printf (server ? "%s (peak RSS of the count server; issue 14: below 1 GiB at national scale)"
                                      : "%s (peak RSS; limit: the machine's memory)",
                               phases[p].name);
        vk_bench_result (BENCH, n_wall, wall, "s", -1, "-", l_wall);
        vk_bench_result (BENCH, n_rss, rss, "MiB", server ? 1024 : 24 * 1024, "max", l_rss);
        if (server || strcmp (phases[p].name, "audit") == 0)
          ingest_audit_wall += wall;
      }
    }
  vk_bench_result (BENCH, "total_wall", total_wall, "s", -1, "-", "all phases (wall time)");
  if (opt_only == NULL)
    {
      /* Less what the benchmark itself did inside the two phases (its raw
       * verify measurements, writing the receipts' journal for the audit). */
      double own = figures[0].own + figures[1].own;
      double verify = figures[0].entries / figures[0].raw_rate + figures[1].entries / figures[1].raw_rate;
      double rest = figures[0].open + figures[1].open + figures[0].rules + figures[1].rules;
      g_autofree char *label = g_strdup_printf (
          "ingest + audit, wall time of both phases less the benchmark's own %.1f s of raw verify measurements and "
          "output (%s)",
          own,
          n_areas == FULL_AREAS ? "issue 14: under 200 s on 2 cores"
                                : "issue 14's 200 s is for the full scale: bench/run --full");

      vk_bench_result (BENCH, "ingest_audit_wall", ingest_audit_wall - own, "s", n_areas == FULL_AREAS ? 200 : -1,
                       "max", label);
      vk_bench_result (BENCH, "ingest_audit_floor", verify + rest, "s", -1, "-",
                       "its floor in this run: every signature verified twice at the raw all-core rate, plus opening "
                       "the package twice and the rules twice, as measured");
      vk_bench_why (BENCH, "ingest_audit_wall",
                    "verifying every signature twice (%.0f at ingest, %.0f in the audit) at this run's raw all-core "
                    "rates (%.0f/s, %.0f/s) takes %.1f s; opening the package (re-hash, verify) and the rules, twice "
                    "each, %.1f s: a floor of %.1f s on this machine%s",
                    figures[0].entries, figures[1].entries, figures[0].raw_rate, figures[1].raw_rate, verify, rest,
                    verify + rest,
                    verify + rest > 200 ? ", above the 200 s before any other work: only a faster Ed25519 verify "
                                          "or more cores can meet it"
                                        : "");
    }
  if (opt_scale < 1 && opt_only == NULL)
    {
      /* Linear: every per-area cost is the same at any scale; only the
       * package's voter count grows with the areas too. */
      double f = 1.0 / ((double)n_areas / FULL_AREAS);
      vk_bench_result (BENCH, "total_wall_extrapolated", total_wall * f, "s", -1, "-",
                       "all phases at scale 1, EXTRAPOLATED linearly (not measured)");
    }
  if (!opt_keep && made_dir)
    vk_bench_remove_tree (opt_dir);
  else if (opt_keep)
    printf ("%s: kept %s\n", BENCH, opt_dir);
  return 0;
}
