/* vk-home-visit.h: the register of requests to vote at home or in an institution (KRVL §§ 60–61).
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A voter who cannot come to a brevstemmested because of illness or
 * disability may ask to vote at home; residents of care homes and
 * similar institutions vote there.  Two brevstemmemodtagere take each
 * such vote.  The valgsekretariat keeps the requests: the voter, when and
 * how the request came, the visit planned (day, time, the two receivers)
 * and its outcome, and prints a visit plan per day and receiver pair
 * (printouts/vk-visit-plan.h).
 *
 * Here: the request model, the register read from a CSV file (the
 * columns of docs/valgkort.md, "Home visits"), and the checks that refuse
 * or flag a request.  The register kept as the valgsekretariat's own
 * signed journal, and the day's visits of one hjemmebesøg device, are in
 * vk-home-register.h.
 */
#pragma once

#include <glib.h>

#include "vk-election.h"
#include "vk-fold.h"
#include "vk-package.h"

G_BEGIN_DECLS

/* What the checks found; a request may have several. */
typedef enum
{
  VK_HOME_LATE = 1 << 0,          /* refused: received after the deadline */
  VK_HOME_NOT_ON_LIST = 1 << 1,   /* refused: the voter is not on the area's valgliste */
  VK_HOME_DUPLICATE = 1 << 2,     /* flagged: a request for the same voter came before (named) */
  VK_HOME_ALREADY_VOTED = 1 << 3, /* flagged: a brevstemme or a check-in of the voter is held */
  VK_HOME_BAD_VISIT = 1 << 4,     /* flagged: the visit is planned without two receivers or outside the window */
} VkHomeFlags;

#define VK_HOME_REFUSED (VK_HOME_LATE | VK_HOME_NOT_ON_LIST)

typedef struct
{
  guint line; /* in the register file */
  guint area;
  guint loebenummer;
  guint64 requested_ms; /* when the request reached the municipality */
  char *channel;        /* telefon, brev, digital */
  char *place;          /* hjem, plejehjem (J6 places: where the visit is) */
  char *visit_date;     /* YYYY-MM-DD, NULL when not planned yet */
  char *visit_time;     /* HH:MM, may be NULL */
  char *receivers[2];   /* the two brevstemmemodtagere, NULL when not named */
  char *outcome;        /* free text (afgivet, ikke hjemme, aflyst), may be NULL */
  char *device;         /* the hjemmebesøg device (station app) that makes the visit, may be NULL */
  guint flags;          /* VkHomeFlags, set by vk_home_visits_check() */
  char *finding_da;     /* what the checks found, Danish, NULL when nothing */
} VkHomeRequest;

void vk_home_request_free (VkHomeRequest *self);

/* The deadline for a request: 18:00 (Danish time) on the 12th day before
 * election day (VK_HOME_REQUEST_DEADLINE_DAYS), *unconfirmed* against the
 * law text (docs/valgkort.md); set it from the valgbestyrelse's
 * instructions when it differs.  FALSE when the election has no date. */
#define VK_HOME_REQUEST_DEADLINE_DAYS 12
#define VK_HOME_REQUEST_DEADLINE_HOUR 18
gboolean vk_home_request_deadline_for_election (const VkElection *election, guint64 *ret_deadline_ms);

/* The register CSV (vk-paper-marks.h's reader): a header naming at least
 * afstemningsomraade, loebenummer, modtaget (YYYY-MM-DD HH:MM, Danish
 * time), kanal and sted; optionally besoeg_dato, besoeg_tid, modtager1,
 * modtager2, udfald and enhed (the device id of the hjemmebesøg team).  A malformed row is VK_ERROR_INVALID "NAME:LINE:
 * what" and nothing is returned.  VkHomeRequest* in file order. */
GPtrArray *vk_home_requests_parse (const char *name, const char *data, gsize len,
                                   GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Sets each request's flags and finding: refused when received after
 * deadline_ms or when the voter is not on the valgliste; flagged when
 * another request for the voter came first in the file, when fold (may
 * be NULL) holds a brevstemme (not cancelled) or a standing check-in of
 * the voter, or when a planned visit lacks two distinct receivers or is
 * outside the brevstemme window, or names a device (enhed) that is not
 * enrolled as hjemmebesoeg.  Returns the number of requests refused. */
guint vk_home_visits_check (VkPackage *package, GPtrArray *requests, guint64 deadline_ms, VkFold *fold);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VkHomeRequest, vk_home_request_free)

G_END_DECLS
