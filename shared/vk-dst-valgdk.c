/* vk-dst-valgdk.c: Danmarks Statistik's per-area XML as valg.dk area files.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "vk-contest-result.h"
#include "vk-dst-valgdk.h"
#include "vk-dst-private.h"
#include "vk-dst-xml.h"
#include "vk-error.h"
#include "vk-text.h"
#include "vk-valgdk-export.h"
#include "vk-valgdk-fv.h"

void
vk_dst_municipality_free (VkDstMunicipality *self)
{
  if (self == NULL)
    return;
  g_clear_pointer (&self->contest, vk_election_free);
  g_clear_pointer (&self->results, g_ptr_array_unref);
  g_clear_pointer (&self->places, g_ptr_array_unref);
  g_free (self);
}

/* "Bornholms Storkreds" → "Bornholm", valg.dk's name (its Storkreds file). */
static char *
valgdk_storkreds (const char *dst)
{
  char *s = g_strdup (dst);
  gsize n;

  if (g_str_has_suffix (s, " Storkreds"))
    s[strlen (s) - strlen (" Storkreds")] = '\0';
  n = strlen (s);
  if (n > 1 && s[n - 1] == 's')
    s[n - 1] = '\0';
  return s;
}

/* "01-11-2022" → "2022-11-01". */
static char *
iso_date (const char *dst)
{
  guint d, m, y;
  char tail;

  if (dst == NULL || sscanf (dst, "%2u-%2u-%4u%c", &d, &m, &y, &tail) != 3 || !g_date_valid_dmy (d, m, y))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", y, m, d);
}

typedef struct
{
  VkElection *contest;
  GHashTable *candidates; /* "<list id>\x1f<name>" → candidate id */
} Builder;

static VkList *
party_list (Builder *bl, const char *id, const char *letter, const char *name)
{
  VkList *list = vk_election_lookup_list (bl->contest, id);

  if (list != NULL)
    return list;
  /* DST writes "A. Socialdemokratiet": the name without the letter. */
  if (*letter != '\0' && g_str_has_prefix (name, letter) && strncmp (name + strlen (letter), ". ", 2) == 0)
    name += strlen (letter) + 2;
  return vk_election_add_list (bl->contest, id, letter, name, bl->contest->lists->len + 1, VK_LIST_SIDEORDNET);
}

static const char *
candidate (Builder *bl, VkList *list, const char *name, const char *id_hint)
{
  g_autofree char *key = g_strdup_printf ("%s\x1f%s", list->id, name);
  const char *id = g_hash_table_lookup (bl->candidates, key);
  char *nid;

  if (id != NULL)
    return id;
  nid = id_hint != NULL ? g_strdup (id_hint) : g_strdup_printf ("%s-%u", list->id, list->candidates->len + 1);
  vk_election_add_candidate (bl->contest, list, nid, name, name, list->candidates->len + 1);
  g_hash_table_insert (bl->candidates, g_steal_pointer (&key), nid);
  return nid;
}

static VkAreaResult *
read_area (Builder *bl, const VkDstArea *a, const char *valgnavn, VkDstKind kind, guint number, GError **error)
{
  g_autofree char *file = vk_text_escape_controls (a->path);
  g_autoptr (VkXmlNode) root = NULL;
  g_autoptr (VkAreaResult) r = NULL;
  const VkXmlNode *sted, *stemmer, *personer;
  const char *name;
  guint64 sum = 0, outside = 0, independents = 0, blank = 0, invalid = 0;

  if (!g_file_test (a->path, G_FILE_TEST_IS_REGULAR))
    return (void)vk_dst_fail (error, file, 0, "area %s (\"%s\"): its result file is missing", a->id, a->name), NULL;
  root = vk_xml_parse_file (a->path, error);
  if (root == NULL)
    return NULL;
  name = vk_xml_node_child_text (root, "ValgNavn");
  if (strcmp (root->name, "Data") != 0 || name == NULL || strcmp (name, valgnavn) != 0)
    return (void)vk_dst_fail (error, file, root->line, "a file of another election: \"%s\", but fintal.xml is \"%s\"",
                              name != NULL ? name : "", valgnavn),
           NULL;
  sted = vk_xml_node_child (root, "Sted");
  if (sted == NULL || g_strcmp0 (vk_xml_node_get_attr (sted, "Type"), "Afstemningsomraade") != 0
      || g_strcmp0 (vk_xml_node_get_attr (sted, "Id"), a->id) != 0)
    return (void)vk_dst_fail (error, file, root->line, "expected the result of area %s (\"%s\")", a->id, a->name), NULL;
  if (bl->contest->date == NULL || *bl->contest->date == '\0')
    {
      g_autofree char *date = iso_date (vk_xml_node_child_text (root, "ValgDato"));
      if (date == NULL)
        return (void)vk_dst_fail (error, file, root->line, "<ValgDato> is not DD-MM-YYYY"), NULL;
      g_free (bl->contest->date);
      bl->contest->date = g_steal_pointer (&date);
    }
  r = vk_area_result_new (VK_RESULT_FINTAELLING, number, a->name);
  g_free (r->dagi_id);
  r->dagi_id = g_strdup (a->id);
  stemmer = vk_xml_node_child (root, "Stemmer");
  if (stemmer == NULL)
    return (void)vk_dst_fail (error, file, root->line, "no <Stemmer>"), NULL;
  if (!vk_dst_parse_count (vk_xml_node_child_text (root, "Stemmeberettigede"), file, root->line, "<Stemmeberettigede>",
                           &r->eligible, error)
      || !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "IAltGyldigeStemmer"), file, stemmer->line,
                              "<IAltGyldigeStemmer>", &r->valid, error)
      || !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "IAltAfgivneStemmer"), file, stemmer->line,
                              "<IAltAfgivneStemmer>", &r->cast, error)
      || !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "BlankeStemmer"), file, stemmer->line, "<BlankeStemmer>",
                              &blank, error)
      || !vk_dst_parse_count (vk_xml_node_child_text (stemmer, "IAltUgyldigeStemmer"), file, stemmer->line,
                              "<IAltUgyldigeStemmer>", &invalid, error))
    return NULL;
  if (blank > invalid || r->valid + invalid != r->cast)
    return (void)vk_dst_fail (error, file, stemmer->line,
                              "valid, blank and invalid votes do not add up to the votes cast"),
           NULL;
  r->blank_in_person = blank;
  r->other_invalid = invalid - blank;
  for (guint i = 0; i < stemmer->children->len; i++)
    {
      const VkXmlNode *p = g_ptr_array_index (stemmer->children, i);
      const char *letter = vk_xml_node_get_attr (p, "Bogstav");
      const char *id = vk_xml_node_get_attr (p, "Id");
      guint64 v;

      if (strcmp (p->name, "Parti") != 0)
        continue;
      if (!vk_dst_parse_count (vk_xml_node_get_attr (p, "StemmerAntal"), file, p->line, "StemmerAntal", &v, error))
        return NULL;
      sum += v;
      if (letter == NULL || *letter == '\0')
        {
          outside += v;
          continue;
        }
      if (id == NULL || *id == '\0')
        return (void)vk_dst_fail (error, file, p->line, "party %s without an Id", letter), NULL;
      if (kind == VK_DST_FOLKEAFSTEMNING && g_ascii_strcasecmp (letter, "JA") != 0
          && g_ascii_strcasecmp (letter, "NEJ") != 0)
        return (void)vk_dst_fail (error, file, p->line, "the answer \"%s\" is neither JA nor NEJ", letter), NULL;
      {
        VkList *list = party_list (
            bl, id, letter, vk_xml_node_get_attr (p, "Navn") != NULL ? vk_xml_node_get_attr (p, "Navn") : letter);
        if (strcmp (list->letter, letter) != 0)
          return (void)vk_dst_fail (error, file, p->line, "party Id %s is %s here but %s elsewhere", id, letter,
                                    list->letter),
                 NULL;
        if (g_hash_table_contains (r->lists_by_id, id))
          return (void)vk_dst_fail (error, file, p->line, "party %s is listed twice", letter), NULL;
        vk_area_result_add_list (r, id, v, 0);
      }
    }
  if (sum != r->valid)
    return (void)vk_dst_fail (error, file, stemmer->line,
                              "the parties have %" G_GUINT64_FORMAT
                              " votes but <IAltGyldigeStemmer> is %" G_GUINT64_FORMAT,
                              sum, r->valid),
           NULL;
  personer = vk_xml_node_child (root, "Personer");
  if (kind == VK_DST_FOLKETINGSVALG && personer == NULL)
    return (void)vk_dst_fail (error, file, root->line, "no <Personer>: not a fintælling"), NULL;
  for (guint i = 0; personer != NULL && i < personer->children->len; i++)
    {
      const VkXmlNode *p = g_ptr_array_index (personer->children, i);
      const char *letter = vk_xml_node_get_attr (p, "Bogstav");
      const char *id = vk_xml_node_get_attr (p, "Id");
      const char *pname = vk_xml_node_get_attr (p, "navn");
      guint64 personal = 0, total = 0;

      if (strcmp (p->name, "Parti") != 0)
        continue;
      if (letter == NULL || *letter == '\0')
        {
          /* A candidate outside the parties: a list of its own. */
          g_autofree char *lid = NULL;
          VkList *list;
          guint64 v;

          if (id == NULL || *id == '\0' || pname == NULL || *pname == '\0')
            return (void)vk_dst_fail (error, file, p->line, "a candidate outside the parties without a name or Id"),
                   NULL;
          if (!vk_dst_parse_count (vk_xml_node_get_attr (p, "PersonligeStemmer"), file, p->line, "PersonligeStemmer",
                                   &v, error))
            return NULL;
          lid = g_strconcat ("uden-", id, NULL);
          list = party_list (bl, lid, "", pname);
          /* DST gives an independent's votes as the candidate's personal
           * votes (and as "Uden for partier" under <Stemmer>); the list
           * of one has no listestemmer: votes = personal + 0, as a
           * table's fintælling of it is. */
          vk_area_result_add_list (r, lid, v, 0)->has_list_votes = TRUE;
          vk_area_result_add_candidate (r, lid, candidate (bl, list, pname, id), v);
          independents += v;
          continue;
        }
      {
        VkListResult *l = id != NULL ? g_hash_table_lookup (r->lists_by_id, id) : NULL;
        VkList *list = id != NULL ? vk_election_lookup_list (bl->contest, id) : NULL;

        if (l == NULL || list == NULL)
          return (void)vk_dst_fail (error, file, p->line, "personal votes for party %s, which <Stemmer> does not have",
                                    letter),
                 NULL;
        for (guint k = 0; k < p->children->len; k++)
          {
            const VkXmlNode *c = g_ptr_array_index (p->children, k);
            const char *cname = vk_xml_node_get_attr (c, "Navn");
            guint64 v;

            if (strcmp (c->name, "Person") != 0)
              continue;
            if (cname == NULL || *cname == '\0')
              return (void)vk_dst_fail (error, file, c->line, "a candidate without a name"), NULL;
            if (!vk_dst_parse_count (vk_xml_node_get_attr (c, "PersonligeStemmer"), file, c->line, "PersonligeStemmer",
                                     &v, error))
              return NULL;
            vk_area_result_add_candidate (r, id, candidate (bl, list, cname, NULL), v);
            personal += v;
          }
        if (vk_xml_node_get_attr (p, "PersonligeStemmer") != NULL
            && (!vk_dst_parse_count (vk_xml_node_get_attr (p, "PersonligeStemmer"), file, p->line, "PersonligeStemmer",
                                     &total, error)
                || total != personal))
          {
            if (error != NULL && *error != NULL)
              return NULL;
            return (void)vk_dst_fail (error, file, p->line,
                                      "party %s: its candidates have %" G_GUINT64_FORMAT
                                      " personal votes, the party says "
                                      "%" G_GUINT64_FORMAT,
                                      letter, personal, total),
                   NULL;
          }
        if (personal > l->votes)
          return (void)vk_dst_fail (error, file, p->line, "party %s has more personal votes than votes", letter), NULL;
        l->list_votes = l->votes - personal;
        l->has_list_votes = TRUE;
      }
    }
  if (independents != outside)
    return (void)vk_dst_fail (error, file, stemmer->line,
                              "the candidates outside the parties have %" G_GUINT64_FORMAT
                              " personal votes under <Personer>, "
                              "but %" G_GUINT64_FORMAT " under <Stemmer>",
                              independents, outside),
           NULL;
  if (kind == VK_DST_FOLKETINGSVALG)
    {
      /* A party without a <Personer> entry still has its Partistemmer. */
      for (guint i = 0; i < r->lists->len; i++)
        {
          VkListResult *l = g_ptr_array_index (r->lists, i);
          if (!l->has_list_votes)
            {
              l->list_votes = l->votes;
              l->has_list_votes = TRUE;
            }
        }
      r->has_candidate_votes = TRUE;
    }
  return g_steal_pointer (&r);
}

static gboolean
kreds_selected (const char *const *kredse, const char *name, gboolean *used)
{
  for (guint i = 0; kredse[i] != NULL; i++)
    if (strcmp (kredse[i], name) == 0 || strcmp (kredse[i], vk_dst_without_number (name)) == 0)
      {
        used[i] = TRUE;
        return TRUE;
      }
  return FALSE;
}

VkDstMunicipality *
vk_dst_read_municipality (const char *dir, VkDstKind kind, const char *kommunekode, const char *kommune,
                          const char *const *kredse, GError **error)
{
  g_autoptr (VkDstMunicipality) m = g_new0 (VkDstMunicipality, 1);
  g_autoptr (GPtrArray) areas = NULL;
  g_autoptr (GHashTable) candidates = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autofree char *valgnavn = NULL;
  g_autofree gboolean *used = NULL;
  guint64 code = 0;
  Builder bl;

  g_return_val_if_fail (dir != NULL && kommunekode != NULL && kommune != NULL && kredse != NULL, NULL);
  if (!g_ascii_string_to_unsigned (kommunekode, 10, 1, 999, &code, NULL))
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "kommunekode \"%s\" is not 1–999", kommunekode);
      return NULL;
    }
  if (kredse[0] == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "no opstillingskredse named for kommune %s", kommunekode);
      return NULL;
    }
  areas = vk_dst_list_areas (dir, kind, &valgnavn, error);
  if (areas == NULL)
    return NULL;
  used = g_new0 (gboolean, g_strv_length ((char **)kredse));
  m->contest = vk_election_new ();
  m->contest->type = kind == VK_DST_FOLKETINGSVALG ? VK_ELECTION_FV : VK_ELECTION_FA;
  g_free (m->contest->municipality);
  m->contest->municipality = g_strdup (kommune);
  g_free (m->contest->municipality_code);
  m->contest->municipality_code = g_strdup_printf ("%" G_GUINT64_FORMAT, code);
  m->results = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_area_result_free);
  m->places = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_dst_area_free);
  bl.contest = m->contest;
  bl.candidates = candidates;
  for (guint i = 0; i < areas->len; i++)
    {
      VkDstArea *a = g_ptr_array_index (areas, i);
      VkAreaResult *r;

      if (!kreds_selected (kredse, a->kreds_name, used))
        continue;
      r = read_area (&bl, a, valgnavn, kind, m->results->len + 1, error);
      if (r == NULL)
        return NULL;
      {
        VkArea *area = vk_election_add_area (m->contest, r->area_number, a->name, a->id, (guint)r->eligible);
        g_autofree char *storkreds = valgdk_storkreds (a->storkreds_name);

        /* The place valg.dk's files name (VkValgdkPlace): the area's
         * opstillingskreds, and the storkreds as the contest's region,
         * as vk_election_import_geografi() stores them; "" when the
         * municipality's areas lie in two storkredse. */
        vk_election_area_set_kreds (area, a->kreds_id, vk_dst_without_number (a->kreds_name));
        if (m->results->len == 0)
          {
            g_free (m->contest->region);
            m->contest->region = g_strdup (storkreds);
            g_free (m->contest->region_dagi_id);
            m->contest->region_dagi_id = g_strdup_printf ("%u", a->storkreds_number);
          }
        else if (g_strcmp0 (m->contest->region, storkreds) != 0)
          {
            g_free (m->contest->region);
            m->contest->region = g_strdup ("");
            g_free (m->contest->region_dagi_id);
            m->contest->region_dagi_id = g_strdup ("");
          }
      }
      g_ptr_array_add (m->results, r);
      g_ptr_array_add (m->places, g_steal_pointer (&g_ptr_array_index (areas, i)));
    }
  for (guint i = 0; kredse[i] != NULL; i++)
    if (!used[i])
      {
        g_autofree char *k = vk_text_escape_controls (kredse[i]);
        g_autofree char *d = vk_text_escape_controls (dir);
        g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: fintal.xml has no opstillingskreds \"%s\"", d, k);
        return NULL;
      }
  return g_steal_pointer (&m);
}

GPtrArray *
vk_dst_municipality_to_valgdk_files (const VkDstMunicipality *m, GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_valgdk_file_free);

  g_return_val_if_fail (m != NULL, NULL);
  for (guint i = 0; i < m->results->len; i++)
    {
      const VkAreaResult *r = g_ptr_array_index (m->results, i);
      const VkDstArea *a = g_ptr_array_index (m->places, i);
      const VkArea *area = vk_election_lookup_area (m->contest, r->area_number);
      g_autofree char *storkreds = valgdk_storkreds (a->storkreds_name);
      VkValgdkPlace place = { storkreds, a->storkreds_number, vk_dst_without_number (a->kreds_name), a->kreds_id };
      g_autofree char *json = NULL, *name = NULL;

      json = vk_valgdk_contest_area_result_to_json (m->contest, area, &place, r, -1, NULL, error);
      if (json == NULL)
        return NULL;
      name = vk_valgdk_area_file_name (m->contest, area, error);
      if (name == NULL)
        return NULL;
      g_ptr_array_add (files, vk_valgdk_file_new (name, json));
    }
  return g_steal_pointer (&files);
}

gboolean
vk_dst_municipality_write_valgdk (const VkDstMunicipality *m, const char *dir, guint *ret_n_written, GError **error)
{
  g_autoptr (GPtrArray) files = NULL;
  guint n = 0;

  g_return_val_if_fail (m != NULL && dir != NULL, FALSE);
  files = vk_dst_municipality_to_valgdk_files (m, error);
  if (files == NULL)
    return FALSE;
  for (guint i = 0; i < files->len; i++)
    {
      const VkValgdkFile *f = g_ptr_array_index (files, i);
      g_autofree char *stem = g_strndup (f->name, strlen (f->name) - strlen (".json"));
      gboolean written = FALSE;

      if (!vk_valgdk_write_version (dir, stem, f->json, NULL, &written, NULL, error))
        return FALSE;
      n += written ? 1 : 0;
    }
  if (ret_n_written != NULL)
    *ret_n_written = n;
  return TRUE;
}
