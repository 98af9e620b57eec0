/* count-page.h: counting at the valgbord and at a fintælling table.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One page of the station window ("Optælling").  At a valgbord it closes
 * the poll, then takes the foreløbig count; at a fintælling table it
 * takes the fintælling of the chosen area.  Both with the double entry
 * (two rounds, two people), the checks T01–T14 as they are typed, the
 * sign-off by valgstyrere with their own keys, and at the valgbord the
 * valgbog PDF.  Every rule is in the engine (station-client/vk-tally.h,
 * vk-tally-form.h).  The page only hosts its parts, each a widget of its
 * own: the count form with its checks (count-form.h), the doubtful
 * ballots (doubtful-box.h) and the sign-off with the valgbog
 * (signoff-box.h); it closes the poll and chooses the area.
 */
#pragma once

#include <adwaita.h>

#include "count-form.h"
#include "doubtful-box.h"
#include "signoff-box.h"
#include "vk-station.h"
#include "vk-sync.h"

G_BEGIN_DECLS

#define VK_TYPE_COUNT_PAGE (vk_count_page_get_type ())
G_DECLARE_FINAL_TYPE (VkCountPage, vk_count_page, VK, COUNT_PAGE, GtkBox)

VkCountPage *vk_count_page_new (void) G_GNUC_WARN_UNUSED_RESULT;

/* The station (borrowed, must outlive the page) and its database path
 * (the valgbog is written beside it).  Builds the form for the role. */
void vk_count_page_set_station (VkCountPage *self, VkStation *station, const char *db_path);
/* The background sync (borrowed; may be NULL) and the count server's
 * URL: after the sign-off the page asks for a round and shows the
 * server's receipt. */
void vk_count_page_set_sync (VkCountPage *self, VkSyncRunner *runner, const char *server_url);
/* A sync round finished: shows the count server's receipt of the
 * signed-off count once it has come. */
void vk_count_page_sync_done (VkCountPage *self);
/* Journals arrived (sync, USB): shows what changed. */
void vk_count_page_refresh (VkCountPage *self);

/* An event with several contests (KV + RV) has a switcher above the
 * form: each contest has its own double entry, sign-off and doubtful
 * ballots, and the switcher shows each one's state.  Chooses the contest
 * ("KV", "RV") as its button does. */
void vk_count_page_set_contest (VkCountPage *self, const char *contest);
/* The contest shown ("KV", "RV"). */
const char *vk_count_page_get_contest (VkCountPage *self);
/* The switcher's button of a contest (a GtkToggleButton), or NULL in an
 * event with one contest. */
GtkWidget *vk_count_page_get_contest_button (VkCountPage *self, const char *contest);

/* The parts the page hosts. */
VkCountForm *vk_count_page_get_form (VkCountPage *self);
VkSignoffBox *vk_count_page_get_signoff_box (VkCountPage *self);
VkDoubtfulBox *vk_count_page_get_doubtful_box (VkCountPage *self);

/* The entry of one field of the form ("cast", "lists.<id>", …; see
 * vk-tally-form.h), or NULL.  For tests and accessibility. */
GtkEditable *vk_count_page_get_field (VkCountPage *self, const char *field);
/* The row of a field (it carries the CSS classes vk-field-error,
 * vk-field-warning and vk-diff), or NULL. */
GtkWidget *vk_count_page_get_row (VkCountPage *self, const char *field);
/* The valgbog written last, or NULL. */
const char *vk_count_page_get_valgbog_path (VkCountPage *self);
/* Microseconds the last keystroke took (form, checks and display). */
gint64 vk_count_page_get_last_keystroke_us (VkCountPage *self);

G_END_DECLS
