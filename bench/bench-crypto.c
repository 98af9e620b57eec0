/* bench-crypto.c: the raw rates every other figure is measured against.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Ed25519 verify and sign (libsodium, a 200-byte message: the size of a
 * check-in entry's payload), verify on every core at once, a valgkit
 * COSE_Sign1 made by vk_cose (sign plus the verify-before-return that
 * vk_keypair_sign does), and SHA-256 over large buffers and over
 * entry-sized ones.  Each loop runs for a fixed time (about 2 s) so that
 * the figures do not depend on a guessed iteration count.
 *
 * Usage: bench-crypto [SECONDS]
 */
#include <sodium.h>
#include <stdlib.h>

#include "vk-bench.h"

#define BENCH "bench-crypto"

static double seconds = 2.0;

typedef struct
{
  const guint8 *pk;
  const guint8 *msg;
  const guint8 *sig;
  guint64 done;
} VerifyJob;

static gpointer
verify_thread (gpointer data)
{
  VerifyJob *job = data;
  double end = vk_bench_now () + seconds;

  while (TRUE)
    {
      for (guint i = 0; i < 64; i++)
        if (crypto_sign_verify_detached (job->sig, job->msg, 200, job->pk) != 0)
          g_error ("verify failed");
      job->done += 64;
      if (vk_bench_now () >= end)
        break;
    }
  return NULL;
}

int
main (int argc, char **argv)
{
  guint8 pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  guint8 msg[200], sig[crypto_sign_BYTES];
  guint n_cpu = g_get_num_processors ();
  g_autoptr (VkKeypair) key = vk_bench_key_for ("bench");
  double t, rate, start;
  guint64 n;

  if (argc > 1)
    seconds = g_ascii_strtod (argv[1], NULL);
  if (sodium_init () < 0)
    return 1;
  crypto_sign_keypair (pk, sk);
  randombytes_buf (msg, sizeof msg);
  crypto_sign_detached (sig, NULL, msg, sizeof msg, sk);

  /* Verify, one core. */
  {
    VerifyJob job = { pk, msg, sig, 0 };
    start = vk_bench_now ();
    verify_thread (&job);
    t = vk_bench_now () - start;
    rate = job.done / t;
    printf ("%s: Ed25519 verify: %" G_GUINT64_FORMAT " in %.2f s: %.0f/s (%.1f µs each)\n", BENCH, job.done, t, rate,
            1e6 / rate);
    vk_bench_result (BENCH, "ed25519_verify", rate, "ops/s", -1, "-", "Ed25519 verify, 1 core (libsodium)");
  }

  /* Verify on every core. */
  {
    g_autofree VerifyJob *jobs = g_new0 (VerifyJob, n_cpu);
    g_autofree GThread **threads = g_new0 (GThread *, n_cpu);
    guint64 total = 0;

    start = vk_bench_now ();
    for (guint i = 0; i < n_cpu; i++)
      {
        jobs[i] = (VerifyJob){ pk, msg, sig, 0 };
        threads[i] = g_thread_new ("verify", verify_thread, &jobs[i]);
      }
    for (guint i = 0; i < n_cpu; i++)
      {
        g_thread_join (threads[i]);
        total += jobs[i].done;
      }
    t = vk_bench_now () - start;
    rate = total / t;
    printf ("%s: Ed25519 verify on %u threads: %.0f/s\n", BENCH, n_cpu, rate);
    {
      g_autofree char *label = g_strdup_printf ("Ed25519 verify, %u threads (all cores)", n_cpu);
      vk_bench_result (BENCH, "ed25519_verify_all_cores", rate, "ops/s", -1, "-", label);
    }
  }

  /* Sign. */
  n = 0;
  start = vk_bench_now ();
  do
    {
      for (guint i = 0; i < 64; i++)
        crypto_sign_detached (sig, NULL, msg, sizeof msg, sk);
      n += 64;
    }
  while ((t = vk_bench_now () - start) < seconds);
  rate = n / t;
  printf ("%s: Ed25519 sign: %.0f/s (%.1f µs each)\n", BENCH, rate, 1e6 / rate);
  vk_bench_result (BENCH, "ed25519_sign", rate, "ops/s", -1, "-", "Ed25519 sign, 1 core (libsodium)");

  /* vk_cose_sign1_create: what every journal entry costs to make. */
  n = 0;
  start = vk_bench_now ();
  do
    {
      for (guint i = 0; i < 16; i++)
        {
          g_autoptr (GBytes) cose = vk_cose_sign1_create (msg, sizeof msg, key, NULL);
          if (cose == NULL)
            g_error ("vk_cose_sign1_create failed");
        }
      n += 16;
    }
  while ((t = vk_bench_now () - start) < seconds);
  rate = n / t;
  printf ("%s: vk_cose_sign1_create: %.0f/s\n", BENCH, rate);
  vk_bench_result (BENCH, "cose_sign1_create", rate, "ops/s", -1, "-",
                   "vk_cose_sign1_create (sign + verify-before-return), 1 core");

  /* SHA-256, 1 MiB buffers. */
  {
    gsize len = 1 << 20;
    g_autofree guint8 *buf = g_malloc (len);
    guint8 digest[32];

    randombytes_buf (buf, len);
    n = 0;
    start = vk_bench_now ();
    do
      {
        crypto_hash_sha256 (digest, buf, len);
        n++;
      }
    while ((t = vk_bench_now () - start) < seconds);
    rate = (double)n * len / t / 1e6;
    printf ("%s: SHA-256 (1 MiB buffers): %.0f MB/s\n", BENCH, rate);
    vk_bench_result (BENCH, "sha256_bulk", rate, "MB/s", -1, "-", "SHA-256, 1 MiB buffers, 1 core (libsodium)");

    /* Entry-sized: the chain hash of every entry. */
    n = 0;
    start = vk_bench_now ();
    do
      {
        for (guint i = 0; i < 1024; i++)
          crypto_hash_sha256 (digest, msg, sizeof msg);
        n += 1024;
      }
    while ((t = vk_bench_now () - start) < seconds);
    rate = n / t;
    printf ("%s: SHA-256 of 200 bytes: %.0f/s\n", BENCH, rate);
    vk_bench_result (BENCH, "sha256_200b", rate, "hashes/s", -1, "-", "SHA-256 of a 200-byte payload, 1 core");
  }
  return 0;
}
