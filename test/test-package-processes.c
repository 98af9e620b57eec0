/* test-package-processes.c: one election package opened by many processes.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * `valgkit demo` once failed with "election.vkp: disk I/O error" while
 * its `valgkit serve` child opened the same package (docs/package-format.md,
 * "Opening").  Here 16 child processes (this binary again, in reader
 * mode) open, verify, read and close one package in a loop while the
 * parent closes and reopens it, and, in the second test, while a writer
 * enrols devices.  Every open and every read must succeed.
 */
#include <glib/gstdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <sqlite3.h>

#include "vk-error.h"
#include "vk-fake.h"
#include "vk-package.h"
#include "vk-test-util.h"

/* The sizes.  VK_PACKAGE_STRESS=1 (by hand, not in the suite) runs a
 * København-size package instead: 58 areas of 9,300 voters, 4 readers
 * and 60 s.  There each verification holds its shared lock for seconds;
 * with the 5 s busy timeout the old code had, readers and the writer
 * failed with "database is locked" (docs/package-format.md, "Opening"). */
static guint n_children = 16;
static guint n_areas = 4;
static guint voters_per_area = 300;
static guint run_seconds = 3;

static void
scale_init (void)
{
  if (g_strcmp0 (g_getenv ("VK_PACKAGE_STRESS"), "1") != 0)
    return;
  n_children = 4;
  n_areas = 58;
  voters_per_area = 9300;
  run_seconds = 60;
}

static VkKeypair *
election_key (void)
{
  guint8 seed[VK_SEED_BYTES];

  memset (seed, 0x51, sizeof seed);
  return vk_keypair_new_from_seed (seed);
}

/* A kommunalvalg: two lists, n_areas areas, synthetic voters. */
static VkElection *
make_election (void)
{
  VkElection *e = vk_election_new ();

  e->type = VK_ELECTION_KV;
  g_free (e->date);
  e->date = g_strdup ("2025-11-18");
  g_free (e->municipality);
  e->municipality = g_strdup ("Testkommune");
  e->seats = 5;
  for (guint l = 0; l < 2; l++)
    {
      g_autofree char *id = g_strdup_printf ("list-%u", l);
      VkList *list = vk_election_add_list (e, id, l == 0 ? "A" : "B", id, l + 1,
                                           l == 0 ? VK_LIST_PARTILISTE : VK_LIST_SIDEORDNET);
      for (guint c = 1; c <= 4; c++)
        {
          g_autofree char *cid = g_strdup_printf ("%s-%u", id, c);
          vk_election_add_candidate (e, list, cid, cid, cid, c);
        }
    }
  for (guint a = 1; a <= n_areas; a++)
    {
      g_autofree char *name = g_strdup_printf ("Område %u", a);
      vk_election_add_area (e, a, name, "", voters_per_area);
    }
  return e;
}

/* One open-verify-read-close round; FALSE with error on any failure. */
static gboolean
read_round (const char *path, GError **error)
{
  g_autoptr (VkPackage) pkg = vk_package_open (path, error);
  g_autoptr (VkElection) e = NULL;
  g_autoptr (VkVoter) v = NULL;

  if (pkg == NULL)
    return FALSE;
  e = vk_package_dup_election (pkg, error);
  if (e == NULL)
    return FALSE;
  if (vk_package_count_voters (pkg, 1, error) != voters_per_area)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "wrong voter count");
      return FALSE;
    }
  v = vk_package_lookup_voter (pkg, n_areas, 17, error);
  return v != NULL;
}

/* Reader mode: rounds until the deadline; prints the first error. */
static int
reader_main (const char *path, const char *seconds)
{
  gint64 deadline = g_get_monotonic_time () + g_ascii_strtoll (seconds, NULL, 10) * G_USEC_PER_SEC;
  guint rounds = 0;

  do
    {
      g_autoptr (GError) error = NULL;
      if (!read_round (path, &error))
        {
          g_printerr ("reader %d, round %u: %s\n", (int)getpid (), rounds, error->message);
          return 1;
        }
      rounds++;
    }
  while (g_get_monotonic_time () < deadline);
  g_print ("%u\n", rounds);
  return 0;
}

/* Writer mode: enrols one device after another into the open package. */
static int
writer_main (const char *path, const char *seconds)
{
  gint64 deadline = g_get_monotonic_time () + g_ascii_strtoll (seconds, NULL, 10) * G_USEC_PER_SEC;
  g_autoptr (GError) error = NULL;
  g_autoptr (VkKeypair) key = election_key ();
  g_autoptr (VkPackage) pkg = vk_package_open (path, &error);
  guint n = 0;

  if (pkg == NULL)
    {
      g_printerr ("writer: %s\n", error->message);
      return 1;
    }
  do
    {
      g_autofree char *id = g_strdup_printf ("bord-%u", n);
      guint8 pk[VK_PUBLIC_KEY_BYTES];

      memset (pk, (int)(n & 0xff), sizeof pk);
      pk[0] = (guint8)(n >> 8);
      if (!vk_package_enroll (pkg, key, id, "valgbord", 1 + n % n_areas, pk, 0, G_MAXINT64, &error))
        {
          g_printerr ("writer, device %u: %s\n", n, error->message);
          return 1;
        }
      n++;
      g_usleep (1000);
    }
  while (g_get_monotonic_time () < deadline);
  g_print ("%u\n", n);
  return 0;
}

/* Interrupt mode: a write to the package that dies half-way, leaving a
 * hot rollback journal (what a crash during an enrolment leaves). */
static int
interrupt_main (const char *path)
{
  sqlite3 *db = NULL;

  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE, NULL) != SQLITE_OK
      || sqlite3_exec (db,
                       "PRAGMA cache_size = 1; BEGIN IMMEDIATE; UPDATE voter SET name = name || ' (ændret)'; "
                       "DELETE FROM device;",
                       NULL, NULL, NULL)
             != SQLITE_OK)
    {
      g_printerr ("interrupt: %s\n", db != NULL ? sqlite3_errmsg (db) : "cannot open");
      return 1;
    }
  /* No COMMIT, no close: the process ends with the journal in place. */
  _exit (0);
}

static char *
create_package (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  char *path = g_build_filename (dir, "election.vkp", NULL);
  g_autoptr (VkElection) e = make_election ();
  g_autoptr (VkVoterList) voters = vk_voters_generate_for_election (e, voters_per_area, 2025);
  g_autoptr (VkKeypair) key = election_key ();
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = vk_package_create (path, e, voters, key, &error);

  g_assert_no_error (error);
  g_assert_nonnull (pkg);
  return path;
}

typedef struct
{
  GPid pid;
  int out_fd;
  int err_fd;
} Child;

static void
spawn_child (Child *c, const char *mode, const char *path)
{
  g_autofree char *self = g_file_read_link ("/proc/self/exe", NULL);
  g_autofree char *secs = g_strdup_printf ("%u", run_seconds);
  const char *argv[] = { self, mode, path, secs, NULL };
  g_autoptr (GError) error = NULL;

  g_assert_true (g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL, &c->pid,
                                           NULL, &c->out_fd, &c->err_fd, &error));
  g_assert_no_error (error);
}

static char *
read_all (int fd)
{
  g_autoptr (GString) s = g_string_new (NULL);
  char buf[512];
  ssize_t n;

  while ((n = read (fd, buf, sizeof buf)) > 0)
    g_string_append_len (s, buf, n);
  close (fd);
  return g_string_free (g_steal_pointer (&s), FALSE);
}

/* Waits for a child; asserts it exited 0 and returns its round count. */
static guint
reap_child (Child *c)
{
  g_autofree char *out = read_all (c->out_fd);
  g_autofree char *err = read_all (c->err_fd);
  int status = 0;

  g_assert_cmpint (waitpid (c->pid, &status, 0), ==, c->pid);
  g_spawn_close_pid (c->pid);
  if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_error ("child failed (status %d): %s", status, err);
  return (guint)g_ascii_strtoull (out, NULL, 10);
}

static void
run_processes (gboolean with_writer)
{
  g_autofree char *path = create_package ();
  g_autofree Child *children = g_new0 (Child, n_children);
  gint64 deadline;
  guint parent_rounds = 0, child_rounds = 0, enrolled = 0;

  for (guint i = 0; i < n_children; i++)
    spawn_child (&children[i], with_writer && i == 0 ? "--writer" : "--reader", path);
  /* The parent keeps closing and reopening the package meanwhile, like
   * the demo and its server child. */
  deadline = g_get_monotonic_time () + run_seconds * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      g_autoptr (GError) error = NULL;
      if (!read_round (path, &error))
        g_error ("parent, round %u: %s", parent_rounds, error->message);
      parent_rounds++;
    }
  for (guint i = 0; i < n_children; i++)
    {
      guint n = reap_child (&children[i]);
      if (with_writer && i == 0)
        enrolled = n;
      else
        child_rounds += n;
    }
  g_test_message ("%u rounds in the parent, %u in %u children, %u devices enrolled", parent_rounds, child_rounds,
                  n_children, enrolled);
  g_assert_cmpuint (parent_rounds, >, 0);
  g_assert_cmpuint (child_rounds, >=, n_children - (with_writer ? 1 : 0));
  if (with_writer)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (VkPackage) pkg = vk_package_open (path, &error);
      g_autoptr (GPtrArray) devices = NULL;

      g_assert_no_error (error);
      g_assert_cmpuint (enrolled, >, 0);
      devices = vk_package_list_devices (pkg);
      g_assert_cmpuint (devices->len, ==, enrolled);
    }
  /* Nothing is left beside the package: no journal, no WAL. */
  {
    g_autofree char *journal = g_strconcat (path, "-journal", NULL);
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
    g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
  }
}

/* A crash in the middle of a write leaves a hot journal; the next open
 * (read-only) must roll it back first and find the signed content. */
static void
test_interrupted_write (void)
{
  g_autofree char *path = create_package ();
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr (VkKeypair) key = election_key ();
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (VkVoter) v = NULL;
  guint8 pk[VK_PUBLIC_KEY_BYTES] = { 7 };
  Child c;

  pkg = vk_package_open (path, &error);
  g_assert_no_error (error);
  g_assert_true (vk_package_enroll (pkg, key, "bord-1", "valgbord", 1, pk, 0, G_MAXINT64, &error));
  g_assert_no_error (error);
  g_clear_pointer (&pkg, vk_package_free);

  spawn_child (&c, "--interrupt", path);
  (void)reap_child (&c);
  g_assert_true (g_file_test (journal, G_FILE_TEST_EXISTS));

  pkg = vk_package_open (path, &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
  g_assert_nonnull (vk_package_lookup_device (pkg, "bord-1"));
  v = vk_package_lookup_voter (pkg, 1, 1, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (v->name, "ændret"));
}

/* A journal left by an earlier file of the same name (a rerun into the
 * same folder) must not be replayed into a new package. */
static void
test_stale_journal (void)
{
  g_autofree char *dir = vk_test_tmpdir ();
  g_autofree char *path = g_build_filename (dir, "election.vkp", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autoptr (VkElection) e = make_election ();
  g_autoptr (VkVoterList) voters = vk_voters_generate_for_election (e, 10, 2025);
  g_autoptr (VkKeypair) key = election_key ();
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) pkg = NULL;
  g_autofree char *garbage = g_malloc0 (8192);

  memset (garbage, 0xd9, 8192);
  g_assert_true (g_file_set_contents (journal, garbage, 8192, &error));
  pkg = vk_package_create (path, e, voters, key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (pkg);
  g_assert_false (g_file_test (journal, G_FILE_TEST_EXISTS));
}

static void
test_readers (void)
{
  run_processes (FALSE);
}

static void
test_readers_and_writer (void)
{
  run_processes (TRUE);
}

int
main (int argc, char **argv)
{
  scale_init ();
  if (argc == 4 && strcmp (argv[1], "--reader") == 0)
    return reader_main (argv[2], argv[3]);
  if (argc == 4 && strcmp (argv[1], "--writer") == 0)
    return writer_main (argv[2], argv[3]);

  if (argc == 4 && strcmp (argv[1], "--interrupt") == 0)
    return interrupt_main (argv[2]);

  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/package-processes/readers", test_readers);
  g_test_add_func ("/package-processes/readers-and-writer", test_readers_and_writer);
  g_test_add_func ("/package-processes/interrupted-write", test_interrupted_write);
  g_test_add_func ("/package-processes/stale-journal", test_stale_journal);
  return g_test_run ();
}
