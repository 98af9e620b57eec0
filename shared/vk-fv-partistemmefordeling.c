/* vk-fv-partistemmefordeling.c: valg.dk's Partistemmefordeling (vk-fv-partistemmefordeling.h).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-error.h"
#include "vk-fv-partistemmefordeling.h"
#include "vk-fv-valgdk.h"
#include "vk-json-private.h"
#include "vk-text.h"
#include "vk-valgdk-export.h"

void
vk_fv_psf_file_free (VkFvPsfFile *self)
{
  if (self == NULL)
    return;
  g_free (self->stem);
  g_free (self->json);
  g_free (self);
}

/* The entry of the file that names the results' kreds: by DAGI id first
 * (valg.dk's results), else by name (DST's: "Rønne" once "1. " is gone),
 * among every candidate's Opstillingskredse.  *ret_path: that entry's
 * JSON path. */
static const VkFvKdKreds *
find_in (GPtrArray *cands, const VkFvKredsVotes *kv, gboolean by_name, char **ret_path)
{
  for (guint j = 0; j < cands->len; j++)
    {
      const VkFvKdCandidate *c = g_ptr_array_index (cands, j);
      for (guint i = 0; i < c->kredse->len; i++)
        {
          const VkFvKdKreds *e = g_ptr_array_index (c->kredse, i);
          const char *a = by_name ? e->kreds : e->dagi_id, *b = by_name ? kv->name : kv->id;

          if (a != NULL && b != NULL && strcmp (a, b) == 0)
            {
              *ret_path = g_strdup_printf ("%s.Opstillingskredse[%u]", c->path, i);
              return e;
            }
        }
    }
  return NULL;
}

static const VkFvKdKreds *
find_kreds (const VkFvKandidatdata *kd, const VkFvKredsVotes *kv, char **ret_path)
{
  for (int by_name = 0; by_name < 2; by_name++)
    {
      const VkFvKdKreds *e;

      for (guint p = 0; p < kd->parties->len; p++)
        if ((e = find_in (((const VkFvKdParty *)g_ptr_array_index (kd->parties, p))->candidates, kv, by_name, ret_path))
            != NULL)
          return e;
      if ((e = find_in (kd->independents, kv, by_name, ret_path)) != NULL)
        return e;
    }
  return NULL;
}

/* The name as a file name part: Danish letters spelt out (æ ae, ø oe,
 * å aa), other letters without their accents, anything else but ASCII
 * letters and digits a single '-'. */
static char *
ascii_part (const char *text)
{
  static const struct
  {
    const char *from, *to;
  } danish[] = { { "æ", "ae" }, { "ø", "oe" }, { "å", "aa" }, { "Æ", "Ae" }, { "Ø", "Oe" }, { "Å", "Aa" } };
  g_autoptr (GString) s = g_string_new (text);
  g_autofree char *ascii = NULL;
  GString *out = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (danish); i++)
    g_string_replace (s, danish[i].from, danish[i].to, 0);
  ascii = g_str_to_ascii (s->str, "C");
  for (const char *p = ascii; *p != '\0'; p++)
    {
      if (g_ascii_isalnum (*p))
        g_string_append_c (out, *p);
      else if (out->len > 0 && out->str[out->len - 1] != '-')
        g_string_append_c (out, '-');
    }
  while (out->len > 0 && out->str[out->len - 1] == '-')
    g_string_truncate (out, out->len - 1);
  if (out->len == 0)
    g_string_append_c (out, 'x');
  return g_string_free (out, FALSE);
}

static gboolean
add_count (JsonBuilder *b, const char *member, guint64 n, const char *file, const char *what, GError **error)
{
  if (n > G_MAXINT32)
    return vk_fv_fail (error, file, what, "%s %" G_GUINT64_FORMAT " is beyond the schema's int32", member, n);
  json_builder_set_member_name (b, member);
  json_builder_add_int_value (b, (gint64)n);
  return TRUE;
}

/* The party's ranks of the storkreds, in the kandidatdata's order. */
static const VkFvPartyRank *
rank_of (const VkFvElected *elected, guint k, const VkFvKdParty *kp)
{
  for (guint i = 0; i < elected->parties->len; i++)
    {
      const VkFvPartyRank *r = g_ptr_array_index (elected->parties, i);
      if (r->storkreds == k && r->kd == kp)
        return r;
    }
  return NULL;
}

static gboolean
add_party (JsonBuilder *b, const VkFvKandidatdata *kd, const VkFvKdParty *kp, const VkFvPartyRank *r, guint kreds,
           const char *kname, GError **error)
{
  const VkFvKredsShare *ks = g_ptr_array_index (r->kredse, kreds);
  g_autofree char *what = g_strdup_printf ("%s (%s)", kp->path, kname);

  json_builder_begin_object (b);
  vk_json_builder_add_string (b, "PartiId", kp->id);
  vk_json_builder_add_string (b, "PartiNavn", kp->name);
  vk_json_builder_add_string (b, "Bogstavbetegnelse", kp->letter);
  vk_json_builder_add_string (b, "Opstillingsform", vk_fv_form_to_string (ks->form));
  json_builder_set_member_name (b, "PersonligeStemmer");
  json_builder_add_boolean_value (b, kp->personal);
  if (!add_count (b, "Stemmer", ks->votes, kd->file, what, error))
    return FALSE;
  json_builder_set_member_name (b, "Kandidater");
  json_builder_begin_array (b);
  for (guint j = 0; j < kp->candidates->len; j++)
    {
      const VkFvKdCandidate *c = g_ptr_array_index (kp->candidates, j);

      json_builder_begin_object (b);
      vk_json_builder_add_string (b, "Id", c->id);
      vk_json_builder_add_string (b, "Stemmeseddelnavn", *c->ballot_name != '\0' ? c->ballot_name : NULL);
      if (!add_count (b, "PersonligeStemmer", ks->cand_personal[j], kd->file, what, error)
          || !add_count (b, "TildeltePartistemmer", ks->cand_allotted[j], kd->file, what, error))
        return FALSE;
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return TRUE;
}

static const VkFvKandidatdata *
kandidatdata_of (const VkFvAllocation *alloc, const VkFvElected *elected, guint k)
{
  for (guint i = 0; i < elected->kandidatdata->len; i++)
    {
      const VkFvKandidatdata *kd = g_ptr_array_index (elected->kandidatdata, i);
      if (vk_fv_valgdk_find_storkreds (alloc->table, kd->storkreds) == (gint)k)
        return kd;
    }
  return NULL;
}

/* One storkreds's files, appended to files. */
static gboolean
build_storkreds (const VkFvAllocation *alloc, const VkFvElected *elected, const VkFvStorkredsVotes *sv, guint k,
                 const char *released, GPtrArray *files, GError **error)
{
  const VkFvKandidatdata *kd = kandidatdata_of (alloc, elected, k);
  g_autofree const VkFvKdKreds **matched = NULL;
  gint64 number = -1;

  if (kd == NULL)
    {
      /* vk_fv_elect() refuses it first. */
      g_autofree char *name = vk_text_escape_controls (sv->name);
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "no FV-Kandidatdata file for %s", name);
      return FALSE;
    }
  if (kd->number != NULL && *kd->number != '\0'
      && !g_ascii_string_to_signed (kd->number, 10, 0, G_MAXINT32, &number, NULL))
    return vk_fv_fail (error, kd->file, "Storkredsnummer", "\"%s\" is not a number", kd->number);
  matched = g_new0 (const VkFvKdKreds *, sv->kredse->len + 1);
  for (guint i = 0; i < sv->kredse->len; i++)
    {
      const VkFvKredsVotes *kv = g_ptr_array_index (sv->kredse, i);
      g_autoptr (JsonBuilder) b = json_builder_new ();
      g_autoptr (JsonGenerator) gen = json_generator_new ();
      g_autoptr (JsonNode) root = NULL;
      g_autofree char *path = NULL, *date = NULL, *nr = NULL, *name = NULL, *dagi = NULL;
      VkFvPsfFile *f;
      const VkFvKdKreds *e = find_kreds (kd, kv, &path);
      guint y, m, d;

      if (e == NULL)
        return vk_fv_fail (error, kd->file, "Opstillingskredse",
                           "no candidate's Opstillingskredse name the results' opstillingskreds \"%s\" (id %s) of %s",
                           kv->name, kv->id != NULL ? kv->id : "none", sv->name);
      for (guint j = 0; j < i; j++)
        if (matched[j] != NULL && matched[j]->dagi_id != NULL && e->dagi_id != NULL
            && strcmp (matched[j]->dagi_id, e->dagi_id) == 0)
          return vk_fv_fail (
              error, kd->file, path, "the results' opstillingskredse \"%s\" and \"%s\" of %s are both %s",
              ((const VkFvKredsVotes *)g_ptr_array_index (sv->kredse, j))->name, kv->name, sv->name, e->dagi_id);
      matched[i] = e;
      if (kd->date == NULL || sscanf (kd->date, "%4u-%2u-%2u", &y, &m, &d) != 3)
        return vk_fv_fail (error, kd->file, "Valgdag", "not a date");
      date = g_strdup_printf ("%02u-%02u-%04u", d, m, y);

      json_builder_begin_object (b);
      vk_json_builder_add_string (b, "Valgart", "Folketingsvalg");
      vk_json_builder_add_string (b, "Valgdag", date);
      vk_json_builder_add_string (b, "FrigivelsesTidspunktUTC", released);
      vk_json_builder_add_string (b, "Storkreds", kd->storkreds);
      json_builder_set_member_name (b, "Storkredsnummer");
      if (number >= 0)
        json_builder_add_int_value (b, number);
      else
        json_builder_add_null_value (b);
      vk_json_builder_add_string (b, "Opstillingskreds", e->kreds);
      vk_json_builder_add_string (b, "OpstillingskredsDagiId", e->dagi_id);
      json_builder_set_member_name (b, "IndenforParti");
      json_builder_begin_array (b);
      for (guint p = 0; p < kd->parties->len; p++)
        {
          const VkFvKdParty *kp = g_ptr_array_index (kd->parties, p);
          const VkFvPartyRank *r = rank_of (elected, k, kp);

          /* vk_fv_elect() ranks every party of the file. */
          if (r != NULL && !add_party (b, kd, kp, r, i, e->kreds != NULL ? e->kreds : kv->name, error))
            return FALSE;
        }
      json_builder_end_array (b);
      json_builder_end_object (b);

      root = json_builder_get_root (b);
      json_generator_set_root (gen, root);
      nr = number >= 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, number) : g_strdup ("x");
      dagi = ascii_part (e->dagi_id != NULL ? e->dagi_id : "");
      name = ascii_part (e->kreds != NULL ? e->kreds : kv->name);
      f = g_new0 (VkFvPsfFile, 1);
      f->stem = g_strdup_printf ("Partistemmefordeling-%s-%s-%s", nr, dagi, name);
      f->json = json_generator_to_data (gen, NULL);
      g_ptr_array_add (files, f);
    }
  return TRUE;
}

GPtrArray *
vk_fv_partistemmefordeling_build (const VkFvAllocation *alloc, const VkFvElected *elected, gint64 released_ms,
                                  GError **error)
{
  g_autoptr (GPtrArray) files = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_fv_psf_file_free);
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (released_ms / 1000);
  g_autofree char *released = NULL;

  g_return_val_if_fail (alloc != NULL && elected != NULL, NULL);
  if (dt == NULL)
    {
      g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "FrigivelsesTidspunktUTC: not a time");
      return NULL;
    }
  released = g_date_time_format (dt, "%d-%m-%Y %H:%M:%S");
  for (guint s = 0; s < alloc->votes->storkredse->len; s++)
    {
      const VkFvStorkredsVotes *sv = g_ptr_array_index (alloc->votes->storkredse, s);
      gint k = vk_fv_table_find_storkreds (alloc->table, sv->name);

      if (k < 0)
        continue; /* vk_fv_allocate() refuses it */
      if (!build_storkreds (alloc, elected, sv, (guint)k, released, files, error))
        return NULL;
    }
  /* Distinct names: the DAGI ids are distinct within a storkreds, and the
   * number tells the storkredse apart; a file whose number is missing or
   * repeated could still clash. */
  for (guint i = 0; i < files->len; i++)
    for (guint j = 0; j < i; j++)
      if (strcmp (((VkFvPsfFile *)files->pdata[i])->stem, ((VkFvPsfFile *)files->pdata[j])->stem) == 0)
        {
          g_set_error (error, VK_ERROR, VK_ERROR_INVALID,
                       "two opstillingskredse would be written as %s (Storkredsnummer missing or repeated?)",
                       ((VkFvPsfFile *)files->pdata[i])->stem);
          return NULL;
        }
  return g_steal_pointer (&files);
}

gboolean
vk_fv_partistemmefordeling_write (const char *dir, GPtrArray *files, guint *ret_written, GError **error)
{
  guint written = 0;

  g_return_val_if_fail (dir != NULL && files != NULL, FALSE);
  for (guint i = 0; i < files->len; i++)
    {
      const VkFvPsfFile *f = g_ptr_array_index (files, i);
      gboolean w = FALSE;

      if (!vk_valgdk_write_version (dir, f->stem, f->json, NULL, &w, NULL, error))
        return FALSE;
      written += w;
    }
  if (ret_written != NULL)
    *ret_written = written;
  return TRUE;
}
