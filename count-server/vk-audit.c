/* vk-audit.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <glib/gstdio.h>
#include <string.h>

#include "vk-audit.h"
#include "vk-cose.h"
#include "vk-counts.h"
#include "vk-error.h"
#include "vk-package.h"
#include "vk-result-sheet.h"
#include "vk-rules.h"
#include "vk-text.h"

void
vk_audit_check_free (VkAuditCheck *self)
{
  if (self == NULL)
    return;
  g_free (self->code);
  g_free (self->title);
  g_free (self->section);
  g_free (self->detail);
  g_free (self);
}

G_GNUC_PRINTF (6, 7)
static void
add_check (GPtrArray *out, const char *code, const char *title, const char *section, gboolean ok, const char *fmt, ...)
{
  VkAuditCheck *c = g_new0 (VkAuditCheck, 1);
  va_list ap;

  c->code = g_strdup (code);
  c->title = g_strdup (title);
  c->section = g_strdup (section);
  c->ok = ok;
  va_start (ap, fmt);
  c->detail = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  g_ptr_array_add (out, c);
}

gboolean
vk_audit_all_ok (GPtrArray *checks)
{
  for (guint i = 0; i < checks->len; i++)
    if (!((VkAuditCheck *)g_ptr_array_index (checks, i))->ok)
      return FALSE;
  return TRUE;
}

/* One journal file as read from the folder. */
typedef struct
{
  char *path;
  GPtrArray *entries; /* VkEntry*; NULL when the file does not parse */
  char *error;
  gboolean verified; /* every entry, vk_journal_verify() */
  VkVerifyReport report;
  char *verify_error;
} JournalFile;

static void
journal_file_free (JournalFile *f)
{
  g_free (f->path);
  g_clear_pointer (&f->entries, g_ptr_array_unref);
  g_free (f->error);
  g_free (f->verify_error);
  g_free (f);
}

static int
compare_paths (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *)a, *(const char *const *)b);
}

/* The files, shared by one worker per core: each is parsed, then every
 * signature verified (vk_journal_verify()). */
typedef struct
{
  GPtrArray *files; /* JournalFile* */
  VkPackage *package;
  guint n_threads;
  gint next;
} ReadJob;

static gpointer
read_worker (gpointer data)
{
  ReadJob *job = data;
  guint i;

  while ((i = (guint)g_atomic_int_add (&job->next, 1)) < job->files->len)
    {
      JournalFile *f = g_ptr_array_index (job->files, i);
      g_autoptr (GError) local_error = NULL;

      f->entries = vk_journal_read_file (f->path, &local_error);
      if (f->entries == NULL)
        {
          f->error = g_strdup (local_error->message);
          continue;
        }
      /* While there are files for every worker, each verifies its own
       * on one core; the last ones share their signatures with the
       * cores that would otherwise be idle. */
      f->verified = vk_journal_verify (
          f->entries, vk_package_get_election_id (job->package), vk_package_device_lookup, job->package,
          job->files->len - i <= job->n_threads ? VK_VERIFY_PARALLEL : VK_VERIFY_DEFAULT, &f->report, &local_error);
      if (!f->verified)
        f->verify_error = g_strdup (local_error->message);
    }
  return NULL;
}

/* Every *.vkj of dir, in name order, each parsed and verified: files on
 * every core, and the last files' signatures on every core too (so that
 * one large journal at the end does not leave the other cores idle). */
static GPtrArray *
read_journals (const char *dir, VkPackage *package, GError **error)
{
  g_autoptr (GDir) d = g_dir_open (dir, 0, error);
  g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *files;
  const char *name;
  ReadJob job = { 0 };
  guint n_threads;
  g_autofree GThread **threads = NULL;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".vkj"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, compare_paths);
  files = g_ptr_array_new_with_free_func ((GDestroyNotify)journal_file_free);
  for (guint i = 0; i < names->len; i++)
    {
      JournalFile *f = g_new0 (JournalFile, 1);

      f->path = g_build_filename (dir, g_ptr_array_index (names, i), NULL);
      g_ptr_array_add (files, f);
    }
  job.files = files;
  job.package = package;
  n_threads = MIN (MAX (g_get_num_processors (), 1), MAX (files->len, 1));
  job.n_threads = n_threads;
  threads = g_new0 (GThread *, n_threads);
  for (guint i = 1; i < n_threads; i++)
    threads[i] = g_thread_new ("vk-audit-read", read_worker, &job);
  read_worker (&job);
  for (guint i = 1; i < n_threads; i++)
    g_thread_join (threads[i]);
  return files;
}

/* The entry of device at seq in the verified journals, or NULL. */
static const VkEntry *
find_entry (GHashTable *by_device, const char *device, guint64 seq)
{
  GPtrArray *entries = g_hash_table_lookup (by_device, device);

  if (entries == NULL || seq == 0 || seq > entries->len)
    return NULL;
  return g_ptr_array_index (entries, seq - 1);
}

/* Is (device, seq, head) covered by the journals?  A reason when not. */
static char *
check_covered (GHashTable *by_device, const char *device, guint64 seq, const guint8 *head)
{
  GPtrArray *entries = g_hash_table_lookup (by_device, device);
  const VkEntry *e;

  if (entries == NULL)
    return g_strdup_printf ("the journal of %s is missing (acknowledged up to entry %" G_GUINT64_FORMAT ")", device,
                            seq);
  if (entries->len < seq)
    return g_strdup_printf ("the journal of %s ends at entry %u, but entry %" G_GUINT64_FORMAT " was acknowledged",
                            device, entries->len, seq);
  e = find_entry (by_device, device, seq);
  if (memcmp (e->hash, head, VK_HASH_BYTES) != 0)
    return g_strdup_printf ("entry %" G_GUINT64_FORMAT " of %s is not the one acknowledged (another hash)", seq,
                            device);
  return NULL;
}

/* Compares a recomputed result with the QR summary; a reason when they differ. */
static char *
compare_summary (const VkResultSummary *s, const VkAreaResult *r, const VkSeatAllocation *seats)
{
  if (s->cast != r->cast)
    return g_strdup_printf ("cast: sheet %" G_GUINT64_FORMAT ", journals %" G_GUINT64_FORMAT, s->cast, r->cast);
  if (s->valid != r->valid)
    return g_strdup_printf ("valid: sheet %" G_GUINT64_FORMAT ", journals %" G_GUINT64_FORMAT, s->valid, r->valid);
  if (s->blank_in_person != r->blank_in_person || s->blank_postal != r->blank_postal)
    return g_strdup ("blank ballots differ");
  if (s->other_invalid != r->other_invalid)
    return g_strdup_printf ("other invalid: sheet %" G_GUINT64_FORMAT ", journals %" G_GUINT64_FORMAT, s->other_invalid,
                            r->other_invalid);
  for (guint i = 0; i < r->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (r->lists, i);
      const VkSummaryList *sl = vk_result_summary_lookup_list (s, l->list_id);
      const VkListOutcome *o = seats != NULL ? vk_seat_allocation_lookup_list (seats, l->list_id) : NULL;

      if (sl == NULL || sl->votes != l->votes)
        return g_strdup_printf ("list %s: sheet %" G_GUINT64_FORMAT ", journals %" G_GUINT64_FORMAT, l->list_id,
                                sl != NULL ? sl->votes : 0, l->votes);
      if (o != NULL && sl->has_seats && sl->seats != o->seats)
        return g_strdup_printf ("list %s: %u seats on the sheet, %u recomputed", l->list_id, sl->seats, o->seats);
    }
  if (s->lists->len != r->lists->len)
    return g_strdup ("the sheet names other lists");
  return NULL;
}

/* A9–A11 for one contest: its areas' fintælling recomputed, its seats
 * recomputed, and the count server's published result compared.  The
 * primary contest's checks are A9, A10, A11; another contest's carry its
 * id ("A9 RV") so that a failure names the contest. */
static void
audit_contest (GPtrArray *out, const VkElection *election, VkFold *fold, GHashTable *by_device,
               const char *server_device, const VkAuditOptions *options, VkAreaResult **fin_total,
               VkSeatAllocation **seats)
{
  g_autoptr (GError) error = NULL;
  const char *cid = vk_election_contest_id (election);
  gboolean primary = election->event == election;
  gboolean joint = vk_election_get_n_contests (election) > 1;
  g_autofree char *code9 = primary ? g_strdup ("A9") : g_strdup_printf ("A9 %s", cid);
  g_autofree char *code10 = primary ? g_strdup ("A10") : g_strdup_printf ("A10 %s", cid);
  g_autofree char *code11 = primary ? g_strdup ("A11") : g_strdup_printf ("A11 %s", cid);
  g_autofree char *sfx = joint ? g_strdup_printf (" (%s)", cid) : g_strdup ("");
  g_autofree char *t9 = g_strdup_printf ("each area's fintælling%s recomputed from the signed-off counts adds up", sfx);
  g_autofree char *t10 = g_strdup_printf ("seat allocation%s recomputed (KRVL §§ 81–85)", sfx);
  g_autofree char *t11 = g_strdup_printf ("the published result%s equals the recomputed one", sfx);

  /* A9: every area's result recomputed from the signed-off counts. */
  {
    g_autoptr (GPtrArray) areas = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
    g_autoptr (GPtrArray) failures = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_check_failure_free);
    guint missing = 0;

    for (guint i = 0; i < election->areas->len; i++)
      {
        const VkArea *a = g_ptr_array_index (election->areas, i);
        g_autoptr (GError) rerr = NULL;
        VkAreaResult *r = vk_fold_dup_result (fold, a->number, cid, VK_RESULT_FINTAELLING, &rerr);
        if (r == NULL)
          {
            missing++;
            continue;
          }
        r->eligible = a->eligible;
        vk_area_result_check (r, failures);
        g_ptr_array_add (areas, r);
      }
    if (areas->len > 0)
      *fin_total = vk_results_sum (areas, election->municipality);
    if (failures->len > 0)
      add_check (out, code9, t9, "counting.md T01–T05", FALSE, "%s",
                 ((VkCheckFailure *)g_ptr_array_index (failures, 0))->message);
    else if (missing > 0 || areas->len == 0)
      add_check (out, code9, t9, "counting.md T01–T05", FALSE, "%u of %u areas have no signed-off fintælling", missing,
                 election->areas->len);
    else
      add_check (out, code9, t9, "counting.md T01–T05", TRUE, "%u areas recomputed; %" G_GUINT64_FORMAT " votes cast",
                 areas->len, (*fin_total)->cast);
  }

  /* A10: the seat allocation from the recomputed fintælling.  A
   * regionsrådsvalg's seats are the region's, from every municipality's
   * signed result (`valgkit region`, docs/region.md): not allocated here,
   * and the count server publishes that contest's result without seats.
   * A folketingsvalg's and a Europa-Parlamentsvalg's seats are the
   * country's (valgkit folketingsvalg / europaparlamentsvalg, from the
   * municipalities' signed results), and a folkeafstemning has none. */
  if (!vk_election_type_allocates_locally (election->type))
    ;
  else if (*fin_total != NULL)
    {
      g_autoptr (VkTie) tie = NULL;
      *seats = vk_seats_allocate (election, election->seats, *fin_total, options->lots, &tie, &error);
      if (*seats == NULL)
        add_check (out, code10, t10, "results.md", FALSE, "%s", error->message);
      else
        add_check (out, code10, t10, "results.md", TRUE, "%u seats allocated", (*seats)->seats->len);
      g_clear_error (&error);
    }
  else
    add_check (out, code10, t10, "results.md", FALSE, "no fintælling to allocate from");

  /* A11: what the count server published equals the recomputation. */
  {
    GPtrArray *server = server_device != NULL ? g_hash_table_lookup (by_device, server_device) : NULL;
    const VkEntry *last = NULL;
    guint8 digest[32];

    for (guint i = 0; server != NULL && i < server->len; i++)
      {
        const VkEntry *e = g_ptr_array_index (server, i);
        const char *kind = vk_cbor_map_get_text_field (e->body, "kind", NULL);
        const char *pc = vk_cbor_map_get_text_field (e->body, "contest", NULL);
        if (strcmp (e->type, "result.published") == 0 && g_strcmp0 (kind, "fintaelling") == 0
            && (pc != NULL ? strcmp (pc, cid) == 0 : primary))
          last = e;
      }
    if (last == NULL || *fin_total == NULL)
      add_check (out, code11, t11, "journal-format.md J6 result.published", FALSE,
                 last == NULL ? "the count server published no fintælling result" : "nothing recomputed");
    else
      {
        gsize len = 0;
        const guint8 *published = vk_cbor_map_get_bytes_field (last->body, "digest", &len, NULL);
        vk_result_data_digest (*fin_total, *seats, digest);
        if (published != NULL && len == 32 && memcmp (published, digest, 32) == 0)
          add_check (out, code11, t11, "journal-format.md J6 result.published; result-sheet-format.md", TRUE,
                     "digest of entry %" G_GUINT64_FORMAT " matches", last->seq);
        else
          add_check (out, code11, t11, "journal-format.md J6 result.published; result-sheet-format.md", FALSE,
                     "the digest published in entry %" G_GUINT64_FORMAT " differs from the recomputed result",
                     last->seq);
      }
  }
}

GPtrArray *
vk_audit_run (const VkAuditOptions *options)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_audit_check_free);
  g_autoptr (GError) error = NULL;
  g_autoptr (VkPackage) package = NULL;
  g_autoptr (VkElection) election = NULL;
  g_autoptr (GPtrArray) files = NULL;
  g_autoptr (GHashTable) by_device = NULL; /* device → GPtrArray of its entries (borrowed), verified */
  g_autoptr (GPtrArray) devices = NULL;
  g_autoptr (VkFold) fold = NULL;
  g_autoptr (VkAreaResult) fin_total = NULL;
  g_autoptr (VkSeatAllocation) seats = NULL;
  const char *server_device = NULL;
  guint parse_fail = 0, verify_fail = 0;
  guint64 n_entries = 0;
  g_autoptr (GString) problems = g_string_new (NULL);

  g_return_val_if_fail (options != NULL, NULL);

  /* A1, A2: the package and its enrolments. */
  package = vk_package_open (options->package_path, &error);
  if (package == NULL)
    {
      add_check (out, "A1", "election package signature and election id", "package-format.md", FALSE, "%s",
                 error->message);
      return g_steal_pointer (&out);
    }
  {
    g_autofree char *id = vk_hex_encode (vk_package_get_election_id (package), VK_ELECTION_ID_BYTES);
    g_autofree char *kid = NULL;
    guint8 key_id[VK_KEY_ID_BYTES];
    vk_key_id_from_public_key (vk_package_get_election_public_key (package), key_id);
    kid = vk_hex_encode (key_id, VK_KEY_ID_BYTES);
    add_check (out, "A1", "election package signature and election id", "package-format.md", TRUE,
               "election id %s, signed by election key %s (compare this key id with the one published)", id, kid);
  }
  devices = vk_package_list_devices (package);
  for (guint i = 0; i < devices->len; i++)
    if (((VkDevice *)g_ptr_array_index (devices, i))->role_id == VK_ROLE_SERVER)
      server_device = ((VkDevice *)g_ptr_array_index (devices, i))->device_id;
  add_check (out, "A2", "every enrolment statement is signed by the election key", "package-format.md", TRUE,
             "%u devices enrolled%s%s", devices->len, server_device != NULL ? ", count server " : "",
             server_device != NULL ? server_device : "");
  election = vk_package_dup_election (package, &error);
  if (election == NULL)
    {
      add_check (out, "A3", "journal files parse", "journal-format.md J1–J4", FALSE, "%s", error->message);
      return g_steal_pointer (&out);
    }

  /* A3, A4: every journal file parses and verifies, every signature. */
  files = read_journals (options->journals_dir, package, &error);
  if (files == NULL)
    {
      add_check (out, "A3", "journal files parse", "journal-format.md J1–J4", FALSE, "%s", error->message);
      return g_steal_pointer (&out);
    }
  by_device = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  {
    g_autoptr (GPtrArray) all_entries = g_ptr_array_new ();
    VkEntry *fa = NULL, *fb = NULL;
    g_autoptr (GString) dup = g_string_new (NULL);

    for (guint i = 0; i < files->len; i++)
      {
        JournalFile *f = g_ptr_array_index (files, i);
        if (f->entries == NULL)
          {
            parse_fail++;
            g_string_append_printf (problems, "%s%s", problems->len ? "; " : "", f->error);
          }
      }
    add_check (out, "A3", "journal files parse (deterministic CBOR, COSE_Sign1)", "journal-format.md J1–J4",
               parse_fail == 0 && files->len > 0, "%u files%s%s", files->len, parse_fail ? ": " : "",
               parse_fail ? problems->str : (files->len == 0 ? ": no journal files" : ""));
    g_string_truncate (problems, 0);

    for (guint i = 0; i < files->len; i++)
      {
        JournalFile *f = g_ptr_array_index (files, i);
        const VkVerifyReport report = f->report;

        if (f->entries == NULL)
          continue;
        for (guint j = 0; j < f->entries->len; j++)
          g_ptr_array_add (all_entries, g_ptr_array_index (f->entries, j));
        /* Verified as it was read (read_journals()). */
        if (!f->verified)
          {
            g_autofree char *name = vk_text_escape_controls (f->path);
            g_autofree char *message = vk_text_escape_controls (f->verify_error);

            verify_fail++;
            g_string_append_printf (problems, "%s%s: %s", problems->len ? "; " : "", name, message);
            continue;
          }
        n_entries += report.entries;
        {
          const char *device = ((VkEntry *)g_ptr_array_index (f->entries, 0))->device_id;
          GPtrArray *held = g_hash_table_lookup (by_device, device);
          /* Two files of one device: keep the longer; a fork is A5's. */
          if (held != NULL)
            g_string_append_printf (dup, "%s%s", dup->len ? ", " : "", device);
          if (held == NULL || held->len < f->entries->len)
            g_hash_table_replace (by_device, g_strdup (device), f->entries);
        }
      }
    if (verify_fail == 0)
      add_check (out, "A4", "every entry's signature, chain, sequence, time and enrolment",
                 "journal-format.md J5.1–J5.8", TRUE, "%" G_GUINT64_FORMAT " entries in %u journals verified",
                 n_entries, g_hash_table_size (by_device));
    else
      add_check (out, "A4", "every entry's signature, chain, sequence, time and enrolment",
                 "journal-format.md J5.1–J5.8", FALSE, "%s", problems->str);

    /* A5: forks across files. */
    if (vk_journal_find_fork (all_entries, &fa, &fb))
      add_check (out, "A5", "no two different entries with the same device and seq (forks)", "journal-format.md J5.9",
                 FALSE, "fork: device %s, entry %" G_GUINT64_FORMAT, fa->device_id, fa->seq);
    else
      add_check (out, "A5", "no two different entries with the same device and seq (forks)", "journal-format.md J5.9",
                 TRUE, "no fork%s%s", dup->len ? "; duplicate copies of " : "", dup->str);
  }

  /* A6: completeness against the count server's receipts. */
  {
    GPtrArray *server = server_device != NULL ? g_hash_table_lookup (by_device, server_device) : NULL;
    g_autoptr (GString) missing = g_string_new (NULL);
    guint receipts = 0, published = 0;

    if (server == NULL)
      add_check (out, "A6", "every journal the count server acknowledged is present and complete",
                 "journal-format.md J6 receipt", FALSE, "the count server's journal (%s) is missing or invalid",
                 server_device != NULL ? server_device : "no server enrolled");
    else
      {
        for (guint i = 0; i < server->len; i++)
          {
            const VkEntry *e = g_ptr_array_index (server, i);
            if (strcmp (e->type, "receipt") == 0)
              {
                const char *device = vk_cbor_map_get_text_field (e->body, "device", NULL);
                guint64 seq = 0;
                gsize len = 0;
                const guint8 *head = vk_cbor_map_get_bytes_field (e->body, "head", &len, NULL);
                g_autofree char *why = NULL;

                receipts++;
                if (device == NULL || head == NULL || len != VK_HASH_BYTES
                    || !vk_cbor_map_get_uint_field (e->body, "seq", &seq, NULL))
                  why = g_strdup_printf ("receipt entry %" G_GUINT64_FORMAT " is malformed", e->seq);
                else
                  why = check_covered (by_device, device, seq, head);
                if (why != NULL && strstr (missing->str, why) == NULL)
                  g_string_append_printf (missing, "%s%s", missing->len ? "; " : "", why);
              }
            else if (strcmp (e->type, "result.published") == 0)
              {
                VkCbor *journals = vk_cbor_map_lookup_text (e->body, "journals");
                published++;
                for (gsize j = 0; journals != NULL && j < vk_cbor_array_get_length (journals); j++)
                  {
                    VkCbor *t = vk_cbor_array_get (journals, j);
                    gsize len = 0;
                    g_autofree char *why = NULL;
                    if (vk_cbor_get_type (t) != VK_CBOR_ARRAY || vk_cbor_array_get_length (t) != 3)
                      continue;
                    why = check_covered (by_device, vk_cbor_get_text (vk_cbor_array_get (t, 0), NULL),
                                         vk_cbor_get_uint (vk_cbor_array_get (t, 1)),
                                         vk_cbor_get_bytes (vk_cbor_array_get (t, 2), &len));
                    if (why != NULL && strstr (missing->str, why) == NULL)
                      g_string_append_printf (missing, "%s%s", missing->len ? "; " : "", why);
                  }
              }
          }
        if (missing->len == 0)
          add_check (out, "A6", "every journal the count server acknowledged is present and complete",
                     "journal-format.md J6 receipt, result.published", TRUE,
                     "%u receipts and %u published results covered", receipts, published);
        else
          add_check (out, "A6", "every journal the count server acknowledged is present and complete",
                     "journal-format.md J6 receipt, result.published", FALSE, "%s", missing->str);
      }
  }

  /* A7: the valgstyrere's own signatures on the sign-offs. */
  {
    guint n_sigs = 0, bad = 0;
    g_autoptr (GString) why = g_string_new (NULL);
    GHashTableIter iter;
    gpointer value;

    g_hash_table_iter_init (&iter, by_device);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        GPtrArray *entries = value;
        for (guint i = 0; i < entries->len; i++)
          {
            const VkEntry *e = g_ptr_array_index (entries, i);
            VkCbor *sigs;
            VkCbor *counts;
            const char *kind;
            guint64 area = 0;
            guint8 digest[32];
            g_autoptr (GBytes) payload = NULL;

            if (strcmp (e->type, "tally.signoff") != 0)
              continue;
            sigs = vk_cbor_map_lookup_text (e->body, "signatures");
            counts = vk_cbor_map_lookup_text (e->body, "counts");
            kind = vk_cbor_map_get_text_field (e->body, "kind", NULL);
            if (sigs == NULL || counts == NULL || kind == NULL
                || !vk_cbor_map_get_uint_field (e->body, "area", &area, NULL))
              continue;
            vk_counts_digest (counts, digest);
            payload = vk_counts_signoff_payload (vk_package_get_election_id (package),
                                                 vk_cbor_map_get_text_field (e->body, "contest", NULL), kind,
                                                 (guint)area, digest);
            for (gsize j = 0; j < vk_cbor_array_get_length (sigs); j++)
              {
                g_autoptr (GError) serr = NULL;
                gsize len = 0;
                const guint8 *data = vk_cbor_get_bytes (vk_cbor_array_get (sigs, j), &len);
                g_autoptr (VkCoseSign1) cose = data != NULL ? vk_cose_sign1_decode (data, len, &serr) : NULL;
                const VkDevice *signer
                    = cose != NULL ? vk_package_lookup_device_by_key_id (package, cose->key_id) : NULL;

                n_sigs++;
                if (cose == NULL || signer == NULL || signer->role_id != VK_ROLE_VALGSTYRER
                    || !g_bytes_equal (cose->payload, payload)
                    || !vk_cose_sign1_verify (cose, signer->public_key, &serr))
                  {
                    bad++;
                    g_string_append_printf (why, "%s%s entry %" G_GUINT64_FORMAT " signature %" G_GSIZE_FORMAT,
                                            why->len ? "; " : "", e->device_id, e->seq, j + 1);
                  }
              }
          }
      }
    if (bad == 0)
      add_check (out, "A7", "valgstyrere's own signatures on the sign-offs", "journal-format.md J6 tally.signoff", TRUE,
                 "%u signatures by enrolled valgstyrere verified", n_sigs);
    else
      add_check (out, "A7", "valgstyrere's own signatures on the sign-offs", "journal-format.md J6 tally.signoff",
                 FALSE, "%u bad: %s", bad, why->str);
  }

  /* A8: the discrepancy rules over everything. */
  fold = vk_fold_new (package, &error);
  if (fold == NULL)
    {
      add_check (out, "A8", "discrepancy rules D01–D21", "rules.md", FALSE, "%s", error->message);
      return g_steal_pointer (&out);
    }
  {
    GHashTableIter iter;
    gpointer value;
    g_autoptr (GPtrArray) findings = NULL;
    VkRulesConfig config;
    guint blocking = 0, warnings = 0, infos = 0;
    g_autoptr (GString) first = g_string_new (NULL);

    g_hash_table_iter_init (&iter, by_device);
    while (g_hash_table_iter_next (&iter, NULL, &value))
      {
        GPtrArray *entries = value;
        for (guint i = 0; i < entries->len; i++)
          vk_fold_add_entry (fold, g_ptr_array_index (entries, i));
      }
    vk_rules_config_init (&config, election);
    findings = vk_rules_run (fold, &config);
    for (guint i = 0; i < findings->len; i++)
      {
        const VkFinding *f = g_ptr_array_index (findings, i);
        if (f->severity == VK_SEVERITY_BLOCKING)
          {
            if (blocking++ == 0)
              {
                g_autofree char *message = vk_text_escape_controls (f->message_en);
                g_string_append_printf (first, "; first: D%02u %s", f->rule, message);
              }
          }
        else if (f->severity == VK_SEVERITY_WARNING)
          warnings++;
        else
          infos++;
      }
    add_check (out, "A8", "discrepancy rules D01–D21 re-run over the journals", "rules.md", blocking == 0,
               "%u blocking, %u warnings, %u info%s", blocking, warnings, infos, first->str);
  }

  /* A9–A11, per contest (the primary's totals stay for A12). */
  for (guint c = 0; c < vk_election_get_n_contests (election); c++)
    {
      g_autoptr (VkAreaResult) total = NULL;
      g_autoptr (VkSeatAllocation) alloc = NULL;

      audit_contest (out, vk_election_get_contest_nth (election, c), fold, by_device, server_device, options, &total,
                     &alloc);
      if (c == 0)
        {
          fin_total = g_steal_pointer (&total);
          seats = g_steal_pointer (&alloc);
        }
    }

  /* A12: the result sheet's signed QR code. */
  if (options->qr_texts != NULL && options->n_qr_texts > 0)
    {
      const VkDevice *server = server_device != NULL ? vk_package_lookup_device (package, server_device) : NULL;
      g_autoptr (VkResultSummary) summary = NULL;

      if (server == NULL)
        add_check (out, "A12", "the result sheet's QR code: signature and numbers", "result-sheet-format.md", FALSE,
                   "no count server is enrolled");
      else if ((summary = vk_result_qr_decode (options->qr_texts, options->n_qr_texts, server->public_key, &error))
               == NULL)
        add_check (out, "A12", "the result sheet's QR code: signature and numbers", "result-sheet-format.md", FALSE,
                   "%s", error->message);
      else if (memcmp (summary->election_id, vk_package_get_election_id (package), 32) != 0)
        add_check (out, "A12", "the result sheet's QR code: signature and numbers", "result-sheet-format.md", FALSE,
                   "the sheet is for another election");
      else if (fin_total == NULL)
        add_check (out, "A12", "the result sheet's QR code: signature and numbers", "result-sheet-format.md", FALSE,
                   "nothing recomputed to compare with");
      else
        {
          g_autofree char *why = compare_summary (summary, fin_total, seats);
          guint8 digest[32];
          vk_result_data_digest (fin_total, seats, digest);
          if (why == NULL && memcmp (digest, summary->data_digest, 32) != 0)
            why = g_strdup ("the data digest differs (personal votes or seats)");
          if (why == NULL)
            add_check (out, "A12", "the result sheet's QR code: signature and numbers", "result-sheet-format.md", TRUE,
                       "signed by %s; every number equals the recomputed result", server_device);
          else
            add_check (out, "A12", "the result sheet's QR code: signature and numbers", "result-sheet-format.md", FALSE,
                       "%s", why);
        }
    }
  return g_steal_pointer (&out);
}

GPtrArray *
vk_audit_read_sheet_qr (const char *pdf_path, GError **error)
{
  g_autofree char *dir = g_dir_make_tmp ("valgkit-audit-XXXXXX", error);
  g_autofree char *prefix = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GPtrArray) pngs = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GPtrArray) texts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GDir) d = NULL;
  const char *name;
  int status = 0;

  if (dir == NULL)
    return NULL;
  prefix = g_build_filename (dir, "page", NULL);
  {
    const char *argv[] = { "pdftoppm", "-r", "150", "-png", pdf_path, prefix, NULL };
    if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, &out, &err, &status, error))
      return NULL;
    if (!g_spawn_check_wait_status (status, NULL))
      {
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: cannot render the PDF: %s", pdf_path, err);
        return NULL;
      }
  }
  d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (pngs, g_build_filename (dir, name, NULL));
  for (guint i = 0; i < pngs->len; i++)
    {
      const char *argv[]
          = { "zbarimg", "--raw", "-q", "-Sdisable", "-Sqrcode.enable", g_ptr_array_index (pngs, i), NULL };
      g_autofree char *zout = NULL;
      g_auto (GStrv) lines = NULL;

      if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL, &zout,
                         NULL, &status, error))
        return NULL;
      lines = g_strsplit (zout != NULL ? zout : "", "\n", -1);
      for (guint j = 0; lines[j] != NULL; j++)
        if (*g_strstrip (lines[j]) != '\0')
          g_ptr_array_add (texts, g_strdup (lines[j]));
      (void)g_unlink (g_ptr_array_index (pngs, i));
    }
  (void)g_rmdir (dir);
  if (texts->len == 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no QR code found", pdf_path);
      return NULL;
    }
  return g_steal_pointer (&texts);
}
