/* cmd-demo-fv.c: `valgkit demo --fv DST_DIR | --fa DST_DIR --kommune KODE --out OUT`.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A municipality's folketingsvalg (FV2022) or folkeafstemning (FA2015)
 * day replayed from Danmarks Statistik's fintælling XML through the same
 * engines the stations and the count server run.  The contest (parties,
 * candidates, the municipality's areas) is built from DST's files by
 * vk_dst_read_municipality(): the FV2022 ballot is not in valg.dk's
 * kandidat-data.  The opstillingskredse of the municipality come from
 * valg.dk's geografi files (--geografi, default <data>/../fv2026/geografi).
 *
 *  - synthetic voters per area: DST's eligible voters, plus three who may
 *    receive none of the event's ballots (EU citizens: valg "KV;RV;EP");
 *  - one table per area checks in as many voters as DST's votes cast,
 *    and is refused each of the three;
 *  - the foreløbig count (DST's party votes) and the fintælling (party
 *    and personal votes, blank, invalid) are entered twice, signed off
 *    and pushed over HTTP to a real `valgkit serve`;
 *  - the count server's results and printouts, the audit;
 *  - the national result from all of DST's areas: the 175 seats
 *    (vk_fv_allocate()) or the folkeafstemning's outcome (§ 42).
 * With both --fv and --fa the folkeafstemning is a second contest of the
 * same (synthetic) day: per area, voters with both ballots, FV only, FA
 * only and none, in numbers such that each contest's eligible voters and
 * votes cast are DST's.  There are no brevstemmer in this replay: every
 * vote is cast in person.  docs/folketingsvalg.md, "The demo".
 */
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cmd-demo-fv.h"
#include "cmd-demo-util.h"
#include "vk-audit.h"
#include "vk-cli.h"
#include "vk-counts.h"
#include "vk-count-export.h"
#include "vk-count-print.h"
#include "vk-count.h"
#include "vk-dst-valgdk.h"
#include "vk-dst.h"
#include "vk-election-import.h"
#include "vk-error.h"
#include "vk-fa.h"
#include "vk-fv.h"
#include "vk-package.h"
#include "vk-station-error.h"
#include "vk-station.h"
#include "vk-sync.h"
#include "vk-tally.h"
#include "vk-text.h"

#define DEMO_PASSPHRASE "prøvevalg"
#define N_NOT_ELIGIBLE 3
#define HOUR_MS (60 * 60 * 1000ull)
#define DAY_MS (24 * HOUR_MS)

static guint64 sim_now_ms;

static guint64
sim_clock (gpointer user_data)
{
  return sim_now_ms;
}

gboolean
vk_cmd_demo_is_dst (int argc, char **argv)
{
  for (int i = 1; i < argc; i++)
    if (g_str_has_prefix (argv[i], "--fv") || g_str_has_prefix (argv[i], "--fa"))
      return TRUE;
  return FALSE;
}

/* The DST folder in dir, or unpacked from dir's *.tar.xz into out/dst. */
static char *
dst_folder (const char *dir, const char *out, GError **error)
{
  g_autoptr (GDir) d = NULL;
  g_autofree char *tarball = NULL;
  g_autofree char *base = g_path_get_basename (dir);
  g_autofree char *target = g_build_filename (out, "dst", base, NULL);
  const char *name;
  int status = 0;

  if (vk_dst_is_folder (dir))
    return vk_dst_find_folder (dir, error);
  d = g_dir_open (dir, 0, error);
  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".tar.xz"))
      tarball = g_build_filename (dir, name, NULL);
  if (tarball == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: neither fintal.xml nor a .tar.xz of DST's files", dir);
      return NULL;
    }
  if (vk_dst_is_folder (target))
    return vk_dst_find_folder (target, error);
  if (g_mkdir_with_parents (target, 0700) != 0)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s", target);
      return NULL;
    }
  {
    const char *argv[] = { "tar", "-xJf", tarball, "-C", target, NULL };
    if (!g_spawn_sync (NULL, (char **)argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL,
                       NULL, &status, error)
        || !g_spawn_check_wait_status (status, error))
      return NULL;
  }
  return vk_dst_find_folder (target, error);
}

/* A name without DST's or valg.dk's leading number ("1. Rønne"), folded. */
static char *
plain_name (const char *name)
{
  const char *p = name;

  while (g_ascii_isdigit (*p))
    p++;
  if (p != name && p[0] == '.' && p[1] == ' ')
    name = p + 2;
  return g_utf8_casefold (name, -1);
}

/* The opstillingskredse (Opstillingskreds_Dagi_id) that also have areas
 * of another municipality, from geografi's Afstemningsomraade-*.json. */
static GHashTable *
shared_kredse (const char *geografi, const char *kode, GError **error)
{
  g_autoptr (GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr (GDir) d = g_dir_open (geografi, 0, error);
  guint64 code = g_ascii_strtoull (kode, NULL, 10);
  const char *name;

  if (d == NULL)
    return NULL;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = NULL;
      g_autoptr (JsonParser) parser = NULL;
      JsonNode *root;
      JsonArray *arr;

      if (!g_str_has_prefix (name, "Afstemningsomraade-") || !g_str_has_suffix (name, ".json"))
        continue;
      path = g_build_filename (geografi, name, NULL);
      parser = json_parser_new ();
      if (!json_parser_load_from_file (parser, path, error))
        return NULL;
      root = json_parser_get_root (parser);
      if (root == NULL || !JSON_NODE_HOLDS_ARRAY (root))
        continue;
      arr = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (arr); i++)
        {
          JsonObject *o = json_array_get_object_element (arr, i);
          const char *kreds
              = o != NULL ? json_object_get_string_member_with_default (o, "Opstillingskreds_Dagi_id", NULL) : NULL;

          if (kreds != NULL && (guint64)json_object_get_int_member_with_default (o, "Kommunekode", 0) != code)
            g_hash_table_add (set, g_strdup (kreds));
        }
    }
  return g_steal_pointer (&set);
}

/* The municipality's name, opstillingskredse (NULL-terminated) and, in
 * *ret_keep (plain name → 1), the names of its areas in a kreds that it
 * shares with another municipality (DST's files name no municipality). */
static char **
municipality_kredse (const char *geografi, const char *kode, char **ret_name, GHashTable **ret_keep, GError **error)
{
  g_autoptr (VkElection) geo = vk_election_new ();
  g_autoptr (GPtrArray) kredse = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) shared = NULL;
  g_autoptr (GHashTable) keep = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  if (!vk_election_import_geografi (geo, geografi, kode, error))
    return NULL;
  shared = shared_kredse (geografi, kode, error);
  if (shared == NULL)
    return NULL;
  for (guint i = 0; i < geo->areas->len; i++)
    {
      const VkArea *a = g_ptr_array_index (geo->areas, i);
      gboolean seen = FALSE;

      for (guint k = 0; k < kredse->len && !seen; k++)
        seen = strcmp (g_ptr_array_index (kredse, k), a->kreds_name) == 0;
      if (!seen && a->kreds_name != NULL && *a->kreds_name != '\0')
        g_ptr_array_add (kredse, g_strdup (a->kreds_name));
      if (a->kreds != NULL && g_hash_table_contains (shared, a->kreds))
        g_hash_table_add (keep, plain_name (a->name));
    }
  g_ptr_array_add (kredse, NULL);
  *ret_name = g_strdup (geo->municipality);
  *ret_keep = g_steal_pointer (&keep);
  return (char **)g_ptr_array_free (g_steal_pointer (&kredse), FALSE);
}

/* Keeps, of a kreds shared with another municipality, the areas named as
 * the municipality's (keep); the areas of its own kredse all stay. */
static gboolean
keep_own_areas (VkDstMunicipality *m, GHashTable *keep, const char *kommune, GError **error)
{
  g_autoptr (GHashTable) shared_kreds = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint kept = 0;

  if (g_hash_table_size (keep) == 0)
    return TRUE;
  /* A kreds is shared when one of its areas has a name of keep. */
  for (guint i = 0; i < m->places->len; i++)
    {
      const VkDstArea *a = g_ptr_array_index (m->places, i);
      g_autofree char *n = plain_name (a->name);

      if (g_hash_table_contains (keep, n))
        g_hash_table_add (shared_kreds, g_strdup (a->kreds_name));
    }
  for (guint i = m->places->len; i-- > 0;)
    {
      const VkDstArea *a = g_ptr_array_index (m->places, i);
      const VkAreaResult *r = g_ptr_array_index (m->results, i);
      g_autofree char *n = plain_name (a->name);

      if (!g_hash_table_contains (shared_kreds, a->kreds_name))
        continue;
      if (g_hash_table_contains (keep, n))
        {
          kept++;
          continue;
        }
      for (guint k = 0; k < m->contest->areas->len; k++)
        if (((const VkArea *)g_ptr_array_index (m->contest->areas, k))->number == r->area_number)
          {
            g_ptr_array_remove_index (m->contest->areas, k);
            break;
          }
      g_ptr_array_remove_index (m->results, i);
      g_ptr_array_remove_index (m->places, i);
    }
  if (kept < g_hash_table_size (keep))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND,
                   "%s shares an opstillingskreds with another municipality, and %u of its areas there are not in "
                   "DST's files by name",
                   kommune, g_hash_table_size (keep) - kept);
      return FALSE;
    }
  return TRUE;
}

typedef struct
{
  char *id;
  VkKeypair *key;
  char *db;
} Device;

static void
device_free (Device *d)
{
  g_free (d->id);
  vk_keypair_free (d->key);
  g_free (d->db);
  g_free (d);
}

static Device *
enrol (VkPackage *pkg, const VkKeypair *election_key, VkDemoKeys *keys, GPtrArray *devices, const char *out,
       const char *id, VkDeviceRole role, guint area, guint64 day_ms, gboolean save, GError **error)
{
  Device *d = g_new0 (Device, 1);
  guint64 now = (guint64)(g_get_real_time () / 1000);

  d->id = g_strdup (id);
  d->key = vk_keypair_generate ();
  d->db = g_strdup_printf ("%s/devices/%s.db", out, id);
  g_ptr_array_add (devices, d);
  if ((save
       && !vk_demo_keys_save (keys, d->key, id, vk_device_role_to_string (role), id, VK_KDF_INTERACTIVE,
                              role == VK_ROLE_SERVER, error))
      || !vk_package_enroll (pkg, election_key, id, vk_device_role_to_string (role), area,
                             vk_keypair_get_public_key (d->key), MIN (day_ms - 92 * DAY_MS, now - DAY_MS),
                             MAX (day_ms + 31 * DAY_MS, now + 7 * DAY_MS), error))
    return NULL;
  return d;
}

static gboolean
push (VkPackage *pkg, const Device *dev, const char *url, GError **error)
{
  g_autoptr (VkSync) sync = vk_sync_new (pkg, dev->db, dev->id, error);

  if (sync == NULL || !vk_sync_push_to_server (sync, url, NULL, NULL, error))
    {
      g_prefix_error (error, "push of %s: ", dev->id);
      return FALSE;
    }
  return TRUE;
}

/* Enters counts twice (by two people) and signs off. */
static gboolean
enter_and_sign (VkStation *s, const char *contest, VkResultKind kind, const VkArea *area, const VkAreaResult *counts,
                gint64 marked, const VkKeypair *vs1, const VkKeypair *vs2, GError **error)
{
  VkSigner signers[] = { { "Valgstyrer Hansen", vs1 }, { "Valgstyrer Østergaard", vs2 } };
  g_autofree char *why = NULL;

  for (guint round = 1; round <= 2; round++)
    {
      sim_now_ms += 10 * 60 * 1000;
      if (vk_tally_enter (s, contest, kind, area->number, round,
                          round == 1 ? "Tilforordnet Jensen" : "Tilforordnet Madsen", counts, NULL, error)
          == 0)
        return FALSE;
    }
  if (marked >= 0 && (guint64)marked != counts->cast)
    why = g_strdup_printf ("Optællingen talte %" G_GUINT64_FORMAT " afgivne stemmer mod %" G_GINT64_FORMAT
                           " afkrydsede vælgere; forskellen er gennemgået af valgstyrerne.",
                           counts->cast, marked);
  if (vk_tally_sign_off (s, contest, kind, area->number, signers, 2, why, marked, area->eligible, error) == 0)
    {
      g_prefix_error (error, "area %u: ", area->number);
      return FALSE;
    }
  return TRUE;
}

/* The national result from every area of DST's folder. */
static gboolean
print_national (VkDstKind kind, const char *dst, const char *data, GError **error)
{
  if (kind == VK_DST_FOLKEAFSTEMNING)
    {
      VkFaTotals t = { 0 };
      gboolean adopted;

      if (!vk_dst_read_fa (dst, &t, error))
        return FALSE;
      adopted = vk_fa_adopted (VK_FA_RULE_42, t.ja, t.nej, t.eligible);
      printf ("\nLandsresultat (alle afstemningsområder i DST's filer): Ja %" G_GUINT64_FORMAT
              ", Nej %" G_GUINT64_FORMAT " af %" G_GUINT64_FORMAT " stemmeberettigede: %s (grundlovens § 42)\n",
              t.ja, t.nej, t.eligible, adopted ? "vedtaget" : "forkastet");
      vk_fa_totals_clear (&t);
      return TRUE;
    }
  {
    g_autofree char *table_path = g_build_filename (data, "kredsmandater.json", NULL);
    g_autoptr (VkFvTable) table = vk_fv_table_load (table_path, error);
    g_autoptr (VkFvVotes) votes = NULL;
    g_autoptr (VkFvAllocation) alloc = NULL;
    g_autoptr (GString) line = g_string_new (NULL);
    g_autofree guint *order = NULL;

    if (table == NULL)
      return FALSE;
    votes = vk_dst_read_fv (dst, error);
    if (votes == NULL)
      return FALSE;
    alloc = vk_fv_allocate (table, votes, NULL, error);
    if (alloc == NULL)
      return FALSE;
    /* Most seats first (ties in the order DST lists the parties). */
    order = g_new (guint, alloc->n_parties);
    for (guint p = 0; p < alloc->n_parties; p++)
      order[p] = p;
    for (guint i = 1; i < alloc->n_parties; i++)
      for (guint j = i; j > 0; j--)
        {
          guint a = order[j - 1], b = order[j];
          if (alloc->kreds[a] + alloc->tillaeg[a] >= alloc->kreds[b] + alloc->tillaeg[b])
            break;
          order[j - 1] = b;
          order[j] = a;
        }
    for (guint i = 0; i < alloc->n_parties; i++)
      {
        guint p = order[i];
        g_autofree char *letter = vk_text_escape_controls (g_ptr_array_index (votes->letters, p));

        if (alloc->kreds[p] + alloc->tillaeg[p] == 0)
          continue;
        g_string_append_printf (line, "%s%s %u", line->len > 0 ? ", " : "", letter,
                                alloc->kreds[p] + alloc->tillaeg[p]);
      }
    printf ("\nMandatfordeling, hele landet (alle afstemningsområder i DST's filer, %s):\n  %s\n", table_path,
            line->str);
    for (guint i = 0; i < alloc->independents->len; i++)
      {
        const VkFvElectedIndependent *e = g_ptr_array_index (alloc->independents, i);
        g_autofree char *name = vk_text_escape_controls (e->name);
        printf ("  Uden for partier: %s, 1 kredsmandat\n", name);
      }
  }
  return TRUE;
}

/* OUT/fintaelling.json: each area's fintælling as the count server holds
 * it (vk_count_results()), beside DST's id of the area, so that anyone
 * can compare it with DST's file of that area. */
static gboolean
write_count_json (const char *path, const VkElection *event, const VkResults *res, GPtrArray *places, GError **error)
{
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_array (b);
  for (guint i = 0; i < res->areas->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (res->areas, i);
      const VkDstArea *place = NULL;
      GHashTableIter iter;
      gpointer key, value;

      for (guint k = 0; k < event->areas->len && k < places->len; k++)
        if (((const VkArea *)g_ptr_array_index (event->areas, k))->number == r->area_number)
          place = g_ptr_array_index (places, k);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "area");
      json_builder_add_int_value (b, r->area_number);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, r->area_name);
      json_builder_set_member_name (b, "dst_id");
      json_builder_add_string_value (b, place != NULL ? place->id : "");
      json_builder_set_member_name (b, "eligible");
      json_builder_add_int_value (b, (gint64)r->eligible);
      json_builder_set_member_name (b, "cast");
      json_builder_add_int_value (b, (gint64)r->cast);
      json_builder_set_member_name (b, "valid");
      json_builder_add_int_value (b, (gint64)r->valid);
      json_builder_set_member_name (b, "blank");
      json_builder_add_int_value (b, (gint64)(r->blank_in_person + r->blank_postal));
      json_builder_set_member_name (b, "other_invalid");
      json_builder_add_int_value (b, (gint64)r->other_invalid);
      json_builder_set_member_name (b, "lists");
      json_builder_begin_object (b);
      for (guint k = 0; k < r->lists->len; k++)
        {
          const VkListResult *l = g_ptr_array_index (r->lists, k);
          const VkList *list = vk_election_lookup_list (event, l->list_id);

          json_builder_set_member_name (b, list != NULL && *list->letter != '\0' ? list->letter
                                           : list != NULL                        ? list->name
                                                                                 : l->list_id);
          json_builder_add_int_value (b, (gint64)l->votes);
        }
      json_builder_end_object (b);
      json_builder_set_member_name (b, "personal");
      json_builder_begin_object (b);
      if (r->candidate_votes != NULL)
        {
          g_hash_table_iter_init (&iter, r->candidate_votes);
          while (g_hash_table_iter_next (&iter, &key, &value))
            {
              const VkCandidate *c = vk_election_lookup_candidate (event, key);
              g_autofree char *name
                  = g_strdup_printf ("%s/%s", c != NULL && *c->list->letter != '\0' ? c->list->letter : "",
                                     c != NULL ? c->name : (const char *)key);

              json_builder_set_member_name (b, name);
              json_builder_add_int_value (b, (gint64) * (const guint64 *)value);
            }
        }
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  text = json_generator_to_data (gen, NULL);
  return g_file_set_contents (path, text, -1, error);
}

/* An FA result of DST's contest as a count of the event's FA question
 * (its lists "<id>-ja" and "<id>-nej") in the event's area number. */
static VkAreaResult *
fa_remap (const VkAreaResult *src, const VkElection *dst_contest, const VkElection *fa, const VkArea *area,
          GError **error)
{
  g_autoptr (VkAreaResult) r = vk_area_result_new (VK_RESULT_FINTAELLING, area->number, area->name);
  g_autoptr (VkCbor) cbor = NULL;

  r->eligible = src->eligible;
  r->cast = src->cast;
  r->valid = src->valid;
  r->blank_in_person = src->blank_in_person;
  r->blank_postal = src->blank_postal;
  r->other_invalid = src->other_invalid;
  r->has_invalid_detail = src->has_invalid_detail;
  for (guint i = 0; i < src->invalid_reasons->len; i++)
    {
      const VkInvalidReason *v = &g_array_index (src->invalid_reasons, VkInvalidReason, i);
      vk_area_result_add_invalid (r, v->code, v->count);
    }
  for (guint i = 0; i < src->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (src->lists, i);
      const VkList *from = vk_election_lookup_list (dst_contest, l->list_id);
      const VkList *to = NULL;

      for (guint k = 0; from != NULL && k < fa->lists->len; k++)
        if (g_ascii_strcasecmp (((const VkList *)g_ptr_array_index (fa->lists, k))->name, from->letter) == 0)
          to = g_ptr_array_index (fa->lists, k);
      if (to == NULL)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "area %s: the answer %s is neither Ja nor Nej", area->name,
                       from != NULL ? from->letter : l->list_id);
          return NULL;
        }
      vk_area_result_add_list (r, to->id, l->votes, l->list_votes)->has_list_votes = l->has_list_votes;
    }
  cbor = vk_counts_to_cbor (r, NULL);
  g_clear_pointer (&r, vk_area_result_free);
  r = vk_counts_from_cbor (cbor, fa, VK_RESULT_FINTAELLING, area->number, area->name, NULL, error);
  if (r != NULL)
    r->eligible = src->eligible; /* not in the counts: the plan of voters needs it */
  return g_steal_pointer (&r);
}

/* Who is on an area's list and who comes: b voters receive both ballots
 * (or the one contest's), f the FV ballot only, a the FA ballot only;
 * x, y, z of them come.  Then the three EU citizens. */
typedef struct
{
  guint b, f, a, x, y, z;
} Plan;

typedef struct
{
  const char *out, *passphrase, *data, *geografi, *kode;
  const char *fa_data; /* with --fv and --fa: the FA of the same (synthetic) day */
  VkDstKind kind;
} Options;

/* devices and election_key belong to the caller: the key files written in
 * the background borrow them until vk_demo_keys_clear(). */
static gboolean
run (const Options *o, VkDemoKeys *keys, VkDemoServer *server, GPtrArray *devices, const VkKeypair *election_key,
     GError **error)
{
  g_autofree char *dst = NULL;
  g_autofree char *kommune = NULL;
  g_auto (GStrv) kredse = NULL;
  g_autoptr (GHashTable) keep = NULL;
  g_autoptr (VkDstMunicipality) m = NULL;
  g_autoptr (VkDstMunicipality) m_fa = NULL;
  g_autofree char *fa_dst = NULL;
  g_autoptr (GPtrArray) fa_fin = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  g_autoptr (GPtrArray) fa_places = g_ptr_array_new ();
  g_autoptr (GArray) plans = g_array_new (FALSE, TRUE, sizeof (Plan));
  const VkElection *fa = NULL;
  g_autoptr (VkVoterList) voters = vk_voter_list_new ();
  g_autoptr (VkPackage) pkg = NULL;
  g_autoptr (GTimeZone) tz = g_time_zone_new_identifier ("Europe/Copenhagen");
  g_autofree char *pkg_path = g_build_filename (o->out, "election.vkp", NULL);
  VkElection *event;
  const char *contest;
  guint64 day_ms;
  guint n_areas, n_checkins = 0, n_refused = 0;
  Device *server_dev, *fint_dev;
  int y = 0, mo = 0, dd = 0;

  if (!vk_demo_prepare_out (o->out, error))
    return FALSE;
  for (guint i = 0; i < 2; i++)
    {
      g_autofree char *stale = g_build_filename (o->out, i == 0 ? "fintaelling.json" : "fintaelling-fa.json", NULL);
      (void)g_unlink (stale);
    }
  dst = dst_folder (o->data, o->out, error);
  if (dst == NULL)
    return FALSE;
  kredse = municipality_kredse (o->geografi, o->kode, &kommune, &keep, error);
  if (kredse == NULL)
    return FALSE;
  m = vk_dst_read_municipality (dst, o->kind, o->kode, kommune, (const char *const *)kredse, error);
  if (m == NULL || !keep_own_areas (m, keep, kommune, error))
    return FALSE;
  event = m->contest;
  if (o->kind == VK_DST_FOLKETINGSVALG)
    event->seats = VK_FV_SEATS;
  else
    {
      g_free (event->title);
      event->title = g_strdup ("Folkeafstemning om retsforbeholdet");
    }
  event->test = TRUE;
  contest = vk_election_contest_id (event);
  n_areas = event->areas->len;
  if (n_areas == 0 || sscanf (event->date != NULL ? event->date : "", "%d-%d-%d", &y, &mo, &dd) != 3)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: no areas or no date for kommune %s", dst, o->kode);
      return FALSE;
    }
  {
    g_autoptr (GDateTime) day = g_date_time_new (tz, y, mo, dd, 0, 0, 0);
    day_ms = (guint64)g_date_time_to_unix (day) * 1000;
  }
  printf ("[1/7] Read %s %s of %s (kommune %s) from %s: %u areas in %u opstillingskredse, %u lists\n",
          vk_election_type_name_da (event->type), event->date, kommune, o->kode, dst, n_areas, g_strv_length (kredse),
          event->lists->len);
  /* --fv and --fa: the folkeafstemning as a second contest of the same day
   * (synthetic: FA2015 was another day), its areas matched by name. */
  if (o->fa_data != NULL)
    {
      VkElection *q;

      fa_dst = dst_folder (o->fa_data, o->out, error);
      if (fa_dst == NULL)
        return FALSE;
      m_fa = vk_dst_read_municipality (fa_dst, VK_DST_FOLKEAFSTEMNING, o->kode, kommune, (const char *const *)kredse,
                                       error);
      if (m_fa == NULL || !keep_own_areas (m_fa, keep, kommune, error))
        return FALSE;
      q = vk_election_add_fa_question (event, "Folkeafstemning om retsforbeholdet (2015, genspillet samme dag)", error);
      if (q == NULL)
        return FALSE;
      for (guint a = 0; a < n_areas; a++)
        {
          const VkArea *area = g_ptr_array_index (event->areas, a);
          const VkDstArea *place = g_ptr_array_index (m->places, a);
          g_autofree char *want = plain_name (place->name);
          guint j;
          VkAreaResult *r;

          for (j = 0; j < m_fa->places->len; j++)
            {
              g_autofree char *n = plain_name (((const VkDstArea *)g_ptr_array_index (m_fa->places, j))->name);
              if (strcmp (n, want) == 0)
                break;
            }
          if (j == m_fa->places->len)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_NOT_FOUND, "%s: no area %s in the folkeafstemning's files", fa_dst,
                           place->name);
              return FALSE;
            }
          r = fa_remap (g_ptr_array_index (m_fa->results, j), m_fa->contest, q, area, error);
          if (r == NULL)
            return FALSE;
          g_ptr_array_add (fa_fin, r);
          g_ptr_array_add (fa_places, g_ptr_array_index (m_fa->places, j));
        }
      printf ("      and the folkeafstemning of %s from %s as a second ballot the same day (synthetic)\n",
              m_fa->contest->date, fa_dst);
    }

  /* 2. Voters: DST's eligible voters per area, and three who may not vote. */
  for (guint a = 0; a < n_areas; a++)
    {
      const VkArea *area = g_ptr_array_index (event->areas, a);
      const VkAreaResult *fin = g_ptr_array_index (m->results, a);
      Plan p = { area->eligible, 0, 0, (guint)fin->cast, 0, 0 };

      if (fa_fin->len > 0)
        {
          const VkAreaResult *far = g_ptr_array_index (fa_fin, a);
          guint e_fa = (guint)far->eligible, c_fa = (guint)far->cast;

          p.x = MIN ((guint)fin->cast, c_fa);
          p.y = (guint)fin->cast - p.x;
          p.z = c_fa - p.x;
          p.b = MIN (area->eligible - p.y, e_fa - p.z);
          p.f = area->eligible - p.b;
          p.a = e_fa - p.b;
        }
      g_array_append_val (plans, p);
      for (guint i = 1; i <= p.b + p.f + p.a + N_NOT_ELIGIBLE; i++)
        {
          g_autofree char *name = g_strdup_printf ("Vælger %u-%u", area->number, i);
          const char *valg = i <= p.b ? "" : i <= p.b + p.f ? "FV" : i <= p.b + p.f + p.a ? "FA" : "KV;RV;EP";

          if (!vk_voter_list_add_full (voters, area->number, i, name, "Prøvevej 1", "1970-01-01", valg, error))
            return FALSE;
        }
    }
  vk_election_count_eligible (event, voters);
  if (!vk_demo_keys_save (keys, election_key, "election", "election", kommune, VK_KDF_MODERATE, FALSE, error))
    return FALSE;
  pkg = vk_package_create (pkg_path, event, voters, election_key, error);
  if (pkg == NULL)
    return FALSE;
  event = (VkElection *)vk_package_get_election (pkg);
  if (fa_fin->len > 0)
    fa = vk_election_get_contest (event, "FA");
  printf ("[2/7] Signed the package %s: %u synthetic voters, %u per area not eligible (EU citizens)\n", pkg_path,
          vk_voter_list_get_length (voters), N_NOT_ELIGIBLE);

  /* 3. Devices: the count server, a table per area, a fintælling table. */
  server_dev = enrol (pkg, election_key, keys, devices, o->out, "taelleserver", VK_ROLE_SERVER, VK_PACKAGE_NO_AREA,
                      day_ms, TRUE, error);
  if (server_dev == NULL)
    return FALSE;
  for (guint a = 0; a < n_areas; a++)
    {
      const VkArea *area = g_ptr_array_index (event->areas, a);
      g_autofree char *id = g_strdup_printf ("omr%02u-bord1", area->number);
      if (enrol (pkg, election_key, keys, devices, o->out, id, VK_ROLE_VALGBORD, area->number, day_ms, TRUE, error)
          == NULL)
        return FALSE;
    }
  fint_dev = enrol (pkg, election_key, keys, devices, o->out, "fintaelling-1", VK_ROLE_FINTAELLING, VK_PACKAGE_NO_AREA,
                    day_ms, TRUE, error);
  if (fint_dev == NULL)
    return FALSE;
  /* Two valgstyrere per area sign the foreløbig count with their own keys
   * (the first area's keep their key files, as in the KV demo). */
  for (guint a = 0; a < n_areas; a++)
    for (guint k = 1; k <= 2; k++)
      {
        const VkArea *area = g_ptr_array_index (event->areas, a);
        g_autofree char *id = g_strdup_printf ("omr%02u-valgstyrer%u", area->number, k);
        if (enrol (pkg, election_key, keys, devices, o->out, id, VK_ROLE_VALGSTYRER, area->number, day_ms, a == 0,
                   error)
            == NULL)
          return FALSE;
      }
  if (!vk_demo_server_start (server, o->out, o->passphrase, error))
    return FALSE;
  printf ("[3/7] Enrolled %u devices (tables, valgstyrere, fintælling, server); started valgkit serve: %s\n",
          devices->len, server->url);

  /* 4. Election day, area by area. */
  vk_journal_set_default_clock (sim_clock, NULL);
  for (guint a = 0; a < n_areas; a++)
    {
      const VkArea *area = g_ptr_array_index (event->areas, a);
      const VkAreaResult *fin = g_ptr_array_index (m->results, a);
      g_autoptr (VkAreaResult) fore = vk_demo_foreloebig_from (fin);
      Device *dev = g_ptr_array_index (devices, a + 1);
      VkStation *s;
      gboolean ok;

      sim_now_ms = day_ms + 8 * HOUR_MS;
      s = vk_station_open (pkg, dev->db, dev->id, dev->key, error);
      if (s == NULL || !vk_station_set_batched_durability (s, TRUE, error))
        {
          g_clear_pointer (&s, vk_station_close);
          return FALSE;
        }
      const Plan *p = &g_array_index (plans, Plan, a);
      guint comes = p->x + p->y + p->z, k = 0;

      ok = TRUE;
      for (guint i = 1; ok && i <= p->b + p->f + p->a; i++)
        {
          if (!(i <= p->x || (i > p->b && i <= p->b + p->y) || (i > p->b + p->f && i <= p->b + p->f + p->z)))
            continue;
          sim_now_ms = day_ms + 8 * HOUR_MS + (guint64)++k * 12 * HOUR_MS / (comes + 1);
          ok = vk_station_check_in (s, i, VK_CHECKIN_SCAN, FALSE, error) != 0;
          n_checkins += ok;
        }
      /* The EU citizens come too: the table refuses them. */
      for (guint i = p->b + p->f + p->a + 1; ok && i <= p->b + p->f + p->a + N_NOT_ELIGIBLE; i++)
        {
          g_autoptr (GError) local = NULL;

          if (vk_station_check_in (s, i, VK_CHECKIN_SCAN, FALSE, &local) != 0)
            {
              g_set_error (error, VK_ERROR, VK_ERROR_FAILED, "area %u: voter %u (not eligible) was checked in",
                           area->number, i);
              ok = FALSE;
            }
          else if (g_error_matches (local, VK_STATION_ERROR, VK_STATION_ERROR_NOT_ELIGIBLE))
            n_refused++;
          else
            {
              g_propagate_error (error, g_steal_pointer (&local));
              ok = FALSE;
            }
        }
      sim_now_ms = day_ms + 20 * HOUR_MS;
      ok = ok && vk_station_close_poll (s, error) != 0
           && enter_and_sign (s, contest, VK_RESULT_FORELOEBIG, area, fore,
                              vk_station_count_checked_in_for (s, contest),
                              ((Device *)g_ptr_array_index (devices, n_areas + 2 + 2 * a))->key,
                              ((Device *)g_ptr_array_index (devices, n_areas + 3 + 2 * a))->key, error);
      if (ok && fa != NULL)
        {
          g_autoptr (VkAreaResult) fa_fore = vk_demo_foreloebig_from (g_ptr_array_index (fa_fin, a));

          ok = enter_and_sign (s, "FA", VK_RESULT_FORELOEBIG, vk_election_lookup_area (fa, area->number), fa_fore,
                               vk_station_count_checked_in_for (s, "FA"),
                               ((Device *)g_ptr_array_index (devices, n_areas + 2 + 2 * a))->key,
                               ((Device *)g_ptr_array_index (devices, n_areas + 3 + 2 * a))->key, error);
        }
      ok = ok && vk_station_sync (s, error);
      vk_station_close (s);
      if (!ok || !push (pkg, dev, server->url, error))
        return FALSE;
    }
  printf ("[4/7] Election day: %u check-ins, %u voters refused (not eligible); the foreløbig count of %u areas "
          "entered twice, signed off and pushed\n",
          n_checkins, n_refused, n_areas);

  /* 5. The fintælling, the next day. */
  {
    VkStation *s;
    gboolean ok = TRUE;

    sim_now_ms = day_ms + DAY_MS + 9 * HOUR_MS;
    s = vk_station_open (pkg, fint_dev->db, fint_dev->id, fint_dev->key, error);
    if (s == NULL)
      return FALSE;
    for (guint a = 0; ok && a < n_areas; a++)
      {
        const VkArea *area = g_ptr_array_index (event->areas, a);
        const VkAreaResult *fin = g_ptr_array_index (m->results, a);

        g_autoptr (VkCbor) cbor = vk_counts_to_cbor (fin, NULL);
        g_autoptr (VkAreaResult) r
            = vk_counts_from_cbor (cbor, event, VK_RESULT_FINTAELLING, area->number, area->name, NULL, error);
        ok = r != NULL
             && enter_and_sign (s, contest, VK_RESULT_FINTAELLING, area, r, (gint64)fin->cast, NULL, NULL, error);
        if (ok && fa != NULL)
          {
            const VkAreaResult *far = g_ptr_array_index (fa_fin, a);
            ok = enter_and_sign (s, "FA", VK_RESULT_FINTAELLING, vk_election_lookup_area (fa, area->number), far,
                                 (gint64)far->cast, NULL, NULL, error);
          }
      }
    ok = ok && vk_station_sync (s, error);
    vk_station_close (s);
    if (!ok || !push (pkg, fint_dev, server->url, error))
      return FALSE;
  }
  printf ("[5/7] Fintælling: %u areas (party and personal votes, blank, invalid) entered twice, signed off and "
          "pushed\n",
          n_areas);
  vk_journal_set_default_clock (NULL, NULL);
  vk_demo_server_stop (server);
  if (!vk_demo_keys_wait (keys, error))
    return FALSE;

  /* 6. Results, printouts, audit. */
  {
    g_autofree char *db = g_build_filename (o->out, "count.db", NULL);
    g_autofree char *journals = g_build_filename (o->out, "journals", NULL);
    g_autofree char *pdf_dir = g_build_filename (o->out, "pdf", NULL);
    g_autoptr (VkCount) count = vk_count_open (db, pkg, server_dev->key, error);
    g_autoptr (VkPrintOutcome) printed = NULL;
    g_autoptr (GPtrArray) qr = NULL;
    g_autoptr (GPtrArray) checks = NULL;
    g_autoptr (VkResults) res = NULL;
    VkRulesConfig config;

    if (count == NULL)
      return FALSE;
    vk_rules_config_init (&config, event);
    config.expect_fintaelling = TRUE;
    res = vk_count_results (count, contest, VK_RESULT_FINTAELLING, error);
    if (res == NULL)
      return FALSE;
    printf ("[6/7] The count server's fintælling of %s: %" G_GUINT64_FORMAT " votes cast, %" G_GUINT64_FORMAT
            " valid, of %" G_GUINT64_FORMAT " eligible\n",
            kommune, res->total->cast, res->total->valid, res->total->eligible);
    {
      g_autofree char *json_path = g_build_filename (o->out, "fintaelling.json", NULL);
      if (!write_count_json (json_path, event, res, m->places, error))
        return FALSE;
      printf ("      Each area's fintælling as the count server holds it: %s\n", json_path);
    }
    if (fa != NULL)
      {
        g_autofree char *json_path = g_build_filename (o->out, "fintaelling-fa.json", NULL);
        g_autoptr (VkResults) fa_res = vk_count_results (count, "FA", VK_RESULT_FINTAELLING, error);

        if (fa_res == NULL || !write_count_json (json_path, fa, fa_res, fa_places, error))
          return FALSE;
        printf ("      The folkeafstemning: Ja %" G_GUINT64_FORMAT ", Nej %" G_GUINT64_FORMAT " of %" G_GUINT64_FORMAT
                " votes cast; each area's in %s\n",
                ((const VkListResult *)g_ptr_array_index (fa_res->total->lists, 0))->votes,
                fa_res->total->lists->len > 1
                    ? ((const VkListResult *)g_ptr_array_index (fa_res->total->lists, 1))->votes
                    : 0,
                fa_res->total->cast, json_path);
      }
    for (guint i = 0; i < res->total->lists->len; i++)
      {
        const VkListResult *l = g_ptr_array_index (res->total->lists, i);
        const VkList *list = vk_election_lookup_list (event, l->list_id);
        g_autofree char *letter = vk_cli_pad (list != NULL ? list->letter : "", 3);
        g_autofree char *name = vk_cli_pad (list != NULL ? list->name : l->list_id, 44);

        printf ("      %s %s %8" G_GUINT64_FORMAT "\n", letter, name, l->votes);
      }
    printed = vk_count_print_results (count, server_dev->key, NULL, &config, TRUE, pdf_dir, error);
    if (printed == NULL)
      return FALSE;
    if (vk_count_export_journals (count, journals, error) < 0)
      return FALSE;
    if (printed != NULL && printed->municipality_sheet != NULL)
      {
        qr = vk_audit_read_sheet_qr (printed->municipality_sheet, error);
        if (qr == NULL)
          return FALSE;
        printf ("      Result sheet: %s (and one per area in %s)\n", printed->municipality_sheet, pdf_dir);
      }
    {
      VkAuditOptions aopts
          = { pkg_path, journals, qr != NULL ? (const char *const *)qr->pdata : NULL, qr != NULL ? qr->len : 0, NULL };
      checks = vk_audit_run (&aopts);
    }
    printf ("[7/7] Audit (valgkit audit --election %s --journals %s):\n", pkg_path, journals);
    for (guint i = 0; i < checks->len; i++)
      {
        const VkAuditCheck *c = g_ptr_array_index (checks, i);
        g_autofree char *title = vk_cli_pad (c->title, 70);

        printf ("  %-3s %s %s\n", c->code, title, c->ok ? "ok" : "FAILED");
        if (!c->ok)
          printf ("      %s\n", c->detail);
      }
    if (!vk_audit_all_ok (checks))
      {
        g_set_error (error, VK_ERROR, VK_ERROR_SIGNATURE, "the audit failed");
        return FALSE;
      }
  }
  return print_national (o->kind, dst, o->data, error)
         && (fa_dst == NULL || print_national (VK_DST_FOLKEAFSTEMNING, fa_dst, o->fa_data, error));
}

int
vk_cmd_demo_fv (int argc, char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GOptionContext) context
      = g_option_context_new ("- replay a municipality's folketingsvalg or folkeafstemning from DST's data");
  g_autofree char *out = NULL, *fv = NULL, *fa = NULL, *kommune = NULL, *geografi = NULL;
  Options o = { 0 };
  VkDemoKeys keys;
  VkDemoServer server = { NULL, 0, -1 };
  GPtrArray *devices = NULL;
  VkKeypair *election_key = NULL;
  gboolean ok;
  GOptionEntry options[] = {
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, "Folder to write into", "DIR" },
    { "fv", 0, 0, G_OPTION_ARG_FILENAME, &fv,
      "A folketingsvalg: Danmarks Statistik's fintælling XML (a folder with fintal.xml, or with its .tar.xz) and "
      "kredsmandater.json",
      "DIR" },
    { "fa", 0, 0, G_OPTION_ARG_FILENAME, &fa, "A folkeafstemning: Danmarks Statistik's fintælling XML", "DIR" },
    { "kommune", 0, 0, G_OPTION_ARG_STRING, &kommune, "The municipality's kommunekode (e.g. 400 Bornholm)", "KODE" },
    { "geografi", 0, 0, G_OPTION_ARG_FILENAME, &geografi,
      "valg.dk's Valggeografi files (default: ../fv2026/geografi beside the data)", "DIR" },
    { NULL },
  };

  g_option_context_add_main_entries (context, options, NULL);
  if (!vk_cli_parse (context, &argc, &argv, "demo"))
    return VK_EXIT_USAGE;
  if (out == NULL || kommune == NULL || (fv == NULL && fa == NULL) || argc > 1)
    {
      fprintf (stderr, "valgkit demo: --out DIR, --kommune KODE and --fv DIR or --fa DIR (or both) are required\n");
      return VK_EXIT_USAGE;
    }
  o.out = out;
  o.kode = kommune;
  o.data = fv != NULL ? fv : fa;
  o.fa_data = fv != NULL ? fa : NULL;
  o.kind = fv != NULL ? VK_DST_FOLKETINGSVALG : VK_DST_FOLKEAFSTEMNING;
  if (geografi == NULL)
    geografi = g_build_filename (o.data, "..", "fv2026", "geografi", NULL);
  o.geografi = geografi;
  o.passphrase = g_getenv ("VALGKIT_PASSPHRASE") != NULL ? g_getenv ("VALGKIT_PASSPHRASE") : DEMO_PASSPHRASE;
  vk_demo_keys_init (&keys, out, o.passphrase);
  devices = g_ptr_array_new_with_free_func ((GDestroyNotify)device_free);
  election_key = vk_keypair_generate ();

  printf ("valgkit demo — PRØVEVALG (test data, not a real election)\n\n");
  ok = run (&o, &keys, &server, devices, election_key, &error);
  vk_journal_set_default_clock (NULL, NULL);
  vk_demo_server_stop (&server);
  vk_demo_keys_clear (&keys);
  g_ptr_array_unref (devices);
  vk_keypair_free (election_key);
  g_free (server.url);
  if (!ok)
    return vk_cli_fail ("demo", error);
  return VK_EXIT_OK;
}
