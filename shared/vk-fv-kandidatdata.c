/* vk-fv-kandidatdata.c: valg.dk's FV-Kandidatdata files (vk-fv-kandidatdata.h).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <json-glib/json-glib.h>

#include "vk-error.h"
#include "vk-file.h"
#include "vk-fv-kandidatdata.h"
#include "vk-json-private.h"
#include "vk-text.h"

static void
kd_kreds_free (VkFvKdKreds *k)
{
  if (k == NULL)
    return;
  g_free (k->kreds);
  g_free (k->dagi_id);
  g_free (k);
}

static void
kd_candidate_free (VkFvKdCandidate *c)
{
  if (c == NULL)
    return;
  g_free (c->id);
  g_free (c->name);
  g_free (c->ballot_name);
  g_free (c->occupation);
  g_clear_pointer (&c->kredse, g_ptr_array_unref);
  g_free (c->path);
  g_free (c);
}

static void
kd_party_free (VkFvKdParty *p)
{
  if (p == NULL)
    return;
  g_free (p->id);
  g_free (p->letter);
  g_free (p->name);
  g_clear_pointer (&p->candidates, g_ptr_array_unref);
  g_free (p->path);
  g_free (p);
}

void
vk_fv_kandidatdata_free (VkFvKandidatdata *self)
{
  if (self == NULL)
    return;
  g_free (self->file);
  g_free (self->storkreds);
  g_free (self->number);
  g_free (self->date);
  g_clear_pointer (&self->parties, g_ptr_array_unref);
  g_clear_pointer (&self->independents, g_ptr_array_unref);
  g_free (self);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvKdCandidate, kd_candidate_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvKdParty, kd_party_free)

/* valg.dk writes dates DD-MM-YYYY. */
static char *
parse_date (const char *text)
{
  guint d, m, y;
  char tail;

  if (text == NULL || sscanf (text, "%2u-%2u-%4u%c", &d, &m, &y, &tail) != 3 || strlen (text) != 10
      || !g_date_valid_dmy ((GDateDay)d, (GDateMonth)m, (GDateYear)y))
    return NULL;
  return g_strdup_printf ("%04u-%02u-%02u", y, m, d);
}

static const struct
{
  const char *name;
  VkFvForm form;
} forms[] = {
  { "Sideordnet", VK_FV_FORM_SIDEORDNET },
  { "Prioriteret sideordnet", VK_FV_FORM_PRIORITERET_SIDEORDNET },
  { "Kredsvis", VK_FV_FORM_KREDSVIS },
  { "Partiliste", VK_FV_FORM_PARTILISTE },
};

static gboolean
parse_form (const char *text, VkFvForm *ret)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (g_ascii_strcasecmp (text, forms[i].name) == 0)
      {
        *ret = forms[i].form;
        return TRUE;
      }
  return FALSE;
}

const char *
vk_fv_form_to_string (VkFvForm form)
{
  for (guint i = 0; i < G_N_ELEMENTS (forms); i++)
    if (forms[i].form == form)
      return forms[i].name;
  return "";
}

gboolean
vk_fv_fail (GError **error, const char *file, const char *path, const char *fmt, ...)
{
  va_list ap;
  g_autofree char *msg = NULL, *escaped = NULL;

  va_start (ap, fmt);
  msg = g_strdup_vprintf (fmt, ap);
  va_end (ap);
  escaped = vk_text_escape_controls (msg);
  if (path != NULL && *path != '\0')
    g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s: %s", file, path, escaped);
  else
    g_set_error (error, VK_ERROR, VK_ERROR_INVALID, "%s: %s", file, escaped);
  return FALSE;
}

static gboolean
get_bool (JsonObject *o, const char *file, const char *path, const char *member, gboolean *ret, GError **error)
{
  JsonNode *n = vk_json_member (o, member);

  if (n == NULL || !JSON_NODE_HOLDS_VALUE (n) || json_node_get_value_type (n) != G_TYPE_BOOLEAN)
    return vk_json_fail (error, file, path, member, "expected true or false");
  *ret = json_node_get_boolean (n);
  return TRUE;
}

static VkFvKdCandidate *
read_candidate (JsonObject *c, const char *file, const char *cpath, GError **error)
{
  g_autoptr (VkFvKdCandidate) out = g_new0 (VkFvKdCandidate, 1);
  JsonArray *entries;
  JsonNode *lp;

  out->path = g_strdup (cpath);
  out->kredse = g_ptr_array_new_with_free_func ((GDestroyNotify)kd_kreds_free);
  if (!vk_json_get_id (c, file, cpath, "Id", TRUE, &out->id, error)
      || !vk_json_get_string (c, file, cpath, "Navn", TRUE, &out->name, error)
      || !vk_json_get_string (c, file, cpath, "Stemmeseddelnavn", FALSE, &out->ballot_name, error)
      || !vk_json_get_string (c, file, cpath, "Stilling", FALSE, &out->occupation, error))
    return NULL;
  lp = vk_json_member (c, "PartiListePlacering");
  if (lp != NULL && !JSON_NODE_HOLDS_NULL (lp)
      && !vk_json_get_uint (c, file, cpath, "PartiListePlacering", &out->list_place, error))
    return NULL;
  entries = vk_json_get_array (c, file, cpath, "Opstillingskredse", error);
  if (entries == NULL)
    return NULL;
  for (guint k = 0; k < json_array_get_length (entries); k++)
    {
      g_autofree char *kpath = g_strdup_printf ("%s.Opstillingskredse[%u]", cpath, k);
      g_autofree char *form = NULL;
      JsonObject *o = vk_json_array_get_obj (entries, k, file, kpath, error);
      VkFvKdKreds *e;
      JsonNode *opst;

      if (o == NULL)
        return NULL;
      e = g_new0 (VkFvKdKreds, 1);
      g_ptr_array_add (out->kredse, e);
      if (!vk_json_get_id (o, file, kpath, "OpstillingskredsDagiId", TRUE, &e->dagi_id, error)
          || !vk_json_get_string (o, file, kpath, "Opstillingskreds", FALSE, &e->kreds, error)
          || !vk_json_get_uint (o, file, kpath, "KandidatsPlacering", &e->place, error)
          || !vk_json_get_string (o, file, kpath, "Opstillingsform", FALSE, &form, error))
        return NULL;
      if (*form != '\0' && !parse_form (form, &e->form))
        {
          g_autofree char *f = vk_text_escape_controls (form);
          g_autofree char *what = g_strdup_printf ("\"%s\" is not an opstillingsform", f);
          return (void)vk_json_fail (error, file, kpath, "Opstillingsform", what), NULL;
        }
      /* The import has always taken a missing OpstilletIKreds as false. */
      opst = vk_json_member (o, "OpstilletIKreds");
      e->opstillet = opst != NULL && JSON_NODE_HOLDS_VALUE (opst) && json_node_get_boolean (opst);
    }
  return g_steal_pointer (&out);
}

VkFvKandidatdata *
vk_fv_kandidatdata_load (const char *path, GError **error)
{
  g_autoptr (JsonParser) parser = NULL;
  g_autoptr (VkFvKandidatdata) kd = g_new0 (VkFvKandidatdata, 1);
  g_autofree char *valgart = NULL, *valgdag = NULL;
  const char *file;
  JsonObject *root;
  JsonArray *parties, *outside;

  g_return_val_if_fail (path != NULL, NULL);
  kd->file = g_filename_display_name (path);
  kd->parties = g_ptr_array_new_with_free_func ((GDestroyNotify)kd_party_free);
  kd->independents = g_ptr_array_new_with_free_func ((GDestroyNotify)kd_candidate_free);
  file = kd->file;
  root = vk_json_load_object (path, &parser, error);
  if (root == NULL || !vk_json_get_string (root, file, "", "Valgart", TRUE, &valgart, error)
      || !vk_json_get_string (root, file, "", "Valgdag", TRUE, &valgdag, error))
    return NULL;
  if (strcmp (valgart, "Folketingsvalg") != 0)
    {
      g_autofree char *what = g_strdup_printf ("a %s file, not FV-Kandidatdata", valgart);
      return (void)vk_json_fail (error, file, "", "Valgart", what), NULL;
    }
  kd->date = parse_date (valgdag);
  if (kd->date == NULL)
    return (void)vk_json_fail (error, file, "", "Valgdag", "not a date DD-MM-YYYY"), NULL;
  if (!vk_json_get_string (root, file, "", "Storkreds", FALSE, &kd->storkreds, error)
      || !vk_json_get_id (root, file, "", "Storkredsnummer", FALSE, &kd->number, error))
    return NULL;

  parties = vk_json_get_array (root, file, "", "IndenforParti", error);
  if (parties == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (parties); i++)
    {
      g_autoptr (VkFvKdParty) party = g_new0 (VkFvKdParty, 1);
      JsonObject *p = vk_json_array_get_obj (parties, i, file, "IndenforParti", error);
      JsonNode *personal;
      JsonArray *cands;

      party->path = g_strdup_printf ("IndenforParti[%u]", i);
      party->candidates = g_ptr_array_new_with_free_func ((GDestroyNotify)kd_candidate_free);
      if (p == NULL || !vk_json_get_id (p, file, party->path, "PartiId", TRUE, &party->id, error)
          || !vk_json_get_uint (p, file, party->path, "Stemmeseddelsplacering", &party->place, error)
          || !vk_json_get_string (p, file, party->path, "Partibogstav", TRUE, &party->letter, error)
          || !vk_json_get_string (p, file, party->path, "Partinavn", TRUE, &party->name, error))
        return NULL;
      /* Required by the schema; the package import never needed it, so
       * only a present value that is not a boolean is refused here. */
      personal = vk_json_member (p, "PersonligeStemmer");
      if (personal != NULL && !get_bool (p, file, party->path, "PersonligeStemmer", &party->personal, error))
        return NULL;
      cands = vk_json_get_array (p, file, party->path, "Kandidater", error);
      if (cands == NULL)
        return NULL;
      for (guint j = 0; j < json_array_get_length (cands); j++)
        {
          g_autofree char *cpath = g_strdup_printf ("%s.Kandidater[%u]", party->path, j);
          JsonObject *c = vk_json_array_get_obj (cands, j, file, cpath, error);
          VkFvKdCandidate *cand = c != NULL ? read_candidate (c, file, cpath, error) : NULL;

          if (cand == NULL)
            return NULL;
          g_ptr_array_add (party->candidates, cand);
        }
      g_ptr_array_add (kd->parties, g_steal_pointer (&party));
    }

  outside = vk_json_get_array (root, file, "", "UdenforParti", error);
  if (outside == NULL)
    return NULL;
  for (guint i = 0; i < json_array_get_length (outside); i++)
    {
      g_autofree char *cpath = g_strdup_printf ("UdenforParti[%u]", i);
      JsonObject *c = vk_json_array_get_obj (outside, i, file, "UdenforParti", error);
      VkFvKdCandidate *cand = c != NULL ? read_candidate (c, file, cpath, error) : NULL;

      if (cand == NULL)
        return NULL;
      g_ptr_array_add (kd->independents, cand);
    }
  return g_steal_pointer (&kd);
}

GPtrArray *
vk_fv_kandidatdata_load_all (const char *path, GError **error)
{
  g_autoptr (GPtrArray) out = g_ptr_array_new_with_free_func ((GDestroyNotify)vk_fv_kandidatdata_free);

  g_return_val_if_fail (path != NULL, NULL);
  if (g_file_test (path, G_FILE_TEST_IS_DIR))
    {
      g_autoptr (GPtrArray) names = vk_file_list_dir (path, ".json", error);

      if (names == NULL)
        return NULL;
      for (guint i = 0; i < names->len; i++)
        {
          g_autofree char *p = g_build_filename (path, g_ptr_array_index (names, i), NULL);
          VkFvKandidatdata *kd = vk_fv_kandidatdata_load (p, error);

          if (kd == NULL)
            return NULL;
          g_ptr_array_add (out, kd);
        }
    }
  else
    {
      VkFvKandidatdata *kd = vk_fv_kandidatdata_load (path, error);

      if (kd == NULL)
        return NULL;
      g_ptr_array_add (out, kd);
    }
  return g_steal_pointer (&out);
}

const VkFvKdKreds *
vk_fv_kd_candidate_kreds (const VkFvKdCandidate *c, const char *dagi_id)
{
  g_return_val_if_fail (c != NULL && dagi_id != NULL, NULL);
  for (guint i = 0; i < c->kredse->len; i++)
    {
      const VkFvKdKreds *k = g_ptr_array_index (c->kredse, i);
      if (strcmp (k->dagi_id, dagi_id) == 0)
        return k;
    }
  return NULL;
}
