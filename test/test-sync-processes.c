/* test-sync-processes.c: two station processes and a count server on
 * loopback: sync, a partition, the conflict and D04.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The count server is a real `valgkit serve` ($VALGKIT, port 0).  Each
 * table is this test binary re-executed with --station: a process that
 * opens its device as the station app does, a VkStationSession with its
 * peer server (VkSyncServer) on 127.0.0.1 port 0 and its background sync
 * runner (VkSyncRunner) with the other table as its peer and the count
 * server as its server.  It prints "URL <its peer URL>" and then takes commands on stdin,
 * one answer line each:
 *
 *   peer URL | server URL      set the sync targets (before resume-sync)
 *   resume-sync | pause-sync   start / stop the runner (a partition)
 *   checkin N                  "OK <seq>" or "ERR <message>"
 *   status N                   "STATUS <state> <n> <device>/<seq>… conflicts=<c>"
 *   conflicts                  "CONFLICTS <n> <løbenummer>…"
 *   quit
 *
 * The station engine folds in what arrives only as the app's session
 * does (after a sync round, after a peer's push), so `status` shows what
 * the tilforordnede would see on screen.  Every wait is
 * bounded, and a table process that is left alone ends itself.
 */
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <unistd.h>

#include "vk-error.h"
#include "vk-station-session.h"
#include "vk-test-stations.h"

/* The app's interval (station-window.c); a check-in kicks a round at once. */
#define SYNC_INTERVAL_MS 2000

/* ---- a table process ------------------------------------------------------ */

typedef struct
{
  VkStationSession *session;
  VkStation *station; /* the session's */
  char *device;
  char *peer;
  char *server_url;
  GMainLoop *loop;
} Node;

static void answer (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
answer (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

static const char *
state_name (VkVoterState state)
{
  switch (state)
    {
      case VK_VOTER_FREE:
        return "free";
      case VK_VOTER_CHECKED_IN:
        return "checked-in";
      case VK_VOTER_BREVSTEMME:
        return "brevstemme";
      case VK_VOTER_OTHER_AREA:
        return "other-area";
      default:
        return "not-found";
    }
}

static void
node_command (Node *n, const char *line)
{
  g_autoptr (GError) error = NULL;

  if (g_str_has_prefix (line, "peer "))
    {
      g_free (n->peer);
      n->peer = g_strdup (line + 5);
      answer ("OK");
    }
  else if (g_str_has_prefix (line, "server "))
    {
      g_free (n->server_url);
      n->server_url = g_strdup (line + 7);
      answer ("OK");
    }
  else if (strcmp (line, "resume-sync") == 0)
    {
      if (vk_station_session_get_runner (n->session) == NULL)
        {
          const char *peers[] = { n->peer, NULL };
          vk_station_session_start_sync (n->session, peers, n->server_url, SYNC_INTERVAL_MS);
        }
      answer ("OK");
    }
  else if (strcmp (line, "pause-sync") == 0)
    {
      /* Stopping waits for a round in flight: nothing leaves after "OK". */
      vk_station_session_stop_sync (n->session);
      answer ("OK");
    }
  else if (g_str_has_prefix (line, "checkin "))
    {
      guint64 seq = vk_station_check_in (n->station, (guint)g_ascii_strtoull (line + 8, NULL, 10), VK_CHECKIN_SCAN,
                                         FALSE, &error);
      if (seq == 0)
        answer ("ERR %s", error->message);
      else
        {
          /* As the app: a check-in asks for a round at once. */
          vk_station_session_kick (n->session);
          answer ("OK %" G_GUINT64_FORMAT, seq);
        }
    }
  else if (g_str_has_prefix (line, "status "))
    {
      g_autoptr (VkVoterStatus) st = vk_station_dup_voter_status (n->station, vk_station_get_area (n->station),
                                                                  (guint)g_ascii_strtoull (line + 7, NULL, 10));
      g_autoptr (GString) text = g_string_new (NULL);
      VkStationCounts counts;

      vk_station_get_counts (n->station, &counts);
      g_string_append_printf (text, "STATUS %s %u", state_name (st->state), st->checkins->len);
      for (guint i = 0; i < st->checkins->len; i++)
        {
          const VkCheckinRef *ref = g_ptr_array_index (st->checkins, i);
          g_string_append_printf (text, " %s/%" G_GUINT64_FORMAT, ref->device_id, ref->seq);
        }
      g_string_append_printf (text, " conflicts=%u", counts.conflicts);
      answer ("%s", text->str);
    }
  else if (strcmp (line, "conflicts") == 0)
    {
      g_autoptr (GPtrArray) list = vk_station_dup_conflicts (n->station);
      g_autoptr (GString) text = g_string_new (NULL);

      g_string_append_printf (text, "CONFLICTS %u", list->len);
      for (guint i = 0; i < list->len; i++)
        g_string_append_printf (text, " %u", ((VkVoterStatus *)g_ptr_array_index (list, i))->loebenummer);
      answer ("%s", text->str);
    }
  else if (strcmp (line, "quit") == 0)
    {
      answer ("BYE");
      g_main_loop_quit (n->loop);
    }
  else
    answer ("ERR unknown command: %s", line);
}

/* A line on stdin (GIOChannel: the commands come through a pipe). */
static gboolean
stdin_cb (GIOChannel *channel, GIOCondition condition, gpointer user_data)
{
  Node *n = user_data;
  g_autoptr (GError) error = NULL;

  for (;;)
    {
      g_autofree char *line = NULL;
      gsize terminator = 0;
      GIOStatus status = g_io_channel_read_line (channel, &line, NULL, &terminator, &error);

      if (status == G_IO_STATUS_AGAIN)
        return G_SOURCE_CONTINUE;
      if (status != G_IO_STATUS_NORMAL)
        {
          /* The parent is gone (EOF) or the pipe broke: stop. */
          g_main_loop_quit (n->loop);
          return G_SOURCE_REMOVE;
        }
      line[terminator] = '\0';
      node_command (n, line);
      if (!g_main_loop_is_running (n->loop))
        return G_SOURCE_REMOVE;
    }
}

static int
run_node (const char *pkg_path, const char *dir, const char *device, guint8 key_fill)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = vk_test_key (key_fill);
  g_autoptr (VkPackage) package = NULL;
  GIOChannel *channel = g_io_channel_unix_new (STDIN_FILENO);
  GSource *watch = g_io_create_watch (channel, G_IO_IN | G_IO_HUP | G_IO_ERR);
  g_autofree char *name = g_strdup_printf ("%s.db", device);
  g_autofree char *db_path = NULL;
  Node n = { 0 };

  /* A table the parent forgets ends itself. */
  alarm (100);
  n.device = g_strdup (device);
  db_path = g_build_filename (dir, name, NULL);
  package = vk_package_open (pkg_path, &error);
  g_assert_no_error (error);
  n.station = vk_station_open (package, db_path, device, key, &error);
  g_assert_no_error (error);
  n.session = vk_station_session_new (g_steal_pointer (&package), g_steal_pointer (&key), n.station, db_path);
  g_assert_true (vk_station_session_listen (n.session, "127.0.0.1:0", NULL, NULL, &error));
  g_assert_no_error (error);
  n.loop = g_main_loop_new (NULL, FALSE);
  g_assert_cmpint (g_io_channel_set_flags (channel, G_IO_FLAG_NONBLOCK, NULL), ==, G_IO_STATUS_NORMAL);
  answer ("URL %s", vk_station_session_get_listen_url (n.session));
  g_source_set_callback (watch, G_SOURCE_FUNC (stdin_cb), &n, NULL);
  g_source_attach (watch, NULL);
  g_main_loop_run (n.loop);
  g_source_destroy (watch);
  g_source_unref (watch);
  g_io_channel_unref (channel);

  g_clear_object (&n.session);
  g_clear_pointer (&n.loop, g_main_loop_unref);
  g_free (n.device);
  g_free (n.peer);
  g_free (n.server_url);
  return 0;
}

/* ---- the parent ----------------------------------------------------------- */

static char *self_exe;

typedef struct
{
  const char *device;
  GSubprocess *proc;
  GOutputStream *to;
  GDataInputStream *from;
  char *url;
} Table;

static char *
table_read (Table *t)
{
  g_autoptr (GError) error = NULL;
  /* Bounded: the table process ends itself (alarm) if it ever hangs. */
  char *line = g_data_input_stream_read_line_utf8 (t->from, NULL, NULL, &error);

  g_assert_no_error (error);
  if (line == NULL)
    g_error ("table %s closed its output", t->device);
  return line;
}

/* Sends one command and returns the answer line. */
static char *table_ask (Table *t, const char *format, ...) G_GNUC_PRINTF (2, 3);

static char *
table_ask (Table *t, const char *format, ...)
{
  g_autoptr (GError) error = NULL;
  va_list args;
  g_autofree char *cmd = NULL;
  g_autofree char *line = NULL;

  va_start (args, format);
  cmd = g_strdup_vprintf (format, args);
  va_end (args);
  line = g_strconcat (cmd, "\n", NULL);
  g_assert_true (g_output_stream_write_all (t->to, line, strlen (line), NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_output_stream_flush (t->to, NULL, &error));
  return table_read (t);
}

static void
table_ok (Table *t, const char *cmd)
{
  g_autofree char *a = table_ask (t, "%s", cmd);
  g_assert_cmpstr (a, ==, "OK");
}

static void
table_start (Table *t, VkTestElection *f, const char *device, guint8 key_fill)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *fill = g_strdup_printf ("%u", key_fill);
  const char *argv[] = { self_exe, "--station", f->pkg_path, f->dir, device, fill, NULL };
  g_autofree char *first = NULL;

  memset (t, 0, sizeof *t);
  t->device = device;
  t->proc = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  t->to = g_object_ref (g_subprocess_get_stdin_pipe (t->proc));
  t->from = g_data_input_stream_new (g_subprocess_get_stdout_pipe (t->proc));
  first = table_read (t);
  g_assert_true (g_str_has_prefix (first, "URL http://127.0.0.1:"));
  t->url = g_strdup (first + 4);
}

static void
table_quit (Table *t)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *bye = table_ask (t, "quit");

  g_assert_cmpstr (bye, ==, "BYE");
  g_assert_true (g_subprocess_wait (t->proc, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (t->proc));
  g_assert_cmpint (g_subprocess_get_exit_status (t->proc), ==, 0);
  g_clear_object (&t->to);
  g_clear_object (&t->from);
  g_clear_object (&t->proc);
  g_clear_pointer (&t->url, g_free);
}

/* The voter's status at a table, split into words. */
static GStrv
table_status (Table *t, guint lnr)
{
  g_autofree char *line = table_ask (t, "status %u", lnr);
  g_assert_true (g_str_has_prefix (line, "STATUS "));
  return g_strsplit (line, " ", -1);
}

/* Asks for the status every few ms until the voter has n check-ins at
 * the table or timeout_ms passes; returns the last status. */
static GStrv
table_wait_checkins (Table *t, guint lnr, guint n, guint timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64)timeout_ms * 1000;

  for (;;)
    {
      GStrv words = table_status (t, lnr);
      if (g_ascii_strtoull (words[2], NULL, 10) >= n || g_get_monotonic_time () >= deadline)
        return words;
      g_strfreev (words);
      g_usleep (5000);
    }
}

static guint64
checkin (Table *t, guint lnr)
{
  g_autofree char *a = table_ask (t, "checkin %u", lnr);

  if (!g_str_has_prefix (a, "OK "))
    g_error ("check-in at %s refused: %s", t->device, a);
  return g_ascii_strtoull (a + 3, NULL, 10);
}

static gboolean
strv_has (GStrv words, const char *word)
{
  return g_strv_contains ((const char *const *)words, word);
}

/* The D04 finding at the count server whose evidence holds both
 * entries, or FALSE (ret_text: the last answer). */
static gboolean
server_d04 (VkTestServer *server, guint area, const char *dev_a, guint64 seq_a, const char *dev_b, guint64 seq_b,
            char **ret_text)
{
  g_autofree char *url = g_strconcat (server->url, "/v1/discrepancies", NULL);
  g_autoptr (GBytes) body = NULL;
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (GError) error = NULL;
  JsonArray *findings;

  g_autoptr (VkKeypair) reader = vk_test_key (0x51); /* the count server's key (vk-test-stations.h) */

  if (vk_test_http_signed ("GET", url, NULL, NULL, reader, "taelleserver", &body) != 200)
    return FALSE;
  g_free (*ret_text);
  *ret_text = g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body));
  g_assert_true (json_parser_load_from_data (parser, *ret_text, -1, &error));
  g_assert_no_error (error);
  findings = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)), "findings");
  for (guint i = 0; i < json_array_get_length (findings); i++)
    {
      JsonObject *o = json_array_get_object_element (findings, i);
      JsonArray *evidence;
      gboolean has_a = FALSE, has_b = FALSE;

      if (g_strcmp0 (json_object_get_string_member (o, "rule"), "D04") != 0
          || (guint)json_object_get_int_member (o, "area") != area)
        continue;
      g_assert_cmpstr (json_object_get_string_member (o, "severity"), ==, "blocking");
      evidence = json_object_get_array_member (o, "evidence");
      for (guint k = 0; k < json_array_get_length (evidence); k++)
        {
          JsonObject *e = json_array_get_object_element (evidence, k);
          const char *dev = json_object_get_string_member (e, "device");
          guint64 seq = (guint64)json_object_get_int_member (e, "seq");

          has_a = has_a || (g_strcmp0 (dev, dev_a) == 0 && seq == seq_a);
          has_b = has_b || (g_strcmp0 (dev, dev_b) == 0 && seq == seq_b);
        }
      if (has_a && has_b)
        return TRUE;
    }
  return FALSE;
}

static void
test_two_processes (void)
{
  g_auto (VkTestElection) f;
  VkTestServer server;
  Table a, b;
  g_autofree char *count_db = NULL;
  g_autofree char *last = NULL;
  g_autofree char *ref_a = NULL, *ref_b = NULL;
  guint64 seq, seq_a, seq_b;
  gint64 t0, elapsed_us, deadline;
  gboolean d04 = FALSE;

  vk_test_election_setup (&f);
  count_db = vk_test_election_path (&f, "count.db");
  vk_test_server_start (&server, &f, count_db);
  table_start (&a, &f, "bord-a", 0xa1);
  table_start (&b, &f, "bord-b", 0xb1);
  g_assert_cmpstr (a.url, !=, b.url);
  {
    g_autofree char *pa = g_strconcat ("peer ", b.url, NULL);
    g_autofree char *pb = g_strconcat ("peer ", a.url, NULL);
    g_autofree char *s = g_strconcat ("server ", server.url, NULL);
    table_ok (&a, pa);
    table_ok (&b, pb);
    table_ok (&a, s);
    table_ok (&b, s);
  }
  table_ok (&a, "resume-sync");
  table_ok (&b, "resume-sync");

  /* 1. Sync: a check-in at A is visible at B within 2 s. */
  seq = checkin (&a, f.voters[0]);
  t0 = g_get_monotonic_time ();
  {
    g_auto (GStrv) st = table_wait_checkins (&b, f.voters[0], 1, 5000);
    g_autofree char *ref = g_strdup_printf ("bord-a/%" G_GUINT64_FORMAT, seq);
    elapsed_us = g_get_monotonic_time () - t0;
    g_assert_cmpstr (st[1], ==, "checked-in");
    g_assert_true (strv_has (st, ref));
  }
  g_print ("# check-in at table A (process) visible at table B (process) after %.1f ms (limit 2000 ms)\n",
           elapsed_us / 1000.0);
  g_assert_cmpint (elapsed_us, <, 2 * G_USEC_PER_SEC);
  /* So B refuses the same voter. */
  {
    g_autofree char *refused = table_ask (&b, "checkin %u", f.voters[0]);
    g_assert_true (g_str_has_prefix (refused, "ERR "));
  }

  /* 2. A partition: both tables stop syncing; the same voter comes to
   * both and each accepts, knowing only its own journal. */
  table_ok (&a, "pause-sync");
  table_ok (&b, "pause-sync");
  seq_a = checkin (&a, f.voters[1]);
  seq_b = checkin (&b, f.voters[1]);
  ref_a = g_strdup_printf ("bord-a/%" G_GUINT64_FORMAT, seq_a);
  ref_b = g_strdup_printf ("bord-b/%" G_GUINT64_FORMAT, seq_b);
  g_usleep (300 * 1000);
  {
    g_auto (GStrv) sa = table_status (&a, f.voters[1]);
    g_auto (GStrv) sb = table_status (&b, f.voters[1]);
    g_assert_cmpstr (sa[2], ==, "1");
    g_assert_cmpstr (sb[2], ==, "1");
    g_assert_true (strv_has (sa, "conflicts=0"));
    g_assert_true (strv_has (sb, "conflicts=0"));
  }

  /* 3. The network heals: both tables show the conflict, with both entries. */
  table_ok (&a, "resume-sync");
  table_ok (&b, "resume-sync");
  {
    g_auto (GStrv) sa = table_wait_checkins (&a, f.voters[1], 2, 10000);
    g_auto (GStrv) sb = table_wait_checkins (&b, f.voters[1], 2, 10000);
    g_autofree char *ca = table_ask (&a, "conflicts");
    g_autofree char *cb = table_ask (&b, "conflicts");
    g_autofree char *expect = g_strdup_printf ("CONFLICTS 1 %u", f.voters[1]);

    for (GStrv *s = (GStrv[]){ sa, sb, NULL }; *s != NULL; s++)
      {
        g_assert_cmpstr ((*s)[1], ==, "checked-in");
        g_assert_cmpstr ((*s)[2], ==, "2");
        g_assert_true (strv_has (*s, ref_a));
        g_assert_true (strv_has (*s, ref_b));
        g_assert_true (strv_has (*s, "conflicts=1"));
      }
    g_assert_cmpstr (ca, ==, expect);
    g_assert_cmpstr (cb, ==, expect);
    g_test_message ("after the partition: A %s, B %s", ca, cb);
  }

  /* 4. The count server raises D04 with both entries as evidence. */
  deadline = g_get_monotonic_time () + 15 * G_USEC_PER_SEC;
  while (!(d04 = server_d04 (&server, f.area, "bord-a", seq_a, "bord-b", seq_b, &last))
         && g_get_monotonic_time () < deadline)
    g_usleep (100 * 1000);
  if (!d04)
    g_error ("no D04 with both entries at the count server: %s", last != NULL ? last : "(no answer)");
  g_test_message ("count server: %s", last);

  table_quit (&a);
  table_quit (&b);
  vk_test_server_stop (&server, FALSE);
}

int
main (int argc, char **argv)
{
  int status;

  if (argc == 6 && strcmp (argv[1], "--station") == 0)
    return run_node (argv[2], argv[3], argv[4], (guint8)g_ascii_strtoull (argv[5], NULL, 10));
  self_exe = g_file_read_link ("/proc/self/exe", NULL);
  if (self_exe == NULL)
    self_exe = g_strdup (argv[0]);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync/processes/partition-conflict-d04", test_two_processes);
  status = g_test_run ();
  g_free (self_exe);
  return status;
}
