/* bench-journal.c: appending to a device journal and verifying one.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Append: vk_journal_append() of check-ins for a fixed time, each one
 * signed and durable (committed with synchronous=FULL) before the next:
 * the latency a table sees from "Udlever stemmeseddel" to a durable
 * entry (issue 5: under 20 ms).
 *
 * Verify: a 100,000-entry journal (made in memory, J2/J3 bytes as
 * vk_journal_append() makes them), parsed with vk_journal_parse() and
 * verified with vk_journal_verify(): every signature (what `valgkit
 * journal verify` and an audit do) and VK_VERIFY_FAST (the chain of every
 * entry, the signature of the last only: `--fast`, and what the count
 * server does per pushed batch).
 *
 * Usage: bench-journal [APPEND_SECONDS] [N_ENTRIES]
 */
#include "vk-bench.h"

#define BENCH "bench-journal"

static guint8 bench_public_key[VK_PUBLIC_KEY_BYTES];

static gboolean
lookup (const char *device_id, VkDeviceInfo *ret_info, gpointer user_data)
{
  if (strcmp (device_id, "bord-1") != 0)
    return FALSE;
  memcpy (ret_info->public_key, bench_public_key, VK_PUBLIC_KEY_BYTES);
  ret_info->role = g_strdup ("valgbord"); /* the verifier frees it */
  ret_info->area = 1;
  ret_info->valid_from = 0;
  ret_info->valid_to = 0;
  return TRUE;
}

int
main (int argc, char **argv)
{
  double seconds = argc > 1 ? g_ascii_strtod (argv[1], NULL) : 3.0;
  guint n_entries = argc > 2 ? (guint)g_ascii_strtoull (argv[2], NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("vk-bench-journal-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "bord-1.db", NULL);
  g_autoptr (VkKeypair) key = vk_bench_key_for ("bord-1");
  g_autoptr (GError) error = NULL;
  guint8 election_id[VK_ELECTION_ID_BYTES];
  double start, t, rate;

  memset (election_id, 0x42, sizeof election_id);
  memcpy (bench_public_key, vk_keypair_get_public_key (key), VK_PUBLIC_KEY_BYTES);

  /* Append with fsync. */
  {
    g_autoptr (VkJournal) j = vk_journal_open (path, election_id, "bord-1", &error);
    g_autoptr (GArray) lat = g_array_new (FALSE, FALSE, sizeof (double));
    guint n = 0;

    if (j == NULL)
      g_error ("%s", error->message);
    start = vk_bench_now ();
    do
      {
        g_autoptr (VkCbor) b = vk_cbor_new_map ();
        g_autoptr (VkEntry) e = NULL;
        double t1 = vk_bench_now (), dt;

        vk_cbor_map_set_uint (b, "area", 1);
        vk_cbor_map_set_uint (b, "loebenummer", ++n);
        vk_cbor_map_set_text (b, "method", "scan");
        e = vk_journal_append (j, key, "checkin", b, &error);
        if (e == NULL)
          g_error ("%s", error->message);
        dt = (vk_bench_now () - t1) * 1e3;
        g_array_append_val (lat, dt);
      }
    while ((t = vk_bench_now () - start) < seconds);
    rate = n / t;
    g_array_sort (lat, vk_bench_compare_double);
    {
      double p50 = vk_bench_quantile (lat, 0.5), p99 = vk_bench_quantile (lat, 0.99);

      printf ("%s: vk_journal_append: %u entries in %.2f s: %.0f/s, p50 %.2f ms, p99 %.2f ms\n", BENCH, n, t, rate, p50,
              p99);
      vk_bench_result (BENCH, "append", rate, "entries/s", -1, "-",
                       "vk_journal_append (sign + SQLite commit with fsync), 1 entry per call");
      vk_bench_result (BENCH, "append_p99", p99, "ms", 20, "max",
                       "vk_journal_append latency p99 (check-in to durable entry; goal < 20 ms)");
    }
  }

  /* Verify a large journal. */
  {
    g_autoptr (GByteArray) out = g_byte_array_new ();
    g_autoptr (GPtrArray) entries = NULL;
    g_autoptr (GBytes) bytes = NULL;
    guint8 prev[VK_HASH_BYTES] = { 0 };
    VkVerifyReport report;
    guint64 t0 = (guint64)(g_get_real_time () / 1000) - (guint64)n_entries * 1000;
    double t_make, t_parse, t_full, t_fast, t_par, all0, all1, vcpu0, vcpu1, cpu0, cpu_par;

    start = vk_bench_now ();
    for (guint s = 1; s <= n_entries; s++)
      {
        g_autoptr (VkCbor) b = vk_cbor_new_map ();
        g_autoptr (GBytes) c = NULL;

        vk_cbor_map_set_uint (b, "area", 1);
        vk_cbor_map_set_uint (b, "loebenummer", s);
        vk_cbor_map_set_text (b, "method", "scan");
        c = vk_bench_entry (election_id, "bord-1", s, prev, t0 + s * 1000, "checkin", b, key);
        g_byte_array_append (out, g_bytes_get_data (c, NULL), (guint)g_bytes_get_size (c));
      }
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&out));
    t_make = vk_bench_now () - start;

    start = vk_bench_now ();
    entries = vk_journal_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "bench.vkj", &error);
    if (entries == NULL)
      g_error ("%s", error->message);
    t_parse = vk_bench_now () - start;

    start = vk_bench_now ();
    if (!vk_journal_verify (entries, election_id, lookup, NULL, VK_VERIFY_DEFAULT, &report, &error))
      g_error ("%s", error->message);
    t_full = vk_bench_now () - start;
    if (report.entries != n_entries)
      g_error ("verified %" G_GUINT64_FORMAT " entries", report.entries);

    /* Every signature on every core (what the count server and the
     * audit do), against the raw rate of every core just before and
     * just after. */
    all0 = vk_bench_verify_rate_all_cores (1.0, &vcpu0);
    cpu0 = vk_bench_process_cpu ();
    start = vk_bench_now ();
    if (!vk_journal_verify (entries, election_id, lookup, NULL, VK_VERIFY_PARALLEL, &report, &error))
      g_error ("%s", error->message);
    t_par = vk_bench_now () - start;
    cpu_par = vk_bench_process_cpu () - cpu0;
    all1 = vk_bench_verify_rate_all_cores (1.0, &vcpu1);
    if (report.entries != n_entries)
      g_error ("verified %" G_GUINT64_FORMAT " entries", report.entries);

    start = vk_bench_now ();
    if (!vk_journal_verify (entries, election_id, lookup, NULL, VK_VERIFY_FAST, &report, &error))
      g_error ("%s", error->message);
    t_fast = vk_bench_now () - start;

    printf ("%s: %u entries (%.1f MB) made in memory in %.2f s (%.0f entries/s), parsed in %.2f s\n", BENCH, n_entries,
            g_bytes_get_size (bytes) / 1e6, t_make, n_entries / t_make, t_parse);
    printf ("%s: verify all signatures %.2f s (%.0f entries/s); --fast %.3f s (%.0f entries/s)\n", BENCH, t_full,
            n_entries / t_full, t_fast, n_entries / t_fast);
    vk_bench_result (BENCH, "parse", n_entries / t_parse, "entries/s", -1, "-",
                     "vk_journal_parse of a 100,000-entry journal (decode COSE + payload)");
    vk_bench_result (BENCH, "verify_full", n_entries / t_full, "entries/s", -1, "-",
                     "vk_journal_verify, every signature, 1 core (bounded by Ed25519 verify)");
    printf ("%s: verify all signatures on every core %.2f s (%.0f entries/s; raw verify on every core %.0f/s "
            "before, %.0f/s after: %.2f of it; %.2f of its CPU time is Ed25519)\n",
            BENCH, t_par, n_entries / t_par, all0, all1, n_entries / t_par / ((all0 + all1) / 2),
            n_entries * (vcpu0 + vcpu1) / 2 / cpu_par);
    vk_bench_result (BENCH, "verify_parallel", n_entries / t_par, "entries/s", -1, "-",
                     "vk_journal_verify VK_VERIFY_PARALLEL, every signature, all cores");
    vk_bench_result (BENCH, "verify_parallel_vs_all_cores", n_entries / t_par / ((all0 + all1) / 2), "ratio", -1, "-",
                     "the same ÷ raw Ed25519 verify on all cores, same run");
    vk_bench_result (BENCH, "verify_parallel_cpu_share", n_entries * (vcpu0 + vcpu1) / 2 / cpu_par, "ratio", -1, "-",
                     "share of its CPU time that is Ed25519 (entries × CPU per raw verify ÷ CPU time)");
    vk_bench_result (BENCH, "verify_fast", n_entries / t_fast, "entries/s", -1, "-",
                     "vk_journal_verify --fast (chain of all, signature of the last)");
  }

  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    (void)g_unlink (wal);
    (void)g_unlink (shm);
    (void)g_unlink (path);
    (void)g_rmdir (dir);
  }
  return 0;
}
