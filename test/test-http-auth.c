/* test-http-auth.c: every read needs credentials (issue 12, item 6).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A real `valgkit serve` on loopback and an in-process peer server: no
 * read without an RFC 9421 signature of an enrolled device (vk-http-sig.h),
 * each role within its reach (vk-http-reach.h), results public only once
 * published, and an independent Python client
 * (test/interop/http_sig_client.py) accepted.
 */
#include <libsoup/soup.h>

#include "vk-count.h"
#include "vk-entry-schema.h"
#include "vk-error.h"
#include "vk-http-reach.h"
#include "vk-http-sig.h"
#include "vk-journal.h"
#include "vk-net.h"
#include "vk-station.h"
#include "vk-sync-runner.h"
#include "vk-sync.h"
#include "vk-test-stations.h"
#include "vk-text.h"

/* The test election of vk-test-stations.h plus the roles it lacks. */
typedef struct
{
  VkTestElection f;
  VkKeypair *key_revisor;
  VkKeypair *key_brev;
  VkKeypair *key_styrer;
  char *db_a; /* bord-a's station database, two check-ins */
  char *db_x; /* bord-x's (the other area), one check-in */
} Fixture;

static void
fixture_setup (Fixture *fx)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) election_key = vk_test_key (0xe1); /* vk_test_election_setup's */
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint64 from = now - 24 * 3600 * 1000ull, to = now + 30 * 24 * 3600 * 1000ull;
  VkTestElection *f = &fx->f;

  vk_test_election_setup (f);
  fx->key_revisor = vk_test_key (0x7e);
  fx->key_brev = vk_test_key (0x8b);
  fx->key_styrer = vk_test_key (0x55);
  g_assert_true (vk_package_enroll (f->package, election_key, "revisor-1", "revisor", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (fx->key_revisor), from, to, &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "brev-1", "brevstemmested", VK_PACKAGE_NO_AREA,
                                    vk_keypair_get_public_key (fx->key_brev), from, to, &error));
  g_assert_true (vk_package_enroll (f->package, election_key, "styrer-1", "valgstyrer", f->area,
                                    vk_keypair_get_public_key (fx->key_styrer), from, to, &error));
  g_assert_no_error (error);
  vk_package_free (f->package);
  f->package = vk_package_open (f->pkg_path, &error);
  g_assert_no_error (error);

  fx->db_a = vk_test_election_path (f, "bord-a.db");
  fx->db_x = vk_test_election_path (f, "bord-x.db");
  {
    g_autoptr (VkStation) a = vk_station_open (f->package, fx->db_a, "bord-a", f->key_a, &error);
    g_autoptr (VkStation) x = NULL;
    g_assert_no_error (error);
    vk_station_check_in (a, f->voters[0], VK_CHECKIN_SCAN, FALSE, &error);
    g_assert_no_error (error);
    vk_station_check_in (a, f->voters[1], VK_CHECKIN_SCAN, FALSE, &error);
    g_assert_no_error (error);
    x = vk_station_open (f->package, fx->db_x, "bord-x", f->key_x, &error);
    g_assert_no_error (error);
  }
}

static void
fixture_clear (Fixture *fx)
{
  g_clear_pointer (&fx->key_revisor, vk_keypair_free);
  g_clear_pointer (&fx->key_brev, vk_keypair_free);
  g_clear_pointer (&fx->key_styrer, vk_keypair_free);
  g_clear_pointer (&fx->db_a, g_free);
  g_clear_pointer (&fx->db_x, g_free);
  vk_test_election_clear (&fx->f);
}

/* Pushes a station database to the server (signed or not). */
static void
push (Fixture *fx, const char *db, const char *device, const VkKeypair *key, const char *url)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSync) sync = vk_sync_new (fx->f.package, db, device, &error);
  VkSyncStats stats = { 0 };

  g_assert_no_error (error);
  if (key != NULL)
    vk_sync_set_key (sync, key);
  g_assert_true (vk_sync_push_to_server (sync, url, NULL, &stats, &error));
  g_assert_no_error (error);
}

static char *
text_of (GBytes *bytes)
{
  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* A GET; returns the status and checks that a refusal is JSON with code. */
static guint
get (const char *base, const char *path, const VkKeypair *key, const char *device, const char *code)
{
  g_autofree char *url = g_strconcat (base, path, NULL);
  g_autoptr (GBytes) answer = NULL;
  g_autofree char *text = NULL;
  guint status = key != NULL ? vk_test_http_signed ("GET", url, NULL, NULL, key, device, &answer)
                             : vk_test_http ("GET", url, NULL, NULL, &answer);

  text = text_of (answer);
  {
    /* A journal answer is binary CBOR: escaped, so the TAP stream stays text. */
    g_autofree char *shown = vk_text_escape_controls (text);
    g_test_message ("GET %s as %s → %u %.200s", path, device != NULL ? device : "(unsigned)", status,
                    g_utf8_validate (shown, -1, NULL) ? shown : "(binary)");
  }
  if (code != NULL)
    {
      g_autofree char *quoted = g_strdup_printf ("\"code\" : \"%s\"", code);
      g_autofree char *compact = g_strdup_printf ("\"code\":\"%s\"", code);
      g_assert_true (strstr (text, quoted) != NULL || strstr (text, compact) != NULL);
      /* A refusal carries no data: never a journal's CBOR. */
      g_assert_true (g_str_has_prefix (text, "{"));
      if (status == SOUP_STATUS_UNAUTHORIZED)
        g_assert_nonnull (strstr (text, "authenticate"));
    }
  return status;
}

/* The number of entries a 200 journal answer holds. */
static guint
journal_len (const char *base, const char *device, const VkKeypair *key, const char *reader)
{
  g_autofree char *url = g_strdup_printf ("%s/v1/journals/%s", base, device);
  g_autoptr (GBytes) answer = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) entries = NULL;

  g_assert_cmpuint (vk_test_http_signed ("GET", url, NULL, NULL, key, reader, &answer), ==, 200);
  if (g_bytes_get_size (answer) == 0)
    return 0;
  entries = vk_journal_parse (g_bytes_get_data (answer, NULL), g_bytes_get_size (answer), url, &error);
  g_assert_no_error (error);
  return entries->len;
}

/* 1. The count server: who may read what, and what a signature must be. */
static void
test_count_server_auth (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  VkTestServer server;
  g_autofree char *count_db = NULL;
  g_autofree char *journal_url = NULL;
  guint n_a;

  fixture_setup (&fx);
  count_db = vk_test_election_path (f, "count.db");
  vk_test_server_start (&server, f, count_db);

  /* Pushing stays open (every entry is signed); signed pushes work too. */
  push (&fx, fx.db_a, "bord-a", NULL, server.url);
  push (&fx, fx.db_x, "bord-x", f->key_x, server.url);
  journal_url = g_strconcat (server.url, "/v1/journals/bord-a", NULL);

  /* Unauthenticated: 401 and no data. */
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", NULL, NULL, "unauthenticated"), ==, 401);
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a?after=0", NULL, NULL, "unauthenticated"), ==, 401);
  g_assert_cmpuint (get (server.url, "/v1/discrepancies", NULL, NULL, "unauthenticated"), ==, 401);
  /* /v1/status is public. */
  g_assert_cmpuint (get (server.url, "/v1/status", NULL, NULL, NULL), ==, 200);

  /* A key enrolled nowhere: as itself, and claiming bord-a's id. */
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", f->key_stranger, "stranger", "unauthenticated"), ==, 401);
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", f->key_stranger, "bord-a", "unauthenticated"), ==, 401);

  /* Reach: a valgbord reads its own area's journals, not another area's. */
  n_a = journal_len (server.url, "bord-a", f->key_a, "bord-a");
  g_assert_cmpuint (n_a, >=, 3); /* device.open and two check-ins */
  g_assert_cmpuint (journal_len (server.url, "bord-a", f->key_b, "bord-b"), ==, n_a);
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", f->key_x, "bord-x", "forbidden"), ==, 403);
  g_assert_cmpuint (journal_len (server.url, "bord-x", f->key_x, "bord-x"), >=, 1);
  /* A brevstemme team reads its own journal only; a valgstyrer nothing. */
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", fx.key_brev, "brev-1", "forbidden"), ==, 403);
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", fx.key_styrer, "styrer-1", "forbidden"), ==, 403);
  /* The revisor reads everything. */
  g_assert_cmpuint (journal_len (server.url, "bord-a", fx.key_revisor, "revisor-1"), ==, n_a);
  g_assert_cmpuint (get (server.url, "/v1/discrepancies", fx.key_revisor, "revisor-1", NULL), ==, 200);
  g_assert_cmpuint (get (server.url, "/v1/discrepancies", f->key_a, "bord-a", "forbidden"), ==, 403);
  g_assert_cmpuint (get (server.url, "/v1/discrepancies", fx.key_styrer, "styrer-1", "forbidden"), ==, 403);

  /* A replayed request (the same nonce) is refused; created 10 minutes
   * old, or 10 minutes ahead, is refused. */
  {
    VkTestHttp h1 = { "GET", journal_url, NULL, NULL, 0, NULL, NULL, FALSE, f->key_a, "bord-a", 0, "replay-1", NULL };
    VkTestHttp h2 = h1;
    VkTestHttp old = h1;
    VkTestHttp ahead = h1;
    g_autoptr (GBytes) answer = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpuint (vk_test_http_request (&h1, NULL), ==, 200);
    g_assert_cmpuint (vk_test_http_request (&h2, &answer), ==, 401);
    text = text_of (answer);
    g_assert_nonnull (strstr (text, "replayed"));
    old.nonce = "old-1";
    old.created = g_get_real_time () / G_USEC_PER_SEC - 600;
    g_assert_cmpuint (vk_test_http_request (&old, NULL), ==, 401);
    ahead.nonce = "ahead-1";
    ahead.created = g_get_real_time () / G_USEC_PER_SEC + 600;
    g_assert_cmpuint (vk_test_http_request (&ahead, NULL), ==, 401);
  }

  /* A body altered after signing is refused, and nothing of it stored:
   * bord-b's journal (not pushed yet) under a signature of another body. */
  {
    g_autoptr (GError) error = NULL;
    g_autofree char *db_b = vk_test_election_path (f, "bord-b.db");
    g_autoptr (VkStation) b = vk_station_open (f->package, db_b, "bord-b", f->key_b, &error);
    g_autoptr (GPtrArray) entries = NULL;
    g_autoptr (GBytes) real = NULL;
    g_autoptr (GBytes) other = g_bytes_new_static ("\x80", 1);
    g_autofree char *post_url = g_strconcat (server.url, "/v1/journals", NULL);
    VkTestHttp h
        = { "POST", post_url, "application/cbor-seq", NULL, 0, NULL, NULL, FALSE, f->key_b, "bord-b", 0, NULL, NULL };

    g_assert_no_error (error);
    vk_station_check_in (b, f->voters[2], VK_CHECKIN_SCAN, FALSE, &error);
    g_assert_no_error (error);
    entries = vk_journal_dup_entries (vk_station_get_journal (b), 0, &error);
    g_assert_no_error (error);
    real = vk_journal_serialize (entries);
    h.body = real;
    h.signed_body = other;
    g_assert_cmpuint (vk_test_http_request (&h, NULL), ==, 401);
    g_assert_cmpuint (journal_len (server.url, "bord-b", fx.key_revisor, "revisor-1"), ==, 0);
    /* The same body signed as it is sent is taken. */
    h = (VkTestHttp){ "POST", post_url, "application/cbor-seq", real, 0, NULL, NULL, FALSE, f->key_b, "bord-b", 0,
                      NULL,   NULL };
    g_assert_cmpuint (vk_test_http_request (&h, NULL), ==, 200);
    g_assert_cmpuint (journal_len (server.url, "bord-b", fx.key_revisor, "revisor-1"), ==, entries->len);
  }

  /* None of the refusals above became a finding or a stored refusal. */
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/discrepancies", NULL);
    g_autoptr (GBytes) answer = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpuint (vk_test_http_signed ("GET", url, NULL, NULL, fx.key_revisor, "revisor-1", &answer), ==, 200);
    text = text_of (answer);
    g_assert_null (strstr (text, "\"D21\""));
    g_assert_null (strstr (text, "stranger"));
  }

  vk_test_server_stop (&server, FALSE);
  fixture_clear (&fx);
}

/* 2. Results are public only once published (result.published). */
static void
test_count_server_publication (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  VkTestServer server;
  g_autofree char *count_db = NULL;
  g_autoptr (GError) error = NULL;

  fixture_setup (&fx);
  count_db = vk_test_election_path (f, "count.db");
  vk_test_server_start (&server, f, count_db);
  push (&fx, fx.db_a, "bord-a", f->key_a, server.url);

  g_assert_cmpuint (get (server.url, "/v1/results?kind=fintaelling", NULL, NULL, "not-published"), ==, 403);
  g_assert_cmpuint (get (server.url, "/v1/mandates?kind=fintaelling", NULL, NULL, "not-published"), ==, 403);
  g_assert_cmpuint (get (server.url, "/v1/results?kind=fintaelling", f->key_a, "bord-a", "not-published"), ==, 403);
  g_assert_cmpuint (get (server.url, "/v1/results?kind=fintaelling", fx.key_revisor, "revisor-1", NULL), ==, 200);
  vk_test_server_stop (&server, FALSE);

  /* `valgkit publish` refuses a result nobody has counted yet... */
  {
    const char *argv[] = { vk_test_valgkit (), "publish", "--db",        count_db, "--election", f->pkg_path, "--key",
                           f->server_key_path, "--kind",  "fintaelling", NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_setenv ("VALGKIT_PASSPHRASE", VK_TEST_PASSPHRASE, TRUE);
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 1);
    g_assert_nonnull (strstr (err, "no area has a signed-off"));
  }
  /* ...so the act is journaled here as the count server does it
   * (vk_count_publish_result, what `print results` calls). */
  {
    g_autoptr (VkCount) count = vk_count_open (count_db, f->package, f->key_server, &error);
    g_autoptr (VkEntry) entry = NULL;
    guint8 digest[32] = { 0 };

    g_assert_no_error (error);
    g_assert_false (vk_count_is_published (count, NULL, VK_RESULT_FINTAELLING));
    entry = vk_count_publish_result (count, NULL, VK_RESULT_FINTAELLING, digest, &error);
    g_assert_no_error (error);
    g_assert_true (vk_count_is_published (count, NULL, VK_RESULT_FINTAELLING));
    g_assert_false (vk_count_is_published (count, NULL, VK_RESULT_FORELOEBIG));
  }
  vk_test_server_start (&server, f, count_db);
  g_assert_cmpuint (get (server.url, "/v1/results?kind=fintaelling", NULL, NULL, NULL), ==, 200);
  g_assert_cmpuint (get (server.url, "/v1/results?kind=foreloebig", NULL, NULL, "not-published"), ==, 403);
  /* Publishing opens results, nothing else. */
  g_assert_cmpuint (get (server.url, "/v1/journals/bord-a", NULL, NULL, "unauthenticated"), ==, 401);
  g_assert_cmpuint (get (server.url, "/v1/discrepancies", NULL, NULL, "unauthenticated"), ==, 401);
  vk_test_server_stop (&server, FALSE);
  fixture_clear (&fx);
}

/* 3. The independent Python client (RFC 9421 from the RFC and
 * docs/api.md) is accepted, and `valgkit http-get` reads. */
static void
test_independent_clients (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  VkTestServer server;
  g_autofree char *count_db = NULL;
  g_autofree char *key_path = NULL;
  g_autofree char *revisor_path = NULL;
  g_autofree char *x_path = NULL;
  g_autofree char *script = g_test_build_filename (G_TEST_DIST, "interop", "http_sig_client.py", NULL);
  g_autoptr (GError) error = NULL;
  const char *python = g_getenv ("PYTHON3") != NULL ? g_getenv ("PYTHON3") : "python3";

  fixture_setup (&fx);
  count_db = vk_test_election_path (f, "count.db");
  key_path = vk_test_election_path (f, "bord-a.key");
  revisor_path = vk_test_election_path (f, "revisor-1.key");
  x_path = vk_test_election_path (f, "bord-x.key");
  g_assert_true (
      vk_keypair_save (f->key_x, x_path, VK_TEST_PASSPHRASE, VK_KDF_INTERACTIVE, "valgbord", "bord-x", &error));
  g_assert_true (
      vk_keypair_save (f->key_a, key_path, VK_TEST_PASSPHRASE, VK_KDF_INTERACTIVE, "valgbord", "bord-a", &error));
  g_assert_true (vk_keypair_save (fx.key_revisor, revisor_path, VK_TEST_PASSPHRASE, VK_KDF_INTERACTIVE, "revisor",
                                  "revisor-1", &error));
  g_assert_no_error (error);
  g_setenv ("VALGKIT_PASSPHRASE", VK_TEST_PASSPHRASE, TRUE);
  vk_test_server_start (&server, f, count_db);
  push (&fx, fx.db_a, "bord-a", f->key_a, server.url);

  {
    g_autofree char *url = g_strconcat (server.url, "/v1/journals/bord-a?after=0", NULL);
    const char *argv[] = { python, script, "--key", key_path, "--device", "bord-a", url, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    int rc = vk_test_spawn (argv, &out, &err);

    g_test_message ("python: %s %s", out, err);
    g_assert_cmpint (rc, ==, 0);
    g_assert_true (g_str_has_prefix (out, "200\n"));
  }
  /* The Python client's POST with Content-Digest is taken too. */
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/journals", NULL);
    g_autofree char *batch = vk_test_election_path (f, "bord-a.cbor");
    g_autoptr (VkSync) j = vk_sync_new (f->package, fx.db_a, "bord-a", &error);
    g_autoptr (GPtrArray) entries = NULL;
    g_autoptr (GBytes) bytes = NULL;
    const char *argv[] = { python, script, "--key", key_path, "--device", "bord-a", "--post", batch, url, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;

    g_assert_no_error (error);
    entries = vk_journal_dup_entries (vk_sync_get_journal (j), 0, &error);
    g_assert_no_error (error);
    bytes = vk_journal_serialize (entries);
    g_assert_true (g_file_set_contents (batch, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error));
    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_test_message ("python POST: %s %s", out, err);
    g_assert_true (g_str_has_prefix (out, "200\n"));
  }
  /* A Python request signed with bord-a's key for another area's journal: 403. */
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/discrepancies", NULL);
    const char *argv[] = { python, script, "--key", key_path, "--device", "bord-a", url, NULL };
    g_autofree char *out = NULL;

    g_assert_cmpint (vk_test_spawn (argv, &out, NULL), ==, 0);
    g_assert_true (g_str_has_prefix (out, "403\n"));
  }
  /* valgkit http-get: the revisor's key reads the discrepancies; no key: 401. */
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/discrepancies", NULL);
    const char *argv[] = { vk_test_valgkit (), "http-get", "--key", revisor_path, url, NULL };
    const char *anon[] = { vk_test_valgkit (), "http-get", url, NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;

    g_assert_cmpint (vk_test_spawn (argv, &out, &err), ==, 0);
    g_assert_nonnull (strstr (out, "\"findings\""));
    g_assert_nonnull (strstr (err, "HTTP 200"));
    g_assert_cmpint (vk_test_spawn (anon, &out2, &err2), ==, 1);
    g_assert_nonnull (strstr (err2, "HTTP 401"));
    g_assert_nonnull (strstr (out2, "unauthenticated"));
  }
  /* valgkit push --key signs its requests; a key that is not the
   * device's is refused before anything is sent. */
  {
    const char *ok_argv[] = { vk_test_valgkit (), "push",     "--election", f->pkg_path, "--db", fx.db_x,
                              "--server",         server.url, "--key",      x_path,      NULL };
    const char *bad_argv[] = { vk_test_valgkit (), "push",     "--election", f->pkg_path, "--db", fx.db_x,
                               "--server",         server.url, "--key",      key_path,    NULL };
    g_autofree char *out = NULL;
    g_autofree char *err = NULL;
    g_autofree char *out2 = NULL;
    g_autofree char *err2 = NULL;

    g_assert_cmpint (vk_test_spawn (bad_argv, &out2, &err2), ==, 2);
    g_assert_nonnull (strstr (err2, "not the key enrolled for device bord-x"));
    g_assert_cmpint (vk_test_spawn (ok_argv, &out, &err), ==, 0);
    g_test_message ("push: %s %s", out, err);
    g_assert_nonnull (strstr (out, "receipt bord-x"));
    g_assert_cmpuint (journal_len (server.url, "bord-x", fx.key_revisor, "revisor-1"), >=, 1);
  }
  vk_test_server_stop (&server, FALSE);
  fixture_clear (&fx);
}

/* vk_sync_with_peer() from a thread (the peer server runs on this one's
 * main context). */
typedef struct
{
  const char *db;
  const char *device;
  const VkKeypair *key;
  const char *url;
  VkPackage *package;
  gboolean ok;
  char *error;
  gint done;
} PeerRun;

static gpointer
peer_thread (gpointer data)
{
  PeerRun *p = data;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkSync) sync = vk_sync_new (p->package, p->db, p->device, &error);
  VkSyncStats stats = { 0 };

  g_assert_no_error (error);
  if (p->key != NULL)
    vk_sync_set_key (sync, p->key);
  p->ok = vk_sync_with_peer (sync, p->url, NULL, &stats, &error);
  if (!p->ok)
    p->error = g_strdup (error->message);
  g_atomic_int_set (&p->done, TRUE);
  return NULL;
}

static gboolean
peer_done (gpointer data)
{
  return g_atomic_int_get (&((PeerRun *)data)->done);
}

static void
peer_run (PeerRun *p)
{
  GThread *thread = g_thread_new ("peer", peer_thread, p);

  g_assert_true (vk_test_spin_until (peer_done, p, 30000));
  g_thread_join (thread);
  g_test_message ("peer sync as %s: %s", p->device, p->ok ? "ok" : p->error);
}

/* 4. A table's peer server: heads and journals within the reader's reach. */
static void
test_peer_reach (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  g_autoptr (GError) error = NULL;
  g_autofree char *db_b = NULL;
  g_autoptr (VkSyncServer) server = NULL;
  g_autofree char *heads_url = NULL;
  const char *base;

  fixture_setup (&fx);
  db_b = vk_test_election_path (f, "bord-b.db");
  {
    g_autoptr (VkStation) b = vk_station_open (f->package, db_b, "bord-b", f->key_b, &error);
    g_assert_no_error (error);
  }
  server = vk_sync_server_new (f->package, db_b, "bord-b", &error);
  g_assert_no_error (error);
  g_assert_true (vk_sync_server_listen (server, "127.0.0.1:0", NULL, NULL, &error));
  base = vk_sync_server_get_url (server);
  heads_url = g_strconcat (base, "/v1/heads", NULL);

  /* bord-a's journal reaches bord-b by a push (POST stays open)... */
  {
    g_autofree char *url = g_strconcat (base, "/v1/journals", NULL);
    g_autoptr (VkSync) j = vk_sync_new (f->package, fx.db_a, "bord-a", &error);
    g_autoptr (GPtrArray) entries = vk_journal_dup_entries (vk_sync_get_journal (j), 0, &error);
    g_autoptr (GBytes) bytes = vk_journal_serialize (entries);

    g_assert_cmpuint (vk_test_http_signed ("POST", url, "application/cbor-seq", bytes, f->key_a, "bord-a", NULL), ==,
                      200);
  }
  g_assert_cmpuint (get (base, "/v1/heads", NULL, NULL, "unauthenticated"), ==, 401);
  g_assert_cmpuint (get (base, "/v1/journals/bord-a", NULL, NULL, "unauthenticated"), ==, 401);
  g_assert_cmpuint (get (base, "/v1/journals/bord-a", f->key_x, "bord-x", "forbidden"), ==, 403);
  g_assert_cmpuint (get (base, "/v1/journals/bord-b", f->key_a, "bord-a", NULL), ==, 200);
  g_assert_cmpuint (get (base, "/v1/journals/bord-a", fx.key_revisor, "revisor-1", NULL), ==, 200);
  g_assert_cmpuint (get (base, "/v1/heads", fx.key_styrer, "styrer-1", "forbidden"), ==, 403);

  /* The heads list shows a reader only what it may pull. */
  {
    g_autoptr (GBytes) answer = NULL;
    g_autofree char *text = NULL;

    g_assert_cmpuint (vk_test_http_signed ("GET", heads_url, NULL, NULL, f->key_x, "bord-x", &answer), ==, 200);
    text = text_of (answer);
    g_assert_null (strstr (text, "\"bord-a\""));
    g_clear_pointer (&answer, g_bytes_unref);
    g_clear_pointer (&text, g_free);
    g_assert_cmpuint (vk_test_http_signed ("GET", heads_url, NULL, NULL, f->key_a, "bord-a", &answer), ==, 200);
    text = text_of (answer);
    g_assert_nonnull (strstr (text, "\"bord-b\""));
  }

  /* The sync client signs: without a key a peer exchange is refused,
   * with bord-a's it pulls bord-b's journal; bord-x's pulls nothing of
   * bord-a (not in its reach). */
  {
    PeerRun no_key = { fx.db_a, "bord-a", NULL, base, f->package };
    PeerRun with_key = { fx.db_a, "bord-a", f->key_a, base, f->package };
    PeerRun other_area = { fx.db_x, "bord-x", f->key_x, base, f->package };
    g_autoptr (VkSync) reader = NULL;
    g_autoptr (GPtrArray) held = NULL;

    peer_run (&no_key);
    g_assert_false (no_key.ok);
    g_assert_nonnull (strstr (no_key.error, "401"));
    peer_run (&with_key);
    g_assert_true (with_key.ok);
    peer_run (&other_area);
    g_assert_true (other_area.ok);
    reader = vk_sync_new (f->package, fx.db_x, "bord-x", &error);
    g_assert_no_error (error);
    held = vk_journal_dup_device_entries (vk_sync_get_journal (reader), "bord-a", 0, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (held->len, ==, 0);
    g_free (no_key.error);
    g_free (with_key.error);
    g_free (other_area.error);
  }
  fixture_clear (&fx);
}

/* A revisor's key only reads: an entry it signs is refused by the schema
 * and by the count server. */
static void
test_revisor_writes_nothing (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  VkTestServer server;
  g_autoptr (GError) error = NULL;
  g_autofree char *count_db = NULL;
  g_autofree char *db = NULL;
  g_autoptr (VkJournal) journal = NULL;
  g_autoptr (VkCbor) body = vk_cbor_new_map ();
  g_autoptr (VkEntry) entry = NULL;
  g_autoptr (GPtrArray) entries = g_ptr_array_new ();
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *url = NULL;
  const VkDevice *revisor;

  fixture_setup (&fx);
  revisor = vk_package_lookup_device (f->package, "revisor-1");
  g_assert_nonnull (revisor);
  g_assert_cmpint (revisor->role_id, ==, VK_ROLE_REVISOR);
  db = vk_test_election_path (f, "revisor.db");
  journal = vk_journal_open (db, vk_package_get_election_id (f->package), "revisor-1", &error);
  g_assert_no_error (error);
  vk_cbor_map_set_text (body, "role", "revisor");
  vk_cbor_map_set_text (body, "software", "test");
  vk_cbor_map_insert_text (body, "area", vk_cbor_new_null ());
  entry = vk_journal_append (journal, fx.key_revisor, "device.open", body, &error);
  g_assert_no_error (error);
  g_assert_false (vk_entry_schema_check (revisor, vk_package_get_election (f->package), entry, &error));
  g_assert_error (error, VK_ENTRY_ERROR, VK_ENTRY_ERROR_ROLE);
  g_clear_error (&error);

  count_db = vk_test_election_path (f, "count.db");
  vk_test_server_start (&server, f, count_db);
  g_ptr_array_add (entries, entry);
  bytes = vk_journal_serialize (entries);
  url = g_strconcat (server.url, "/v1/journals", NULL);
  g_assert_cmpuint (vk_test_http_signed ("POST", url, "application/cbor-seq", bytes, fx.key_revisor, "revisor-1", NULL),
                    >=, 400);
  g_assert_cmpuint (journal_len (server.url, "revisor-1", fx.key_revisor, "revisor-1"), ==, 0);
  vk_test_server_stop (&server, FALSE);
  fixture_clear (&fx);
}

static void
run_openssl (const char *const *argv)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int rc = vk_test_spawn (argv, &out, &err);

  if (rc != 0)
    g_error ("%s %s: %s", argv[0], argv[1], err);
}

/* A test CA made with openssl: ca.pem, ca-key.pem in the election's
 * folder. */
static void
make_ca (VkTestElection *f, const char *openssl, char **ret_ca, char **ret_ca_key)
{
  *ret_ca = vk_test_election_path (f, "ca.pem");
  *ret_ca_key = vk_test_election_path (f, "ca-key.pem");
  {
    const char *mk_ca[] = {
      openssl,     "req",  "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes", "-keyout",
      *ret_ca_key, "-out", *ret_ca, "-days",   "2",  "-subj",    "/CN=valgkit test CA",          NULL
    };
    run_openssl (mk_ca);
  }
}

/* A server certificate for 127.0.0.1 signed by the CA: NAME.pem and
 * NAME-key.pem. */
static void
make_server_certificate (VkTestElection *f, const char *openssl, const char *ca, const char *ca_key, const char *name,
                         char **ret_cert, char **ret_key)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *cert_name = g_strconcat (name, ".pem", NULL);
  g_autofree char *key_name = g_strconcat (name, "-key.pem", NULL);
  g_autofree char *csr_name = g_strconcat (name, ".csr", NULL);
  g_autofree char *csr = vk_test_election_path (f, csr_name);
  g_autofree char *ext = vk_test_election_path (f, "server.ext");
  g_autofree char *serial = vk_test_election_path (f, "ca.srl");

  *ret_cert = vk_test_election_path (f, cert_name);
  *ret_key = vk_test_election_path (f, key_name);
  g_assert_true (g_file_set_contents (ext,
                                      "subjectAltName=IP:127.0.0.1\nbasicConstraints=CA:FALSE\n"
                                      "keyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n",
                                      -1, &error));
  {
    const char *mk_csr[] = { openssl,         "req",     "-newkey", "ec",   "-pkeyopt", "ec_paramgen_curve:prime256v1",
                             "-nodes",        "-keyout", *ret_key,  "-out", csr,        "-subj",
                             "/CN=127.0.0.1", NULL };
    const char *sign[]
        = { openssl,           "x509", "-req",    "-in",   csr, "-CA",      ca,  "-CAkey", ca_key, "-CAserial", serial,
            "-CAcreateserial", "-out", *ret_cert, "-days", "2", "-extfile", ext, NULL };
    run_openssl (mk_csr);
    run_openssl (sign);
  }
}

static char *
certificate_fingerprint (const char *path)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GTlsCertificate) c = g_tls_certificate_new_from_file (path, &error);

  g_assert_no_error (error);
  return vk_net_certificate_fingerprint (c);
}

/* The pinned certificate is required always: a certificate a trusted CA
 * issued for the same address, but not the pinned one, is refused before
 * anything is sent (before, the pin counted only when the CA check
 * failed). */
static void
test_pin_always (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  VkTestServer server;
  g_autoptr (GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *count_db = NULL;
  g_autofree char *ca = NULL, *ca_key = NULL, *cert = NULL, *key = NULL;
  g_autofree char *err = NULL;
  g_autofree char *right = NULL;
  g_autoptr (GTlsDatabase) trust = NULL;
  g_autoptr (VkSync) sync = NULL;
  VkSyncStats stats = { 0 };
  const char *wrong = "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff";

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed to make test certificates");
      return;
    }
  fixture_setup (&fx);
  make_ca (f, openssl, &ca, &ca_key);
  make_server_certificate (f, openssl, ca, ca_key, "server", &cert, &key);
  trust = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  right = certificate_fingerprint (cert);

  count_db = vk_test_election_path (f, "count.db");
  {
    const char *extra[] = { "--tls-cert", cert, "--tls-key", key, NULL };
    g_assert_true (vk_test_server_try_start (&server, f, count_db, "127.0.0.1:0", extra, &err));
  }
  g_assert_true (g_str_has_prefix (server.url, "https://127.0.0.1:"));
  sync = vk_sync_new (f->package, fx.db_a, "bord-a", &error);
  g_assert_no_error (error);
  vk_sync_set_key (sync, f->key_a);
  vk_sync_set_tls_database (sync, trust);

  /* A wrong pin: refused although the CA vouches for the certificate. */
  vk_sync_set_pinned_certificate (sync, wrong);
  g_assert_false (vk_sync_push_to_server (sync, server.url, NULL, &stats, &error));
  g_test_message ("wrong pin: %s", error->message);
  g_assert_error (error, VK_ERROR, VK_ERROR_IO);
  g_assert_nonnull (strstr (error->message, "not the pinned one"));
  g_clear_error (&error);
  g_assert_cmpuint (stats.pushed, ==, 0);
  vk_sync_set_pinned_certificate (sync, right);
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/journals/bord-a", NULL);
    g_autofree char *out = NULL;
    const char *argv[] = { vk_test_valgkit (), "http-get", "--pin", wrong, url, NULL };
    g_autofree char *stdout_text = NULL;
    g_autofree char *stderr_text = NULL;

    /* valgkit http-get refuses a wrong pin the same way. */
    g_assert_cmpint (vk_test_spawn (argv, &stdout_text, &stderr_text), ==, 1);
    g_assert_nonnull (strstr (stderr_text, "not the pinned one"));
  }
  /* The right pin, and no pin (the CA vouches): both push. */
  g_assert_true (vk_sync_push_to_server (sync, server.url, NULL, &stats, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (stats.pushed, >, 0);
  vk_sync_set_pinned_certificate (sync, NULL);
  g_assert_true (vk_sync_push_to_server (sync, server.url, NULL, &stats, &error));
  g_assert_no_error (error);
  vk_test_server_stop (&server, FALSE);
  fixture_clear (&fx);
}

typedef struct
{
  guint pushed;
} RunnerTally;

static void
runner_round_cb (VkSyncRunner *runner, const VkSyncStats *stats, gpointer user_data)
{
  ((RunnerTally *)user_data)->pushed += stats->pushed;
}

static gboolean
runner_ran (gpointer user_data)
{
  return vk_sync_runner_get_rounds (user_data) > 0;
}

/* One round of a station's sync runner against url; returns the
 * server's error (NULL when it worked) and the entries pushed. */
static char *
runner_round (Fixture *fx, const char *db, const char *device, const VkKeypair *key, const char *url,
              GTlsDatabase *trust, guint *ret_pushed)
{
  g_autoptr (VkSyncRunner) runner = vk_sync_runner_new (fx->f.package, db, device, 60000);
  RunnerTally tally = { 0 };
  char *error;

  vk_sync_runner_set_key (runner, key);
  if (trust != NULL)
    vk_sync_runner_set_tls_database (runner, trust);
  vk_sync_runner_set_server (runner, url);
  vk_sync_runner_set_round_func (runner, runner_round_cb, &tally);
  vk_sync_runner_start (runner);
  g_assert_true (vk_test_spin_until (runner_ran, runner, 30000));
  error = g_strdup (vk_sync_runner_get_last_error (runner, url));
  *ret_pushed = tally.pushed;
  return error;
}

/* The count server's certificate pinned in the package (issue 12,
 * item 6; docs/package-format.md §5 "tls"): a station whose package pins
 * certificate A refuses a server presenting B, although a CA the station
 * trusts signed B; with A it pushes, whoever signed A.  `valgkit push`
 * and `valgkit http-get --election` take the pin from the package, and
 * `valgkit serve` refuses to serve a certificate its enrolment does not
 * pin. */
static void
test_pin_in_package (void)
{
  Fixture fx;
  VkTestElection *f = &fx.f;
  VkTestServer server;
  g_autoptr (GError) error = NULL;
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  g_autofree char *ca = NULL, *ca_key = NULL, *cert_a = NULL, *key_a = NULL, *cert_b = NULL, *key_b = NULL;
  g_autofree char *pin_a = NULL, *pin_b = NULL, *count_db = NULL, *count_db2 = NULL, *err = NULL;
  g_autofree char *server2_key_path = NULL, *first_key_path = NULL, *x_key_path = NULL, *runner_error = NULL;
  g_autoptr (GTlsDatabase) trust = NULL;
  g_autoptr (VkKeypair) election_key = vk_test_key (0xe1);
  g_autoptr (VkKeypair) key_server2 = vk_test_key (0x52);
  guint8 pin_a_bytes[VK_TLS_PIN_BYTES];
  guint64 now = (guint64)(g_get_real_time () / 1000);
  guint pushed = 0;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed to make test certificates");
      return;
    }
  fixture_setup (&fx);
  make_ca (f, openssl, &ca, &ca_key);
  make_server_certificate (f, openssl, ca, ca_key, "server-a", &cert_a, &key_a);
  make_server_certificate (f, openssl, ca, ca_key, "server-b", &cert_b, &key_b);
  trust = g_tls_file_database_new (ca, &error);
  g_assert_no_error (error);
  pin_a = certificate_fingerprint (cert_a);
  pin_b = certificate_fingerprint (cert_b);
  g_assert_cmpstr (pin_a, !=, pin_b);

  /* The count server taelleserver-2 is enrolled with certificate A's pin. */
  g_assert_true (vk_hex_decode (pin_a, pin_a_bytes, sizeof pin_a_bytes));
  g_assert_true (vk_package_enroll_with_tls (f->package, election_key, "taelleserver-2", "server", VK_PACKAGE_NO_AREA,
                                             vk_keypair_get_public_key (key_server2), pin_a_bytes, now - 3600 * 1000ull,
                                             now + 24 * 3600 * 1000ull, &error));
  g_assert_no_error (error);
  vk_package_free (f->package);
  f->package = vk_package_open (f->pkg_path, &error);
  g_assert_no_error (error);
  server2_key_path = vk_test_election_path (f, "taelleserver-2.key");
  g_assert_true (vk_keypair_save (key_server2, server2_key_path, VK_TEST_PASSPHRASE, VK_KDF_INTERACTIVE, "server",
                                  "taelleserver-2", &error));
  x_key_path = vk_test_election_path (f, "bord-x.key");
  g_assert_true (
      vk_keypair_save (f->key_x, x_key_path, VK_TEST_PASSPHRASE, VK_KDF_INTERACTIVE, "valgbord", "bord-x", &error));
  g_assert_no_error (error);
  g_setenv ("VALGKIT_PASSPHRASE", VK_TEST_PASSPHRASE, TRUE);

  /* A server presenting B (as taelleserver, whose enrolment pins nothing:
   * it starts, with a warning).  The CA the station trusts signed B. */
  count_db = vk_test_election_path (f, "count.db");
  {
    const char *extra[] = { "--tls-cert", cert_b, "--tls-key", key_b, NULL };
    g_assert_true (vk_test_server_try_start (&server, f, count_db, "127.0.0.1:0", extra, &err));
  }
  {
    g_autofree char *serve_err = vk_test_server_dup_stderr (&server);
    g_assert_nonnull (strstr (serve_err, "warning: the package pins another certificate for the count server"));
  }
  /* The station's runner refuses it, and sends nothing. */
  runner_error = runner_round (&fx, fx.db_a, "bord-a", f->key_a, server.url, trust, &pushed);
  g_test_message ("runner against B: %s", runner_error);
  g_assert_nonnull (runner_error);
  g_assert_nonnull (strstr (runner_error, "not the pinned one"));
  g_assert_nonnull (strstr (runner_error, pin_a));
  g_assert_cmpuint (pushed, ==, 0);
  g_clear_pointer (&runner_error, g_free);
  /* Control: without the pin the CA vouches for B (the refusal was the pin). */
  {
    g_autoptr (VkSync) sync = vk_sync_new (f->package, fx.db_x, "bord-x", &error);
    VkSyncStats stats = { 0 };
    g_assert_no_error (error);
    vk_sync_set_key (sync, f->key_x);
    vk_sync_set_tls_database (sync, trust);
    g_assert_true (vk_sync_push_to_server (sync, server.url, NULL, &stats, &error));
    g_assert_no_error (error);
  }
  /* valgkit push: the package's pin, without --pin; --pin B is refused
   * before anything is sent. */
  {
    const char *argv[]
        = { vk_test_valgkit (), "push", "--election", f->pkg_path, "--db", fx.db_a, "--server", server.url, NULL };
    const char *with_b[] = { vk_test_valgkit (), "push",     "--election", f->pkg_path, "--db", fx.db_a,
                             "--server",         server.url, "--pin",      pin_b,       NULL };
    g_autofree char *out = NULL, *out_err = NULL, *out2 = NULL, *err2 = NULL;

    g_assert_cmpint (vk_test_spawn (argv, &out, &out_err), !=, 0);
    g_test_message ("push against B: %s", out_err);
    g_assert_nonnull (strstr (out_err, "not the pinned one"));
    g_assert_cmpint (vk_test_spawn (with_b, &out2, &err2), !=, 0);
    g_assert_nonnull (strstr (err2, "not the certificate the package pins for the count server"));
    g_assert_nonnull (strstr (err2, "taelleserver-2"));
  }
  vk_test_server_stop (&server, FALSE);

  /* taelleserver-2 refuses to serve B: its enrolment pins A. */
  first_key_path = g_steal_pointer (&f->server_key_path);
  f->server_key_path = g_strdup (server2_key_path);
  count_db2 = vk_test_election_path (f, "count-2.db");
  {
    const char *extra[] = { "--tls-cert", cert_b, "--tls-key", key_b, NULL };
    g_clear_pointer (&err, g_free);
    g_assert_false (vk_test_server_try_start (&server, f, count_db2, "127.0.0.1:0", extra, &err));
    g_test_message ("serve B as taelleserver-2: %s", err);
    g_assert_nonnull (strstr (err, "is not the one the enrolment of taelleserver-2 pins"));
    g_assert_nonnull (strstr (err, pin_b));
  }
  /* ...and serves A.  The runner pushes with no trusted CA at all: the
   * package's pin is what it trusts. */
  {
    const char *extra[] = { "--tls-cert", cert_a, "--tls-key", key_a, NULL };
    g_clear_pointer (&err, g_free);
    g_assert_true (vk_test_server_try_start (&server, f, count_db2, "127.0.0.1:0", extra, &err));
  }
  runner_error = runner_round (&fx, fx.db_a, "bord-a", f->key_a, server.url, NULL, &pushed);
  g_assert_null (runner_error);
  g_assert_cmpuint (pushed, >, 0);
  /* valgkit push (system CAs only) and http-get --election: the pin. */
  {
    g_autofree char *url = g_strconcat (server.url, "/v1/journals/bord-x", NULL);
    const char *push_argv[]
        = { vk_test_valgkit (), "push", "--election", f->pkg_path, "--db", fx.db_x, "--server", server.url, NULL };
    const char *get_argv[]
        = { vk_test_valgkit (), "http-get", "--election", f->pkg_path, "--key", x_key_path, url, NULL };
    const char *unpinned[] = { vk_test_valgkit (), "http-get", "--key", x_key_path, url, NULL };
    g_autofree char *out = NULL, *out_err = NULL, *out2 = NULL, *err2 = NULL, *out3 = NULL, *err3 = NULL;

    g_assert_cmpint (vk_test_spawn (push_argv, &out, &out_err), ==, 0);
    g_assert_cmpint (vk_test_spawn (get_argv, &out2, &err2), ==, 0);
    g_assert_nonnull (strstr (err2, "HTTP 200"));
    /* Without the package the system's CAs decide: A is not theirs. */
    g_assert_cmpint (vk_test_spawn (unpinned, &out3, &err3), !=, 0);
    g_assert_null (strstr (err3, "HTTP 200"));
  }
  vk_test_server_stop (&server, FALSE);
  g_free (f->server_key_path);
  f->server_key_path = g_steal_pointer (&first_key_path);
  fixture_clear (&fx);
}

/* 5. The reach table itself. */
static void
test_reach_table (void)
{
  VkDevice bord1 = { "bord-1", "valgbord", VK_ROLE_VALGBORD, 1 };
  VkDevice bord1b = { "bord-1b", "valgbord", VK_ROLE_VALGBORD, 1 };
  VkDevice bord2 = { "bord-2", "valgbord", VK_ROLE_VALGBORD, 2 };
  VkDevice brev = { "brev", "brevstemmested", VK_ROLE_BREVSTEMMESTED, VK_PACKAGE_NO_AREA };
  VkDevice hjem = { "hjem", "hjemmebesoeg", VK_ROLE_HJEMMEBESOEG, VK_PACKAGE_NO_AREA };
  VkDevice fin = { "fin", "fintaelling", VK_ROLE_FINTAELLING, VK_PACKAGE_NO_AREA };
  VkDevice srv = { "srv", "server", VK_ROLE_SERVER, VK_PACKAGE_NO_AREA };
  VkDevice rev = { "rev", "revisor", VK_ROLE_REVISOR, VK_PACKAGE_NO_AREA };
  VkDevice styrer = { "styrer", "valgstyrer", VK_ROLE_VALGSTYRER, 1 };

  /* Public. */
  g_assert_true (vk_http_reach_allows (NULL, VK_REACH_STATUS, NULL, FALSE));
  g_assert_false (vk_http_reach_allows (NULL, VK_REACH_RESULTS, NULL, FALSE));
  g_assert_true (vk_http_reach_allows (NULL, VK_REACH_RESULTS, NULL, TRUE));
  g_assert_false (vk_http_reach_allows (NULL, VK_REACH_JOURNAL, &bord1, FALSE));
  g_assert_false (vk_http_reach_allows (NULL, VK_REACH_HEADS, NULL, FALSE));
  g_assert_false (vk_http_reach_allows (NULL, VK_REACH_DISCREPANCIES, NULL, FALSE));
  /* A valgbord: its area's tables, the brevstemme teams, itself. */
  g_assert_true (vk_http_reach_allows (&bord1, VK_REACH_JOURNAL, &bord1, FALSE));
  g_assert_true (vk_http_reach_allows (&bord1, VK_REACH_JOURNAL, &bord1b, FALSE));
  g_assert_false (vk_http_reach_allows (&bord1, VK_REACH_JOURNAL, &bord2, FALSE));
  g_assert_true (vk_http_reach_allows (&bord1, VK_REACH_JOURNAL, &brev, FALSE));
  g_assert_true (vk_http_reach_allows (&bord1, VK_REACH_JOURNAL, &hjem, FALSE));
  g_assert_false (vk_http_reach_allows (&bord1, VK_REACH_JOURNAL, &fin, FALSE));
  g_assert_false (vk_http_reach_allows (&bord1, VK_REACH_DISCREPANCIES, NULL, FALSE));
  g_assert_false (vk_http_reach_allows (&bord1, VK_REACH_RESULTS, NULL, FALSE));
  /* Brevstemme teams: their own journal. */
  g_assert_true (vk_http_reach_allows (&brev, VK_REACH_JOURNAL, &brev, FALSE));
  g_assert_false (vk_http_reach_allows (&brev, VK_REACH_JOURNAL, &hjem, FALSE));
  g_assert_false (vk_http_reach_allows (&brev, VK_REACH_JOURNAL, &bord1, FALSE));
  /* Counting tables: every journal, not the discrepancies. */
  g_assert_true (vk_http_reach_allows (&fin, VK_REACH_JOURNAL, &bord2, FALSE));
  g_assert_false (vk_http_reach_allows (&fin, VK_REACH_DISCREPANCIES, NULL, FALSE));
  /* Server and revisor: everything, unpublished results too. */
  for (guint i = 0; i < 2; i++)
    {
      const VkDevice *d = i == 0 ? &srv : &rev;
      g_assert_true (vk_http_reach_allows (d, VK_REACH_JOURNAL, &bord2, FALSE));
      g_assert_true (vk_http_reach_allows (d, VK_REACH_JOURNAL, NULL, FALSE));
      g_assert_true (vk_http_reach_allows (d, VK_REACH_DISCREPANCIES, NULL, FALSE));
      g_assert_true (vk_http_reach_allows (d, VK_REACH_RESULTS, NULL, FALSE));
      g_assert_true (vk_http_reach_allows (d, VK_REACH_HEADS, NULL, FALSE));
    }
  /* A valgstyrer: nothing beyond the public. */
  g_assert_false (vk_http_reach_allows (&styrer, VK_REACH_JOURNAL, &styrer, FALSE));
  g_assert_false (vk_http_reach_allows (&styrer, VK_REACH_JOURNAL, &bord1, FALSE));
  g_assert_false (vk_http_reach_allows (&styrer, VK_REACH_HEADS, NULL, FALSE));
  g_assert_false (vk_http_reach_allows (&styrer, VK_REACH_RESULTS, NULL, FALSE));
  g_assert_true (vk_http_reach_allows (&styrer, VK_REACH_RESULTS, NULL, TRUE));
  /* The revisor role: a wire name, no area, no journal. */
  g_assert_cmpint (vk_device_role_from_string ("revisor"), ==, VK_ROLE_REVISOR);
  g_assert_cmpstr (vk_device_role_to_string (VK_ROLE_REVISOR), ==, "revisor");
  g_assert_false (vk_device_role_needs_area (VK_ROLE_REVISOR));
  g_assert_false (vk_device_role_writes_journal (VK_ROLE_REVISOR));
}

/* 6. The signature base is RFC 9421 §2.5's, byte for byte. */
static void
test_signature_base (void)
{
  g_autofree char *base = vk_http_sig_base ("GET", "/v1/journals/bord-1", "after=3", "127.0.0.1:8080", NULL,
                                            ";created=1764687600;nonce=\"n1\";keyid=\"bord-1\";alg=\"ed25519\"");
  g_autofree char *with_body = NULL;
  g_autofree char *digest = vk_http_sig_content_digest ((const guint8 *)"{\"hello\": \"world\"}", 18);

  g_assert_cmpstr (base, ==,
                   "\"@method\": GET\n"
                   "\"@path\": /v1/journals/bord-1\n"
                   "\"@query\": ?after=3\n"
                   "\"@authority\": 127.0.0.1:8080\n"
                   "\"@signature-params\": (\"@method\" \"@path\" \"@query\" \"@authority\")"
                   ";created=1764687600;nonce=\"n1\";keyid=\"bord-1\";alg=\"ed25519\"");
  /* RFC 9530 §2's example body and digest. */
  g_assert_cmpstr (digest, ==, "sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:");
  with_body = vk_http_sig_base ("POST", "/v1/journals", NULL, "example.org", digest, ";created=1");
  g_assert_cmpstr (with_body, ==,
                   "\"@method\": POST\n"
                   "\"@path\": /v1/journals\n"
                   "\"@query\": ?\n"
                   "\"@authority\": example.org\n"
                   "\"content-digest\": sha-256=:X48E9qOokqqrvdts8nOJRJN3OWDUoyWxBf7kbu9DBPE=:\n"
                   "\"@signature-params\": (\"@method\" \"@path\" \"@query\" \"@authority\" \"content-digest\")"
                   ";created=1");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/http-auth/signature-base", test_signature_base);
  g_test_add_func ("/http-auth/reach-table", test_reach_table);
  g_test_add_func ("/http-auth/count-server", test_count_server_auth);
  g_test_add_func ("/http-auth/publication", test_count_server_publication);
  g_test_add_func ("/http-auth/independent-clients", test_independent_clients);
  g_test_add_func ("/http-auth/peer-reach", test_peer_reach);
  g_test_add_func ("/http-auth/revisor-writes-nothing", test_revisor_writes_nothing);
  g_test_add_func ("/http-auth/pin-always", test_pin_always);
  g_test_add_func ("/http-auth/pin-in-package", test_pin_in_package);
  return g_test_run ();
}
