/* vk-valgdk-export.c: one polling area's result in valg.dk's KVRV-Valgresultater shape.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-json-private.h"
#include "vk-text.h"
#include "vk-valgdk-export-private.h"
#include "vk-valgdk-export.h"
#include "vk-valgdk-previous.h"

/* valg.dk's invalid-vote reasons (UgyldigeFremmødteStemmerÅrsager 1–13,
 * UgyldigeBrevstemmerÅrsager 21–32): Navn and Paragraf as every official
 * KV2025 and RV2025 file gives them (../shared/data). */
typedef struct
{
  guint code;
  const char *name;
  const char *paragraph;
} Reason;

static const Reason reasons_in_person[] = {
  { 1, "Blanke", "4" },
  { 2, "AndetMærkeEndKryds", "5" },
  { 3, "HeltEllerDelvistOverstreget", "6" },
  { 4, "KrydsUdenForFelterne", "7" },
  { 5, "KrydsIflereFelter", "8" },
  { 6, "KrydsRækkerIndIflereFelter", "9,10" },
  { 7, "OverstregetUdvisketEllerIkkeFuldtKryds", "11" },
  { 8, "AndreGrunde", "12" },
  { 9, "StemmeseddelIkkeUdFraAfstemningssted", "13" },
  { 10, "AndetMærkeEndKrydsForudenKryds", "14" },
  { 11, "AnførtFlereEndTreKryds", "15" },
  { 12, "StemmeseddelMedTegningPåskrift", "16" },
  { 13, "AfmærketMedForskelligeFarverOgAndet", "17" },
};

static const Reason reasons_postal[] = {
  { 21, "Blanke", "19" },
  { 22, "KunNavnUofficielBogstav", "20" },
  { 23, "KunUofficelBogstavPåEtBogstav", "21" },
  { 24, "KunUofficelBogstavPåFlereBogstaver", "22" },
  { 25, "KunKryds", "23" },
  { 26, "ModstridBogstavListeNavn", "24, 25" },
  { 27, "AndreGrunde", "26" },
  { 28, "AndetEllerMereEndEnStemmeseddel", "27" },
  { 29, "StemmeseddelIkkeFraMinisteren", "28" },
  { 30, "KonvolutMedPåskrift", "29" },
  { 31, "StemmeseddelMedTegningPåskrift", "30" },
  { 32, "UdfyldtPåBagsidenEllerAndet", "31" },
};

static gboolean fail (GError **error, const VkArea *area, const char *field, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

static gboolean
fail (GError **error, const VkArea *area, const char *field, const char *fmt, ...)
{
  g_autofree char *what = NULL, *raw = NULL, *name = NULL;
  va_list ap;

  va_start (ap, fmt);
  raw = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  /* Names and ids come from files: escaped for the terminal. */
  what = vk_text_escape_controls (raw);
  name = vk_text_escape_controls (area->name);
  g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "valg.dk export of area %u %s: %s: %s", area->number, name, field,
               what);
  return FALSE;
}

/* A non-negative integer in text (Kommunekode, a DAGI id) that fits the
 * schema's int32. */
static gboolean
parse_int32 (const char *text, gint64 *ret)
{
  guint64 v = 0;

  if (text == NULL || *text == '\0' || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXINT32, &v, NULL))
    return FALSE;
  *ret = (gint64)v;
  return TRUE;
}

/* A count as member; label names it in an error (NULL: the member). */
static gboolean
add_count_full (JsonBuilder *b, const VkArea *area, const char *member, const char *label, guint64 v, GError **error)
{
  if (v > G_MAXINT32)
    return fail (error, area, label != NULL ? label : member,
                 "%" G_GUINT64_FORMAT " is more than valg.dk's int32 allows", v);
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, (gint64)v);
  return TRUE;
}

static gboolean
add_count (JsonBuilder *b, const VkArea *area, const char *member, guint64 v, GError **error)
{
  return add_count_full (b, area, member, NULL, v, error);
}

static void
add_null (JsonBuilder *b, const char *member)
{
  json_builder_set_member_name (b, member);
  json_builder_add_null_value (b);
}

/* "dd-MM-yyyy HH:mm:ss" in UTC, valg.dk's time format. */
char *
vk_valgdk_format_time_ms (gint64 ms)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (ms / 1000);

  return dt != NULL ? g_date_time_format (dt, "%d-%m-%Y %H:%M:%S") : NULL;
}

/* "2025-11-18" → "18-11-2025". */
static char *
valgdag (const char *iso)
{
  guint y, m, d;
  char tail;

  if (iso == NULL || sscanf (iso, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_strdup_printf ("%02u-%02u-%04u", d, m, y);
}

/* Kommune: valg.dk names the municipality "Læsø" in a foreløbig file and
 * "Læsø Kommune" in a fintælling file (every KV2025 and RV2025 file). */
static char *
kommune_name (const char *municipality, VkResultKind kind)
{
  if (kind == VK_RESULT_FINTAELLING && !g_str_has_suffix (municipality, "ommune"))
    return g_strconcat (municipality, " Kommune", NULL);
  return g_strdup (municipality);
}

static gboolean
add_reasons (JsonBuilder *b, const VkArea *area, const VkAreaResult *result, const char *member, const Reason *table,
             gsize n, guint64 blank, GError **error)
{
  json_builder_set_member_name (b, member);
  json_builder_begin_array (b);
  for (gsize i = 0; i < n; i++)
    {
      /* Blank votes are always given (from the totals, which the
       * consistency checks tie to reasons 1 and 21); the other reasons
       * only when the count gives them all, as election night's count
       * often does not. */
      gboolean is_blank = i == 0;
      guint64 count = is_blank ? blank : vk_area_result_get_invalid (result, table[i].code);

      if (!is_blank && !result->has_invalid_detail)
        continue;
      if (count > G_MAXINT32)
        return fail (error, area, member, "reason %u: %" G_GUINT64_FORMAT " is more than valg.dk's int32 allows",
                     table[i].code, count);
      json_builder_begin_object (b);
      json_builder_set_member_name (b, "Id");
      json_builder_add_int_value (b, table[i].code);
      vk_json_builder_add_string (b, "Navn", table[i].name);
      vk_json_builder_add_string (b, "Paragraf", table[i].paragraph);
      json_builder_set_member_name (b, "Antal");
      json_builder_add_int_value (b, (gint64)count);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

gboolean
vk_valgdk_check_result_ids (const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                            const char *lists_field, GError **error)
{
  GHashTableIter it;
  gpointer key, value;

  for (guint i = 0; i < result->lists->len; i++)
    {
      const VkListResult *l = g_ptr_array_index (result->lists, i);
      if (vk_election_lookup_list (contest, l->list_id) == NULL)
        return fail (error, area, lists_field, "list %s is not in the %s contest", l->list_id,
                     vk_election_contest_id (contest));
    }
  g_hash_table_iter_init (&it, result->candidate_list);
  while (g_hash_table_iter_next (&it, &key, &value))
    {
      const VkCandidate *c = vk_election_lookup_candidate (contest, key);
      if (c == NULL || strcmp (c->list->id, value) != 0)
        return fail (error, area, "Kandidater", "candidate %s is not on list %s in the %s contest", (const char *)key,
                     (const char *)value, vk_election_contest_id (contest));
    }
  return TRUE;
}

/* A difference from the previous election, or null when it is not known. */
static void
add_difference (JsonBuilder *b, const char *member, gboolean known, gint64 now, gint64 before)
{
  json_builder_set_member_name (b, member);
  if (known)
    json_builder_add_int_value (b, now - before);
  else
    json_builder_add_null_value (b);
}

static gboolean
add_lists (JsonBuilder *b, const VkElection *contest, const VkArea *area, const VkAreaResult *result,
           const VkValgdkPreviousArea *prev, GError **error)
{
  json_builder_set_member_name (b, "Kandidatlister");
  json_builder_begin_array (b);
  /* Ballot order; a list the result does not have is left out. */
  for (guint i = 0; i < contest->lists->len; i++)
    {
      const VkList *list = g_ptr_array_index (contest->lists, i);
      const VkListResult *l = g_hash_table_lookup (result->lists_by_id, list->id);
      g_autofree char *label = NULL;

      if (l == NULL)
        continue;
      label = g_strdup_printf ("Kandidatlister (%s)", *list->letter != '\0' ? list->letter : list->id);
      json_builder_begin_object (b);
      vk_json_builder_add_string (b, "KandidatlisteId", list->id);
      vk_json_builder_add_string (b, "Navn", list->name);
      if (*list->letter != '\0')
        vk_json_builder_add_string (b, "Bogstavbetegnelse", list->letter);
      else
        add_null (b, "Bogstavbetegnelse");
      if (!add_count_full (b, area, "Stemmer", label, l->votes, error))
        return FALSE;
      if (l->has_list_votes)
        {
          if (!add_count_full (b, area, "Listestemmer", label, l->list_votes, error))
            return FALSE;
        }
      else
        add_null (b, "Listestemmer");
      /* The previous election's list of the same letter, when given. */
      {
        const gint64 *before
            = prev != NULL && *list->letter != '\0' ? g_hash_table_lookup (prev->letters, list->letter) : NULL;
        add_difference (b, "StemmerDifferenceFraForrigeValg", before != NULL, (gint64)l->votes,
                        before != NULL ? *before : 0);
      }
      json_builder_set_member_name (b, "Kandidater");
      if (!result->has_candidate_votes)
        json_builder_add_null_value (b);
      else
        {
          json_builder_begin_array (b);
          for (guint k = 0; k < list->candidates->len; k++)
            {
              const VkCandidate *c = g_ptr_array_index (list->candidates, k);
              guint64 v = vk_area_result_get_candidate_votes (result, c->id);

              if (v > G_MAXINT32)
                return fail (error, area, "Kandidater",
                             "candidate %s: %" G_GUINT64_FORMAT " is more than valg.dk's int32 allows", c->id, v);
              json_builder_begin_object (b);
              vk_json_builder_add_string (b, "Id", c->id);
              vk_json_builder_add_string (b, "Stemmeseddelnavn", c->ballot_name);
              json_builder_set_member_name (b, "Stemmer");
              json_builder_add_int_value (b, (gint64)v);
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
        }
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  return TRUE;
}

char *
vk_valgdk_area_file_name (const VkElection *contest, const VkArea *area, GError **error)
{
  gint64 code = 0;

  g_return_val_if_fail (contest != NULL && area != NULL, NULL);

  if (!parse_int32 (contest->municipality_code, &code))
    {
      fail (error, area, "Kommunekode", "the election has no municipality code (\"%s\")",
            contest->municipality_code != NULL ? contest->municipality_code : "");
      return NULL;
    }
  return g_strdup_printf ("%" G_GINT64_FORMAT "-%03u.json", code, area->number);
}

char *
vk_valgdk_area_result_to_json (const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                               gint64 approved_ms, GError **error)
{
  return vk_valgdk_area_result_to_json_full (contest, area, result, approved_ms, NULL, error);
}

/* The checks every area file needs, and the members every shape has
 * (Valgdag … AntalStemmeberettigedeVælgere), in the official files' order.
 * place gives the folketingsvalg geography (NULL: null, as in every KV
 * and RV file).  *ret_prev (may be NULL) is the previous election's area. */
gboolean
vk_valgdk_add_area_members (JsonBuilder *b, const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                            const VkValgdkPlace *place, const VkValgdkPrevious *previous,
                            const VkValgdkPreviousArea **ret_prev, GError **error)
{
  const VkValgdkPreviousArea *prev = NULL;
  g_autofree char *date = NULL, *released = NULL, *kommune = NULL;
  const char *dagi_text;
  gint64 kcode = 0, dagi = 0, okdagi = 0;
  guint64 eligible;

  if (!parse_int32 (contest->municipality_code, &kcode))
    return fail (error, area, "Kommunekode", "the election has no municipality code (\"%s\")",
                 contest->municipality_code != NULL ? contest->municipality_code : "");
  date = valgdag (contest->date);
  if (date == NULL)
    return fail (error, area, "Valgdag", "the election's date \"%s\" is not YYYY-MM-DD",
                 contest->date != NULL ? contest->date : "");
  if (result->area_number != area->number)
    return fail (error, area, "AfstemningsområdeNummer", "the result is of area %u", result->area_number);
  /* The area's DAGI id, else the one the result was imported with. */
  dagi_text = area->dagi_id != NULL && *area->dagi_id != '\0' ? area->dagi_id : result->dagi_id;
  if (!parse_int32 (dagi_text, &dagi))
    return fail (error, area, "AfstemningsområdeDagiId", "the area has no DAGI id (\"%s\"), which valg.dk requires",
                 dagi_text != NULL ? dagi_text : "");
  if (result->dagi_id != NULL && *result->dagi_id != '\0' && strcmp (result->dagi_id, dagi_text) != 0)
    return fail (error, area, "AfstemningsområdeDagiId", "the result is of DAGI id %s, the area is %s", result->dagi_id,
                 dagi_text);
  if (place != NULL && place->opstillingskreds_dagi_id != NULL && *place->opstillingskreds_dagi_id != '\0'
      && !parse_int32 (place->opstillingskreds_dagi_id, &okdagi))
    return fail (error, area, "OpstillingskredsDagiId", "\"%s\" is not a DAGI id", place->opstillingskreds_dagi_id);
  if (place != NULL && place->storkreds_number > G_MAXINT32)
    return fail (error, area, "Storkredsnummer", "%u is more than valg.dk's int32 allows", place->storkreds_number);
  prev = vk_valgdk_previous_lookup (previous, dagi_text);
  /* The count's own eligible voters (the count server takes them from the
   * voter list), else the area's from the election definition. */
  eligible = result->eligible > 0 ? result->eligible : area->eligible;
  released = vk_valgdk_format_time_ms (g_get_real_time () / 1000);
  kommune = kommune_name (contest->municipality != NULL ? contest->municipality : "", result->kind);

  vk_json_builder_add_string (b, "Valgdag", date);
  vk_json_builder_add_string (b, "Valgart", vk_election_type_name_da (contest->type));
  vk_json_builder_add_string (b, "FrigivelsesTidspunktUTC", released);
  /* Folketingsvalg geography: null in every KV and RV file. */
  if (place != NULL && place->storkreds != NULL)
    vk_json_builder_add_string (b, "Storkreds", place->storkreds);
  else
    add_null (b, "Storkreds");
  json_builder_set_member_name (b, "Storkredsnummer");
  if (place != NULL && place->storkreds_number > 0)
    json_builder_add_int_value (b, place->storkreds_number);
  else
    json_builder_add_null_value (b);
  if (place != NULL && place->opstillingskreds != NULL)
    vk_json_builder_add_string (b, "Opstillingskreds", place->opstillingskreds);
  else
    add_null (b, "Opstillingskreds");
  json_builder_set_member_name (b, "OpstillingskredsDagiId");
  if (place != NULL && place->opstillingskreds_dagi_id != NULL && *place->opstillingskreds_dagi_id != '\0')
    json_builder_add_int_value (b, okdagi);
  else
    json_builder_add_null_value (b);
  vk_json_builder_add_string (b, "Kommune", kommune);
  json_builder_set_member_name (b, "Kommunekode");
  json_builder_add_int_value (b, kcode);
  json_builder_set_member_name (b, "AfstemningsområdeNummer");
  json_builder_add_int_value (b, vk_area_get_valgdk_number (area));
  json_builder_set_member_name (b, "AfstemningsområdeDagiId");
  json_builder_add_int_value (b, dagi);
  vk_json_builder_add_string (b, "Afstemningsområde", area->name);
  if (!add_reasons (b, area, result, "UgyldigeFremmødteStemmerÅrsager", reasons_in_person,
                    G_N_ELEMENTS (reasons_in_person), result->blank_in_person, error)
      || !add_reasons (b, area, result, "UgyldigeBrevstemmerÅrsager", reasons_postal, G_N_ELEMENTS (reasons_postal),
                       result->blank_postal, error))
    return FALSE;
  vk_json_builder_add_string (b, "Resultatart",
                              result->kind == VK_RESULT_FINTAELLING ? "Fintælling" : "ForeløbigOptælling");
  if (!add_count (b, area, "AfgivneStemmer", result->cast, error)
      || !add_count (b, area, "GyldigeStemmer", result->valid, error)
      || !add_count (b, area, "UgyldigeStemmerUdoverBlanke", result->other_invalid, error)
      || !add_count (b, area, "BlankeUgyldigeFremmødteStemmer", result->blank_in_person, error)
      || !add_count (b, area, "BlankeUgyldigeBrevstemmer", result->blank_postal, error))
    return FALSE;
  /* The differences from the previous election: from its files when
   * given (the area matched on its DAGI id), else null, which the schema
   * allows.  "Ugyldige" is the invalid votes other than blank, as
   * UgyldigeStemmerUdoverBlanke; "Blanke" both kinds of blank votes. */
  add_difference (b, "AfgivneStemmerDifferenceFraForrigeValg", prev != NULL, (gint64)result->cast,
                  prev != NULL ? prev->cast : 0);
  add_difference (b, "GyldigeStemmerDifferenceFraForrigeValg", prev != NULL, (gint64)result->valid,
                  prev != NULL ? prev->valid : 0);
  add_difference (b, "UgyldigeStemmerDifferenceFraForrigeValg", prev != NULL, (gint64)result->other_invalid,
                  prev != NULL ? prev->other_invalid : 0);
  add_difference (b, "BlankeStemmerDifferenceFraForrigeValg", prev != NULL,
                  (gint64)(result->blank_in_person + result->blank_postal), prev != NULL ? prev->blank : 0);
  add_difference (b, "AntalStemmeberettigedeVælgereDifferenceFraForrigeValg", prev != NULL, (gint64)eligible,
                  prev != NULL ? prev->eligible : 0);
  if (!add_count (b, area, "AntalStemmeberettigedeVælgere", eligible, error))
    return FALSE;
  if (ret_prev != NULL)
    *ret_prev = prev;
  return TRUE;
}

gboolean
vk_valgdk_export_fail (GError **error, const VkArea *area, const char *field, const char *what)
{
  return fail (error, area, field, "%s", what);
}

char *
vk_valgdk_builder_to_data (JsonBuilder *b)
{
  g_autoptr (JsonGenerator) gen = json_generator_new ();
  g_autoptr (JsonNode) root = json_builder_get_root (b);

  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

char *
vk_valgdk_area_result_to_json_full (const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                                    gint64 approved_ms, const VkValgdkPrevious *previous, GError **error)
{
  const VkValgdkPreviousArea *prev = NULL;
  g_autoptr (JsonBuilder) b = json_builder_new ();
  g_autoptr (JsonBuilder) tail = json_builder_new ();
  g_autofree char *approved = NULL;

  g_return_val_if_fail (contest != NULL, NULL);
  g_return_val_if_fail (area != NULL, NULL);
  g_return_val_if_fail (result != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (contest->type != VK_ELECTION_KV && contest->type != VK_ELECTION_RV)
    {
      fail (error, area, "Valgart", "a %s contest has no KVRV-Valgresultater file", vk_election_contest_id (contest));
      return NULL;
    }
  /* The common members first, into a builder of their own: their checks
   * come before the lists', as they always have. */
  json_builder_begin_object (tail);
  if (!vk_valgdk_add_area_members (tail, contest, area, result, NULL, previous, &prev, error))
    return NULL;
  json_builder_end_object (tail);
  if (!vk_valgdk_check_result_ids (contest, area, result, "Kandidatlister", error))
    return NULL;
  if (approved_ms >= 0)
    approved = vk_valgdk_format_time_ms (approved_ms);

  /* The members in the official files' order. */
  json_builder_begin_object (b);
  if (!add_lists (b, contest, area, result, prev, error))
    return NULL;
  if (approved != NULL)
    vk_json_builder_add_string (b, "GodkendelsesDatoUTC", approved);
  else
    add_null (b, "GodkendelsesDatoUTC");
  {
    g_autoptr (JsonNode) t = json_builder_get_root (tail);
    JsonObject *o = json_node_get_object (t);
    g_autoptr (GList) members = json_object_get_members (o);
    for (GList *l = members; l != NULL; l = l->next)
      {
        json_builder_set_member_name (b, l->data);
        json_builder_add_value (b, json_node_copy (json_object_get_member (o, l->data)));
      }
  }
  json_builder_end_object (b);
  return vk_valgdk_builder_to_data (b);
}

static gboolean
write_all (int fd, const char *data, gsize len)
{
  while (len > 0)
    {
      ssize_t n = write (fd, data, len);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      len -= (gsize)n;
    }
  return TRUE;
}

/* Writes data to path atomically: to a ".partial" file beside it first,
 * fsynced, then moved into place (and the folder fsynced), so that a
 * reader sees no file or the whole file.  With no_replace the move is a
 * link() that fails when path exists: a version once written is never
 * replaced. */
static gboolean
write_atomic (const char *dir, const char *path, const void *data, gsize len, gboolean no_replace, GError **error)
{
  g_autofree char *tmp = g_strconcat (path, ".partial", NULL);
  int fd, dfd, saved;

  /* O_NOFOLLOW: a link planted at the .partial name is refused, not
   * followed; O_TRUNC: a .partial left by a crash is overwritten. */
  fd = g_open (tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
  if (fd < 0)
    {
      saved = errno;
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot create: %s", tmp, g_strerror (saved));
      return FALSE;
    }
  if (!write_all (fd, data, len) || fsync (fd) != 0)
    {
      saved = errno;
      (void)close (fd);
      (void)g_unlink (tmp);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", tmp, g_strerror (saved));
      return FALSE;
    }
  if (close (fd) != 0)
    {
      saved = errno;
      (void)g_unlink (tmp);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot write: %s", tmp, g_strerror (saved));
      return FALSE;
    }
  if (no_replace)
    {
      if (link (tmp, path) != 0)
        {
          saved = errno;
          (void)g_unlink (tmp);
          g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot put into place: %s", path, g_strerror (saved));
          return FALSE;
        }
      (void)g_unlink (tmp);
    }
  else if (g_rename (tmp, path) != 0)
    {
      saved = errno;
      (void)g_unlink (tmp);
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "%s: cannot rename into place: %s", path, g_strerror (saved));
      return FALSE;
    }
  /* The rename itself is durable once the folder is synced. */
  dfd = g_open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC, 0);
  if (dfd >= 0)
    {
      (void)fsync (dfd);
      (void)close (dfd);
    }
  return TRUE;
}

gboolean
vk_valgdk_write_area_result (const char *dir, const VkElection *contest, const VkArea *area, const VkAreaResult *result,
                             gint64 approved_ms, char **ret_path, GError **error)
{
  g_autofree char *json = NULL, *name = NULL, *path = NULL;

  g_return_val_if_fail (dir != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  json = vk_valgdk_area_result_to_json (contest, area, result, approved_ms, error);
  if (json == NULL)
    return FALSE;
  name = vk_valgdk_area_file_name (contest, area, error);
  if (name == NULL)
    return FALSE;
  path = g_build_filename (dir, name, NULL);
  if (!write_atomic (dir, path, json, strlen (json), FALSE, error))
    return FALSE;
  if (ret_path != NULL)
    *ret_path = g_steal_pointer (&path);
  return TRUE;
}

/* The content of a valg.dk file that a new version must change: all of
 * it but the time of writing.  NULL when text is not a JSON object. */
static char *
content_key (const char *text, gssize len)
{
  g_autoptr (JsonParser) parser = json_parser_new ();
  g_autoptr (JsonGenerator) gen = NULL;
  JsonNode *root;

  if (!json_parser_load_from_data (parser, text, len, NULL))
    return NULL;
  root = json_parser_get_root (parser);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    return NULL;
  json_object_remove_member (json_node_get_object (root), "FrigivelsesTidspunktUTC");
  gen = json_generator_new ();
  json_generator_set_root (gen, root);
  return json_generator_to_data (gen, NULL);
}

/* N of "<stem>.v<N><ext>", or 0. */
static guint
version_of (const char *name, const char *stem, const char *ext)
{
  gsize n = strlen (stem);
  guint64 v = 0;
  g_autofree char *digits = NULL;

  if (strncmp (name, stem, n) != 0 || strncmp (name + n, ".v", 2) != 0 || !g_str_has_suffix (name, ext)
      || strlen (name) < n + 2 + strlen (ext))
    return 0;
  digits = g_strndup (name + n + 2, strlen (name) - n - 2 - strlen (ext));
  if (*digits == '\0' || strspn (digits, "0123456789") != strlen (digits)
      || !g_ascii_string_to_unsigned (digits, 10, 1, 999999, &v, NULL))
    return 0;
  return (guint)v;
}

guint
vk_valgdk_latest_version_ext (const char *dir, const char *stem, const char *ext, char **ret_path)
{
  g_autoptr (GPtrArray) names = NULL;
  guint best = 0;

  g_return_val_if_fail (dir != NULL && stem != NULL && ext != NULL, 0);

  names = vk_file_list_dir (dir, ext, NULL);
  if (names == NULL)
    return 0;
  for (guint i = 0; i < names->len; i++)
    best = MAX (best, version_of (g_ptr_array_index (names, i), stem, ext));
  if (best > 0 && ret_path != NULL)
    {
      g_autofree char *name = g_strdup_printf ("%s.v%u%s", stem, best, ext);
      *ret_path = g_build_filename (dir, name, NULL);
    }
  return best;
}

guint
vk_valgdk_latest_version (const char *dir, const char *stem, char **ret_path)
{
  return vk_valgdk_latest_version_ext (dir, stem, ".json", ret_path);
}

gboolean
vk_valgdk_write_version_data (const char *dir, const char *stem, const char *ext, const void *data, gsize len,
                              VkValgdkSameFunc same, gpointer user_data, guint *ret_version, gboolean *ret_written,
                              char **ret_path, GError **error)
{
  g_autofree char *latest = NULL, *name = NULL, *path = NULL;
  guint version;

  g_return_val_if_fail (dir != NULL && stem != NULL && ext != NULL && data != NULL && same != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_mkdir_with_parents (dir, 0755) != 0)
    {
      int saved = errno;
      g_set_error (error, VK_ERROR, VK_ERROR_IO, "cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }
  version = vk_valgdk_latest_version_ext (dir, stem, ext, &latest);
  if (version > 0 && same (latest, user_data))
    {
      if (ret_version != NULL)
        *ret_version = version;
      if (ret_written != NULL)
        *ret_written = FALSE;
      if (ret_path != NULL)
        *ret_path = g_steal_pointer (&latest);
      return TRUE;
    }
  name = g_strdup_printf ("%s.v%u%s", stem, version + 1, ext);
  path = g_build_filename (dir, name, NULL);
  if (!write_atomic (dir, path, data, len, TRUE, error))
    return FALSE;
  if (ret_version != NULL)
    *ret_version = version + 1;
  if (ret_written != NULL)
    *ret_written = TRUE;
  if (ret_path != NULL)
    *ret_path = g_steal_pointer (&path);
  return TRUE;
}

/* Whether the latest JSON version says what key (content_key()) says. */
static gboolean
same_json (const char *latest, gpointer user_data)
{
  g_autofree char *old = NULL, *old_key = NULL;
  gsize len = 0;

  /* Our own earlier file; still read as untrusted (the folder is
   * served, and may have been tampered with). */
  if (vk_file_read_untrusted (latest, VK_FILE_MAX_JSON_BYTES, &old, &len, NULL))
    old_key = content_key (old, (gssize)len);
  return old_key != NULL && strcmp (old_key, user_data) == 0;
}

gboolean
vk_valgdk_write_version (const char *dir, const char *stem, const char *json, guint *ret_version, gboolean *ret_written,
                         char **ret_path, GError **error)
{
  g_autofree char *key = NULL;

  g_return_val_if_fail (dir != NULL && stem != NULL && json != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  key = content_key (json, -1);
  if (key == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: not a JSON object", stem);
      return FALSE;
    }
  return vk_valgdk_write_version_data (dir, stem, ".json", json, strlen (json), same_json, key, ret_version,
                                       ret_written, ret_path, error);
}
