/* vk-bench.h: what the benchmarks share (header-only).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every benchmark prints, besides its human-readable lines, one line per
 * figure in the form
 *
 *   RESULT bench=B name=N value=V unit=U limit=L cmp=min|max|- label="..."
 *
 * that bench/run collects into docs/performance.md.  limit is "-" for a
 * reference figure without a target; cmp=min means the value must be at
 * least the limit, cmp=max at most.  A figure with a limit may be
 * followed by
 *
 *   WHY bench=B name=N text="..."
 *
 * which says, from numbers measured in the same run, what bounds it (the
 * floor the limit is up against); docs/performance.md shows it beside a
 * missed figure, so that `make bench` says why a target was missed.
 *
 * The synthetic elections (bench-count, bench-national) are built here:
 * the fake election's lists with any number of areas, synthetic voters,
 * one valgbord per area and a count server, and the journals of those
 * valgborde signed in memory (COSE_Sign1 through vk_cose, exactly the J2
 * and J3 bytes vk_journal_append() writes, but without an fsync per
 * entry), so that millions of entries can be made in minutes.
 */
#pragma once

#include <glib.h>
#include <glib/gstdio.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <sys/resource.h>
#include <time.h>

#include "vk-cbor.h"
#include "vk-cose.h"
#include "vk-fake-election.h"
#include "vk-fake.h"
#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"

/* For g_array_sort and qsort over doubles (latencies). */
static G_GNUC_UNUSED int
vk_bench_compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *)a, y = *(const double *)b;

  return x < y ? -1 : x > y;
}

/* The q-quantile (0 ≤ q < 1; 0.5 is the median, 0.99 the p99) of a GArray
 * of doubles already sorted with vk_bench_compare_double; it must not be
 * empty. */
static G_GNUC_UNUSED double
vk_bench_quantile (const GArray *sorted, double q)
{
  g_assert (sorted->len > 0);
  return g_array_index (sorted, double, MIN (sorted->len - 1, (guint)(sorted->len * q)));
}

/* The valgkit binary beside this benchmark in the build tree, or $VALGKIT. */
static G_GNUC_UNUSED char *
vk_bench_find_valgkit (const char *argv0)
{
  const char *env = g_getenv ("VALGKIT");
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *dir = g_path_get_dirname (self != NULL ? self : argv0);

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (dir, "..", "app", "valgkit", NULL);
}

/* Removes a benchmark's temporary folder and everything in it. */
static G_GNUC_UNUSED void
vk_bench_remove_tree (const char *path)
{
  g_autoptr (GDir) d = g_dir_open (path, 0, NULL);
  const char *name;

  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *p = g_build_filename (path, name, NULL);
      if (g_file_test (p, G_FILE_TEST_IS_DIR))
        vk_bench_remove_tree (p);
      else
        (void)g_unlink (p);
    }
  (void)g_rmdir (path);
}

static G_GNUC_UNUSED double
vk_bench_now (void)
{
  return (double)g_get_monotonic_time () / 1e6;
}

/* The peak resident set size of this process, in MiB (Linux: ru_maxrss is in KiB). */
static G_GNUC_UNUSED double
vk_bench_peak_rss_mib (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_SELF, &ru) != 0)
    return 0;
  return (double)ru.ru_maxrss / 1024.0;
}

/* Prints one RESULT line.  limit < 0 means no limit (a reference figure). */
static G_GNUC_UNUSED void
vk_bench_result (const char *bench, const char *name, double value, const char *unit, double limit, const char *cmp,
                 const char *label)
{
  g_autofree char *lim = limit < 0 ? g_strdup ("-") : g_strdup_printf ("%.10g", limit);

  /* Ten significant digits: counts of millions stay exact. */
  printf ("RESULT bench=%s name=%s value=%.10g unit=%s limit=%s cmp=%s label=\"%s\"\n", bench, name, value, unit, lim,
          limit < 0 ? "-" : cmp, label);
  fflush (stdout);
}

/* Prints the WHY line of figure `name` (see the top of this file). */
static G_GNUC_UNUSED G_GNUC_PRINTF (3, 4) void vk_bench_why (const char *bench, const char *name, const char *format,
                                                             ...)
{
  g_autofree char *text = NULL;
  va_list ap;

  va_start (ap, format);
  text = g_strdup_vprintf (format, ap);
  va_end (ap);
  /* The line is read with shlex: no double quote or backslash inside. */
  for (char *c = text; *c != '\0'; c++)
    if (*c == '"' || *c == '\\' || *c == '\n')
      *c = *c == '"' ? '\'' : ' ';
  printf ("WHY bench=%s name=%s text=\"%s\"\n", bench, name, text);
  fflush (stdout);
}

/* The WHY of a rate compared with the raw all-core verify rate: a process
 * can reach at most the share of its CPU time that is Ed25519 times the
 * share of the cores it kept busy. */
static G_GNUC_UNUSED void
vk_bench_why_verify_ratio (const char *bench, const char *name, const char *who, double share, double cores_busy,
                           const char *rest)
{
  guint n = g_get_num_processors ();

  vk_bench_why (bench, name,
                "Ed25519 verification is %.0f %% of %s CPU time (the rest: %s) and it kept %.2f of the %u cores "
                "busy: at most %.2f × %.2f ÷ %u = %.2f of the raw all-core rate was reachable in this run",
                share * 100, who, rest, cores_busy, n, share, MIN (cores_busy, (double)n), n,
                share * MIN (cores_busy, (double)n) / n);
}

/* The raw Ed25519 verify rate of this machine, now: libsodium's
 * crypto_sign_verify_detached on a 200-byte message (about a check-in
 * entry's payload) on every core at once (one thread per core) for
 * seconds, in verifies per second over all of them.  The physical limit
 * of anything that verifies every signature: a benchmark measures it in
 * the same run as what it compares with it (bench-crypto does the same
 * for its reference figure). */
typedef struct
{
  const guint8 *pk, *msg, *sig;
  double seconds;
  guint64 done;
  double cpu; /* this thread's CPU time, s */
} VkBenchVerifyJob;

/* The calling thread's CPU time, in seconds. */
static G_GNUC_UNUSED double
vk_bench_thread_cpu (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* This process's CPU time (user + system, every thread), in seconds. */
static G_GNUC_UNUSED double
vk_bench_process_cpu (void)
{
  struct rusage ru;

  if (getrusage (RUSAGE_SELF, &ru) != 0)
    return 0;
  return ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
}

static G_GNUC_UNUSED gpointer
vk_bench_verify_thread (gpointer data)
{
  VkBenchVerifyJob *job = data;
  double end = vk_bench_now () + job->seconds, cpu0 = vk_bench_thread_cpu ();

  do
    {
      for (guint i = 0; i < 64; i++)
        if (crypto_sign_verify_detached (job->sig, job->msg, 200, job->pk) != 0)
          g_error ("Ed25519 verify failed");
      job->done += 64;
    }
  while (vk_bench_now () < end);
  job->cpu = vk_bench_thread_cpu () - cpu0;
  return NULL;
}

/* ret_cpu_per_op (optional): the CPU time one verify takes, in seconds:
 * unlike the rate, it hardly depends on what else the machine runs, so
 * that a benchmark can also say which share of its own CPU time went to
 * verifying. */
static G_GNUC_UNUSED double
vk_bench_verify_rate_all_cores (double seconds, double *ret_cpu_per_op)
{
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES], msg[200], sig[crypto_sign_BYTES];
  guint n = MAX (g_get_num_processors (), 1);
  g_autofree VkBenchVerifyJob *jobs = g_new0 (VkBenchVerifyJob, n);
  g_autofree GThread **threads = g_new0 (GThread *, n);
  guint64 total = 0;
  double start, t, cpu = 0;

  if (sodium_init () < 0)
    g_error ("libsodium did not initialise");
  memset (msg, 'x', sizeof msg);
  crypto_sign_keypair (pk, sk);
  crypto_sign_detached (sig, NULL, msg, sizeof msg, sk);
  start = vk_bench_now ();
  for (guint i = 0; i < n; i++)
    {
      jobs[i] = (VkBenchVerifyJob){ pk, msg, sig, seconds, 0 };
      threads[i] = g_thread_new ("vk-bench-verify", vk_bench_verify_thread, &jobs[i]);
    }
  for (guint i = 0; i < n; i++)
    {
      g_thread_join (threads[i]);
      total += jobs[i].done;
      cpu += jobs[i].cpu;
    }
  t = vk_bench_now () - start;
  if (ret_cpu_per_op != NULL)
    *ret_cpu_per_op = cpu / (double)MAX (total, 1);
  return total / t;
}

/* A deterministic key per name (SHA-256 of the name as the seed). */
static G_GNUC_UNUSED VkKeypair *
vk_bench_key_for (const char *name)
{
  guint8 seed[VK_SEED_BYTES];

  vk_sha256 ((const guint8 *)name, strlen (name), seed);
  return vk_keypair_new_from_seed (seed);
}

/* The signed COSE_Sign1 of one journal entry (J2 payload, J3 signature);
 * prev is read and then replaced by this entry's hash, so that calling it
 * for seq 1, 2, 3 … chains the entries.  body is borrowed. */
static G_GNUC_UNUSED GBytes *
vk_bench_entry (const guint8 *election_id, const char *device_id, guint64 seq, guint8 prev[VK_HASH_BYTES],
                guint64 time_ms, const char *type, VkCbor *body, const VkKeypair *key)
{
  g_autoptr (VkCbor) p = vk_cbor_new_array ();
  g_autoptr (GBytes) payload = NULL;
  g_autoptr (GError) error = NULL;
  GBytes *cose;

  vk_cbor_array_append (p, vk_cbor_new_uint (VK_JOURNAL_VERSION));
  vk_cbor_array_append (p, vk_cbor_new_bytes (election_id, VK_ELECTION_ID_BYTES));
  vk_cbor_array_append (p, vk_cbor_new_text (device_id, -1));
  vk_cbor_array_append (p, vk_cbor_new_uint (seq));
  vk_cbor_array_append (p, vk_cbor_new_bytes (prev, VK_HASH_BYTES));
  vk_cbor_array_append (p, vk_cbor_new_uint (time_ms));
  vk_cbor_array_append (p, vk_cbor_new_text (type, -1));
  vk_cbor_array_append (p, vk_cbor_ref (body));
  payload = vk_cbor_encode (p);
  vk_sha256 (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), prev);
  cose = vk_cose_sign1_create (g_bytes_get_data (payload, NULL), g_bytes_get_size (payload), key, &error);
  if (cose == NULL)
    g_error ("signing %s#%" G_GUINT64_FORMAT ": %s", device_id, seq, error->message);
  return cose;
}

/* A synthetic election: the fake election's lists and candidates, n_areas
 * areas with voters_per_area voters each, a count server `server-1` and
 * one valgbord `bord-<area>` per area.  The election day is yesterday
 * (local time), so that every entry lies inside the D10 window and before
 * the server's receipts. */
typedef struct
{
  char *dir;
  VkPackage *package;
  VkElection *election;
  guint n_areas;
  guint voters_per_area;
  guint64 t0; /* election day 08:00 local, ms */
} VkBenchElection;

static G_GNUC_UNUSED void
vk_bench_election_free (VkBenchElection *self)
{
  if (self == NULL)
    return;
  vk_package_free (self->package);
  vk_election_free (self->election);
  g_free (self->dir);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkBenchElection, vk_bench_election_free)

/* Election day 08:00, local time: yesterday. */
static G_GNUC_UNUSED guint64
vk_bench_election_t0 (char **ret_date)
{
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autoptr (GDateTime) now = g_date_time_new_now (tz != NULL ? tz : g_time_zone_new_utc ());
  g_autoptr (GDateTime) y = g_date_time_add_days (now, -1);
  g_autoptr (GDateTime) eight = g_date_time_new (g_date_time_get_timezone (y), g_date_time_get_year (y),
                                                 g_date_time_get_month (y), g_date_time_get_day_of_month (y), 8, 0, 0);

  if (ret_date != NULL)
    *ret_date = g_date_time_format (eight, "%Y-%m-%d");
  return (guint64)g_date_time_to_unix (eight) * 1000;
}

/* Builds the election in memory (no package yet). */
static G_GNUC_UNUSED VkElection *
vk_bench_make_election (guint n_areas, guint voters_per_area)
{
  VkElection *e = vk_fake_election_new (1);

  g_free (e->date);
  (void)vk_bench_election_t0 (&e->date);
  g_ptr_array_set_size (e->areas, 0);
  for (guint a = 1; a <= n_areas; a++)
    {
      g_autofree char *name = g_strdup_printf ("Område %u", a);
      vk_election_add_area (e, a, name, "", voters_per_area);
    }
  return e;
}

/* Writes dir/election.vkp and enrols the devices.  timings (optional)
 * get the seconds spent generating voters, creating the package and
 * enrolling. */
static G_GNUC_UNUSED VkBenchElection *
vk_bench_election_create (const char *dir, guint n_areas, guint voters_per_area, double ret_timings[3])
{
  VkBenchElection *self = g_new0 (VkBenchElection, 1);
  g_autoptr (VkKeypair) election_key = vk_bench_key_for ("election");
  g_autoptr (VkVoterList) voters = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, "election.vkp", NULL);
  g_autofree guint *numbers = g_new (guint, n_areas);
  g_autofree guint *counts = g_new (guint, n_areas);
  guint64 day = G_GUINT64_CONSTANT (24) * 3600 * 1000;
  guint64 from, to;
  double t0, t1, t2;

  self->dir = g_strdup (dir);
  self->n_areas = n_areas;
  self->voters_per_area = voters_per_area;
  self->t0 = vk_bench_election_t0 (NULL);
  self->election = vk_bench_make_election (n_areas, voters_per_area);
  from = self->t0 - 30 * day;
  to = self->t0 + 30 * day;
  for (guint a = 0; a < n_areas; a++)
    {
      numbers[a] = a + 1;
      counts[a] = voters_per_area;
    }
  t0 = vk_bench_now ();
  voters = vk_voters_generate (numbers, counts, n_areas, "Prøvekommune", 7);
  t1 = vk_bench_now ();
  self->package = vk_package_create (path, self->election, voters, election_key, &error);
  if (self->package == NULL)
    g_error ("%s", error->message);
  t2 = vk_bench_now ();
  {
    g_autoptr (VkKeypair) k = vk_bench_key_for ("server-1");
    if (!vk_package_enroll (self->package, election_key, "server-1", "server", VK_PACKAGE_NO_AREA,
                            vk_keypair_get_public_key (k), from, to, &error))
      g_error ("%s", error->message);
  }
  for (guint a = 1; a <= n_areas; a++)
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", a);
      g_autoptr (VkKeypair) k = vk_bench_key_for (id);

      if (!vk_package_enroll (self->package, election_key, id, "valgbord", a, vk_keypair_get_public_key (k), from, to,
                              &error))
        g_error ("%s", error->message);
    }
  if (ret_timings != NULL)
    {
      ret_timings[0] = t1 - t0;
      ret_timings[1] = t2 - t1;
      ret_timings[2] = vk_bench_now () - t2;
    }
  return self;
}

/* A consistent counts map for `cast` ballots (cast >= 2 + lists): one
 * blank, one invalid (reason 8), the rest spread over the lists with
 * uneven weights that vary a little per area, so that the totals and
 * their quotients do not tie (no lot draw in the seat allocation). */
static G_GNUC_UNUSED VkCbor *
vk_bench_counts (const VkElection *election, guint area, guint64 cast)
{
  VkCbor *c = vk_cbor_new_map ();
  VkCbor *lists = vk_cbor_new_map ();
  VkCbor *inv = vk_cbor_new_map ();
  guint n = election->lists->len;
  guint64 valid = cast - 2;
  guint64 left = valid;
  guint64 weights[64], sum = 0;

  g_assert (n <= G_N_ELEMENTS (weights));
  for (guint i = 0; i < n; i++)
    sum += weights[i] = (i + 1) * 1000 + (area * 37 + i * 11) % 97;
  for (guint i = 0; i < n; i++)
    {
      const VkList *l = g_ptr_array_index (election->lists, i);
      guint64 v = i + 1 == n ? left : valid * weights[i] / sum;

      left -= v;
      vk_cbor_map_set_uint (lists, l->id, v);
    }
  vk_cbor_map_set_uint (inv, "8", 1);
  vk_cbor_map_set_uint (c, "cast", cast);
  vk_cbor_map_set_uint (c, "valid", valid);
  vk_cbor_map_set_uint (c, "blank_fremmoedte", 1);
  vk_cbor_map_set_uint (c, "blank_brev", 0);
  vk_cbor_map_insert_text (c, "invalid", inv);
  vk_cbor_map_insert_text (c, "lists", lists);
  return c;
}

/* The whole election day of valgbord `bord-<area>`: device.open,
 * n_checkins check-ins (løbenumre 1 … n_checkins, one every 4 s from
 * 08:00), poll.close at 20:00, the foreløbig tally (two rounds) and its
 * sign-off, as a CBOR sequence cut into batches of at most batch_size
 * entries (GBytes*, in seq order: a station that pushes every
 * batch_size entries).  ret_entries gets the number of entries. */
static G_GNUC_UNUSED GPtrArray *
vk_bench_station_day (const guint8 *election_id, const VkElection *election, guint64 t0, guint area, guint n_checkins,
                      guint batch_size, guint64 *ret_entries)
{
  g_autofree char *id = g_strdup_printf ("bord-%u", area);
  g_autoptr (VkKeypair) key = vk_bench_key_for (id);
  g_autoptr (GByteArray) out = g_byte_array_new ();
  GPtrArray *batches = g_ptr_array_new_with_free_func ((GDestroyNotify)g_bytes_unref);
  guint8 prev[VK_HASH_BYTES] = { 0 };
  guint64 seq = 0;
  guint in_batch = 0;
  guint64 close_ms = t0 + 12 * 3600 * 1000;

#define VK_BENCH_EMIT(time_, type_, body_)                                                                             \
  do                                                                                                                   \
    {                                                                                                                  \
      g_autoptr (VkCbor) b_ = (body_);                                                                                 \
      g_autoptr (GBytes) c_ = vk_bench_entry (election_id, id, ++seq, prev, (time_), (type_), b_, key);                \
      g_byte_array_append (out, g_bytes_get_data (c_, NULL), (guint)g_bytes_get_size (c_));                            \
      if (++in_batch == batch_size)                                                                                    \
        {                                                                                                              \
          g_ptr_array_add (batches, g_byte_array_free_to_bytes (g_steal_pointer (&out)));                              \
          out = g_byte_array_new ();                                                                                   \
          in_batch = 0;                                                                                                \
        }                                                                                                              \
    }                                                                                                                  \
  while (0)

  {
    VkCbor *b = vk_cbor_new_map ();
    vk_cbor_map_set_text (b, "role", "valgbord");
    vk_cbor_map_set_uint (b, "area", area);
    vk_cbor_map_set_text (b, "software", "valgkit bench");
    VK_BENCH_EMIT (t0 - 60000, "device.open", b);
  }
  for (guint i = 1; i <= n_checkins; i++)
    {
      VkCbor *b = vk_cbor_new_map ();
      vk_cbor_map_set_uint (b, "area", area);
      vk_cbor_map_set_uint (b, "loebenummer", i);
      vk_cbor_map_set_text (b, "method", i % 5 == 0 ? "search" : "scan");
      VK_BENCH_EMIT (MIN (t0 + (guint64)i * 4000, close_ms - 1000), "checkin", b);
    }
  {
    VkCbor *b = vk_cbor_new_map ();
    vk_cbor_map_set_uint (b, "area", area);
    VK_BENCH_EMIT (close_ms, "poll.close", b);
  }
  {
    g_autoptr (VkCbor) counts = vk_bench_counts (election, area, n_checkins);
    VkCbor *signers = vk_cbor_new_array ();
    VkCbor *b;

    for (guint round = 1; round <= 2; round++)
      {
        b = vk_cbor_new_map ();
        vk_cbor_map_set_text (b, "kind", "foreloebig");
        vk_cbor_map_set_uint (b, "area", area);
        vk_cbor_map_set_uint (b, "round", round);
        vk_cbor_map_set_text (b, "by", round == 1 ? "Tilforordnet 1" : "Tilforordnet 2");
        vk_cbor_map_insert_text (b, "counts", vk_cbor_ref (counts));
        VK_BENCH_EMIT (close_ms + 3600000 + round * 60000, "tally", b);
      }
    vk_cbor_array_append (signers, vk_cbor_new_text ("Valgstyrer 1", -1));
    vk_cbor_array_append (signers, vk_cbor_new_text ("Valgstyrer 2", -1));
    b = vk_cbor_new_map ();
    vk_cbor_map_set_text (b, "kind", "foreloebig");
    vk_cbor_map_set_uint (b, "area", area);
    vk_cbor_map_insert_text (b, "counts", vk_cbor_ref (counts));
    vk_cbor_map_insert_text (b, "signers", signers);
    VK_BENCH_EMIT (close_ms + 3600000 + 300000, "tally.signoff", b);
  }
#undef VK_BENCH_EMIT
  if (out->len > 0)
    g_ptr_array_add (batches, g_byte_array_free_to_bytes (g_steal_pointer (&out)));
  if (ret_entries != NULL)
    *ret_entries = seq;
  return batches;
}

/* Entries per station day besides the check-ins: device.open, poll.close,
 * two tally rounds and the sign-off. */
#define VK_BENCH_STATION_EXTRA 5

/* Makes the station days of areas 1 … n_areas on n_threads threads.
 * done (called on a worker thread, so it must be thread-safe) gets each
 * area's batches (transfer full) and number of entries. */
typedef void (*VkBenchDayFunc) (guint area, GPtrArray *batches, guint64 n_entries, gpointer user_data);

typedef struct
{
  const guint8 *election_id;
  const VkElection *election;
  guint64 t0;
  guint n_areas;
  guint n_checkins;
  guint batch_size;
  gint next; /* the next area - 1, taken atomically */
  VkBenchDayFunc done;
  gpointer user_data;
} VkBenchDays;

static G_GNUC_UNUSED gpointer
vk_bench_days_worker (gpointer data)
{
  VkBenchDays *d = data;
  guint area;

  while ((area = (guint)g_atomic_int_add (&d->next, 1) + 1) <= d->n_areas)
    {
      guint64 n = 0;
      GPtrArray *batches
          = vk_bench_station_day (d->election_id, d->election, d->t0, area, d->n_checkins, d->batch_size, &n);
      d->done (area, batches, n, d->user_data);
    }
  return NULL;
}

static G_GNUC_UNUSED void
vk_bench_make_days (const guint8 *election_id, const VkElection *election, guint64 t0, guint n_areas, guint n_checkins,
                    guint batch_size, guint n_threads, VkBenchDayFunc done, gpointer user_data)
{
  VkBenchDays d = { election_id, election, t0, n_areas, n_checkins, batch_size, 0, done, user_data };
  g_autofree GThread **threads = g_new0 (GThread *, MAX (n_threads, 1));

  for (guint i = 0; i < MAX (n_threads, 1); i++)
    threads[i] = g_thread_new ("vk-bench-gen", vk_bench_days_worker, &d);
  for (guint i = 0; i < MAX (n_threads, 1); i++)
    g_thread_join (threads[i]);
}
