/* count-util.h: what the count page's widgets share.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Small display helpers.  The wording of the tally engine's refusals
 * (VK_TALLY_ERROR codes, station-client/vk-tally.h) is
 * vk_ui_error_dup_text() (vk-ui-util.h).
 */
#pragma once

#include <gtk/gtk.h>

#include "vk-election.h"
#include "vk-station.h"
#include "vk-tally.h"
#include "vk-ui-util.h"

G_BEGIN_DECLS

/* Shows text in a message label with the CSS class kind ("vk-ok",
 * "vk-blocked", "vk-warning" or NULL); NULL text hides the label. */
void vk_ui_show_message (GtkLabel *label, const char *kind, const char *text);
/* A journal time (ms since 1970) in Danish local time. */
char *vk_ui_format_time (guint64 time_ms, const char *format) G_GNUC_WARN_UNUSED_RESULT;
/* "" → 0; digits only; anything else → FALSE. */
gboolean vk_count_parse_count (const char *text, guint64 *ret);
/* "A  Socialdemokratiet", or the name alone. */
char *vk_count_list_title (const VkList *list) G_GNUC_WARN_UNUSED_RESULT;
/* "Municipal election (KV)": a contest's name on screen. */
char *vk_count_contest_title (const VkElection *contest) G_GNUC_WARN_UNUSED_RESULT;
/* A double entry state in a few words ("Signed off"). */
const char *vk_count_state_text (VkTallyState state);
/* The contests of the event whose count of (kind, area) this station has
 * not signed off, joined ("RV", "KV + RV"), or NULL when every one is. */
char *vk_count_dup_unsigned_contests (VkStation *station, VkResultKind kind, guint area) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
