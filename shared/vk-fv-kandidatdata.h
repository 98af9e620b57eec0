/* vk-fv-kandidatdata.h: valg.dk's FV-Kandidatdata files (one per storkreds), as read.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The one reader of valg.dk-schemas/FV-Kandidatdata.schema.json: the
 * package import (vk-election-import.c: the ballots of a municipality's
 * kredse) and the elected candidates of a folketingsvalg
 * (vk-fv-elected.c: opstillingsform, PersonligeStemmer, OpstilletIKreds,
 * PartiListePlacering) both read the files through it.  Errors name the
 * file and the JSON path.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VK_FV_FORM_SIDEORDNET,             /* "Sideordnet" */
  VK_FV_FORM_PRIORITERET_SIDEORDNET, /* "Prioriteret sideordnet" */
  VK_FV_FORM_KREDSVIS,               /* "Kredsvis" */
  VK_FV_FORM_PARTILISTE,             /* "Partiliste" */
} VkFvForm;

/* valg.dk's name of an opstillingsform ("Prioriteret sideordnet" …). */
const char *vk_fv_form_to_string (VkFvForm form);

/* Sets a VK_ERROR_INVALID "FILE: PATH: message" (control characters
 * escaped; no PATH when path is NULL or empty) and returns FALSE. */
gboolean vk_fv_fail (GError **error, const char *file, const char *path, const char *fmt, ...) G_GNUC_PRINTF (4, 5);

/* One entry of a candidate's Opstillingskredse. */
typedef struct
{
  char *kreds;        /* Opstillingskreds (its name) */
  char *dagi_id;      /* OpstillingskredsDagiId */
  VkFvForm form;      /* Opstillingsform (independents: sideordnet) */
  gboolean opstillet; /* OpstilletIKreds */
  guint place;        /* KandidatsPlacering */
} VkFvKdKreds;

typedef struct
{
  char *id;          /* Id */
  char *name;        /* Navn */
  char *ballot_name; /* Stemmeseddelnavn ("" when absent) */
  char *occupation;  /* Stilling ("" when absent) */
  guint list_place;  /* PartiListePlacering; 0 when absent or null */
  GPtrArray *kredse; /* VkFvKdKreds* */
  char *path;        /* its JSON path, for messages: "IndenforParti[2].Kandidater[0]" */
} VkFvKdCandidate;

typedef struct
{
  char *id;              /* PartiId */
  char *letter;          /* Partibogstav */
  char *name;            /* Partinavn */
  guint place;           /* Stemmeseddelsplacering */
  gboolean personal;     /* PersonligeStemmer */
  GPtrArray *candidates; /* VkFvKdCandidate* */
  char *path;
} VkFvKdParty;

typedef struct
{
  char *file;              /* the path, escaped for messages */
  char *storkreds;         /* Storkreds ("Bornholm") */
  char *number;            /* Storkredsnummer */
  char *date;              /* Valgdag as YYYY-MM-DD */
  GPtrArray *parties;      /* VkFvKdParty*, in file order */
  GPtrArray *independents; /* VkFvKdCandidate*, UdenforParti */
} VkFvKandidatdata;

void vk_fv_kandidatdata_free (VkFvKandidatdata *self);
/* One file.  Refused: Valgart other than Folketingsvalg, a Valgdag that is
 * not DD-MM-YYYY, an unknown Opstillingsform, a missing required member. */
VkFvKandidatdata *vk_fv_kandidatdata_load (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* A file or a folder of them (its *.json files, sorted by name):
 * VkFvKandidatdata*. */
GPtrArray *vk_fv_kandidatdata_load_all (const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;
/* The candidate's entry for the kreds with this DAGI id, or NULL. */
const VkFvKdKreds *vk_fv_kd_candidate_kreds (const VkFvKdCandidate *c, const char *dagi_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkFvKandidatdata, vk_fv_kandidatdata_free)

G_END_DECLS
