/* test-station-session.c: VkStationSession, the open station with its
 * sync runner and peer listener, without a display.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "vk-station-session.h"
#include "vk-test-stations.h"

typedef struct
{
  guint changed;   /* "changed" emissions */
  guint added;     /* entries they reported */
  guint rounds;    /* "sync-done" emissions */
  gboolean online; /* the last one's */
} Seen;

static void
changed_cb (VkStationSession *session, guint added, Seen *seen)
{
  seen->changed++;
  seen->added += added;
}

static void
sync_done_cb (VkStationSession *session, gboolean online, Seen *seen)
{
  seen->rounds++;
  seen->online = online;
}

/* A session of bord-a on its own copy of the package and key, as the app has. */
static VkStationSession *
open_session (VkTestElection *f, Seen *seen)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = vk_test_election_path (f, "bord-a.db");
  VkPackage *package = vk_package_open (f->pkg_path, &error);
  VkKeypair *key = vk_test_key (0xa1);
  VkStation *station;
  VkStationSession *session;

  g_assert_no_error (error);
  station = vk_station_open (package, db, "bord-a", key, &error);
  g_assert_no_error (error);
  session = vk_station_session_new (package, key, station, db);
  g_assert_true (vk_station_session_get_station (session) == station);
  g_assert_cmpstr (vk_station_session_get_db_path (session), ==, db);
  g_signal_connect (session, "changed", G_CALLBACK (changed_cb), seen);
  g_signal_connect (session, "sync-done", G_CALLBACK (sync_done_cb), seen);
  return session;
}

typedef struct
{
  VkTestElection *f;
  const char *url;
  gboolean done;
  gboolean ok;
  VkSyncStats stats;
} Push;

/* bord-b pushes its journal to a URL, as a table's runner would. */
static gpointer
push_thread (gpointer data)
{
  Push *p = data;
  g_autoptr (GError) error = NULL;
  g_autofree char *db = vk_test_election_path (p->f, "bord-b.db");
  g_autoptr (VkSync) sync = vk_sync_new (p->f->package, db, "bord-b", &error);

  g_assert_no_error (error);
  vk_sync_set_key (sync, p->f->key_b); /* the peer server wants signed reads */
  p->ok = vk_sync_with_peer (sync, p->url, NULL, &p->stats, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&p->done, TRUE);
  return NULL;
}

static gboolean
push_done_cond (gpointer data)
{
  return g_atomic_int_get (&((Push *)data)->done);
}

static gboolean
changed_cond (gpointer data)
{
  return ((Seen *)data)->changed > 0;
}

static gboolean
round_cond (gpointer data)
{
  return ((Seen *)data)->rounds > 0;
}

static VkStation *
open_bord_b (VkTestElection *f)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *db = vk_test_election_path (f, "bord-b.db");
  VkStation *b = vk_station_open (f->package, db, "bord-b", f->key_b, &error);

  g_assert_no_error (error);
  return b;
}

/* A push to the listener is folded in at once: "changed", and the voter
 * checked in at bord-b is checked in at bord-a. */
static void
test_listen (void)
{
  VkTestElection f = { 0 };
  Seen seen = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStationSession) session = NULL;
  g_autoptr (VkStation) b = NULL;
  Push push = { 0 };
  GThread *thread;

  vk_test_election_setup (&f);
  session = open_session (&f, &seen);
  g_assert_null (vk_station_session_get_listen_url (session));
  g_assert_true (vk_station_session_listen (session, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (vk_station_session_get_listen_url (session), "http://127.0.0.1:"));
  /* Sync off: no runner, kicking does nothing. */
  g_assert_null (vk_station_session_get_runner (session));
  vk_station_session_kick (session);

  b = open_bord_b (&f);
  g_assert_cmpuint (vk_station_check_in (b, f.voters[0], VK_CHECKIN_SEARCH, FALSE, &error), >, 0);
  g_assert_no_error (error);
  g_assert_false (vk_station_is_checked_in (vk_station_session_get_station (session), f.voters[0]));

  push.f = &f;
  push.url = vk_station_session_get_listen_url (session);
  thread = g_thread_new ("push", push_thread, &push);
  g_assert_true (vk_test_spin_until (push_done_cond, &push, 10000));
  g_thread_join (thread);
  g_assert_true (push.ok);
  g_assert_true (vk_test_spin_until (changed_cond, &seen, 5000));
  g_assert_cmpuint (seen.added, >, 0);
  g_assert_true (vk_station_is_checked_in (vk_station_session_get_station (session), f.voters[0]));

  /* A second listener on the same session is a programming error; off
   * loopback without TLS is refused. */
  {
    g_autoptr (VkStationSession) other = NULL;
    Seen other_seen = { 0 };

    g_clear_object (&session);
    other = open_session (&f, &other_seen);
    g_assert_false (vk_station_session_listen (other, "0.0.0.0:0", NULL, NULL, &error));
    g_assert_nonnull (error);
    g_assert_null (vk_station_session_get_listen_url (other));
  }
  vk_test_election_clear (&f);
}

/* The runner's rounds with a peer fold in what it brought; a peer that
 * does not answer makes the session offline. */
static void
test_sync (void)
{
  VkTestElection f = { 0 };
  Seen seen = { 0 };
  g_autoptr (GError) error = NULL;
  g_autoptr (VkStationSession) session = NULL;
  g_autoptr (VkStation) b = NULL;
  g_autoptr (VkSyncServer) b_server = NULL;
  g_autofree char *b_db = NULL;
  const char *peers[2] = { NULL, NULL };

  vk_test_election_setup (&f);
  b = open_bord_b (&f);
  b_db = vk_test_election_path (&f, "bord-b.db");
  b_server = vk_sync_server_new (f.package, b_db, "bord-b", &error);
  g_assert_no_error (error);
  g_assert_true (vk_sync_server_listen (b_server, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_cmpuint (vk_station_check_in (b, f.voters[1], VK_CHECKIN_SEARCH, FALSE, &error), >, 0);
  g_assert_no_error (error);

  session = open_session (&f, &seen);
  g_assert_false (vk_station_session_get_online (session));
  peers[0] = vk_sync_server_get_url (b_server);
  g_assert_cmpint (vk_station_session_get_target_state (session, peers[0], NULL, NULL), ==, VK_SESSION_TARGET_WAITING);
  vk_station_session_start_sync (session, peers, NULL, 100);
  g_assert_true (g_strv_equal (vk_station_session_get_peers (session), peers));
  g_assert_nonnull (vk_station_session_get_runner (session));
  g_assert_null (vk_station_session_get_server (session));
  g_assert_true (vk_test_spin_until (changed_cond, &seen, 10000));
  g_assert_true (vk_test_spin_until (round_cond, &seen, 10000));
  g_assert_true (seen.online);
  g_assert_true (vk_station_session_get_online (session));
  g_assert_true (vk_station_is_checked_in (vk_station_session_get_station (session), f.voters[1]));
  /* The status bar's view of the peer: it answered, just now. */
  {
    gint64 last_ok = 0;
    const char *target_error = "unset";
    g_assert_cmpint (vk_station_session_get_target_state (session, peers[0], &last_ok, &target_error), ==,
                     VK_SESSION_TARGET_OK);
    g_assert_null (target_error);
    g_assert_cmpint (last_ok, <=, g_get_real_time ());
    g_assert_cmpint (last_ok, >, g_get_real_time () - 60 * G_USEC_PER_SEC);
  }

  /* The peer goes away: the next round is offline. */
  {
    gint64 first_ok = 0, last_ok = 0;
    const char *target_error = NULL;
    g_autofree char *url = g_strdup (peers[0]);

    (void)vk_station_session_get_target_state (session, url, &first_ok, NULL);
    g_clear_pointer (&b_server, vk_sync_server_free);
    seen.rounds = 0;
    vk_station_session_kick (session);
    g_assert_true (vk_test_spin_until (round_cond, &seen, 10000));
    g_assert_false (seen.online);
    g_assert_false (vk_station_session_get_online (session));
    /* Failing, with its error, and the time of the last good round kept. */
    g_assert_cmpint (vk_station_session_get_target_state (session, url, &last_ok, &target_error), ==,
                     VK_SESSION_TARGET_FAILING);
    g_assert_nonnull (target_error);
    g_assert_cmpint (last_ok, ==, first_ok);
  }

  /* A partition: the runner stops, and may start again. */
  vk_station_session_stop_sync (session);
  g_assert_null (vk_station_session_get_runner (session));
  vk_station_session_kick (session);
  vk_station_session_start_sync (session, NULL, "http://127.0.0.1:9", 100);
  g_assert_nonnull (vk_station_session_get_runner (session));
  g_assert_cmpstr (vk_station_session_get_server (session), ==, "http://127.0.0.1:9");

  g_clear_object (&session);
  vk_test_election_clear (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/station-session/listen", test_listen);
  g_test_add_func ("/station-session/sync", test_sync);
  return g_test_run ();
}
