/* vk-home-register.h: the home-visit register kept as the valgsekretariat's own signed journal.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The register of requests to vote at home or in an institution
 * (vk-home-visit.h) is kept like every other fact in valgkit: as entries
 * of a journal, here that of a device enrolled with role
 * `valgsekretariat` (docs/journal-format.md J6, `homevisit.request` and
 * `homevisit.visit`).  Every request read from the register file is
 * journaled, a refused one too, with the rules that refused it; the
 * planned visit and its outcome are `homevisit.visit` entries that refer
 * to their request, and a later one for the same request replaces the
 * earlier.  Journaling the same file again writes nothing new.  Entries
 * carry area and løbenummer, never a voter's name or CPR number.
 *
 * A hjemmebesøg device (the station app) loads an exported copy of that
 * journal, verified against the election package, and lists the day's
 * visits planned for it.
 */
#pragma once

#include <glib.h>

#include "vk-home-visit.h"
#include "vk-journal.h"
#include "vk-keys.h"
#include "vk-package.h"

G_BEGIN_DECLS

/* Journals requests (VkHomeRequest* after vk_home_visits_check(), read
 * from the file called name) in journal, signed with key (the device must
 * be enrolled as valgsekretariat).  A request is the same as one the
 * journal holds when area, løbenummer, time received, channel and place
 * agree (the n-th such row of the file is the n-th such entry): it is
 * not journaled again.  A visit (a date, an outcome, receivers or a
 * device) is journaled when it differs from the request's latest
 * `homevisit.visit`; refused requests get none.  ret_requests /
 * ret_visits count the new entries, ret_unchanged the rows that added
 * nothing (all optional). */
gboolean vk_home_register_journal (VkPackage *package, GPtrArray *requests, const char *name, VkJournal *journal,
                                   const VkKeypair *key, guint *ret_requests, guint *ret_visits, guint *ret_unchanged,
                                   GError **error);

/* The register as a journal's entries say it (entries of one device,
 * verified by the caller): VkHomeRequest* in journal order, each with
 * its latest visit, the flags and finding the entries carry, and line
 * set to the seq of its `homevisit.request` entry.  Other entry types
 * are skipped.  VK_ERROR_INVALID when a `homevisit.visit` refers to no
 * request before it. */
GPtrArray *vk_home_register_from_entries (GPtrArray *entries, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* Reads the journal file at path (a valgsekretariat's export), verifies
 * it against package (enrolment, chain, every signature) and the entry
 * schema, and returns vk_home_register_from_entries().  VK_ERROR_INVALID
 * when its device is not enrolled as valgsekretariat. */
GPtrArray *vk_home_register_load_file (VkPackage *package, const char *path, GError **error) G_GNUC_WARN_UNUSED_RESULT;

/* The visits planned for day (YYYY-MM-DD) to be made by device_id: the
 * requests not refused whose visit is on that day and names that device
 * or none, ordered by time (visits without a time last), then area and
 * løbenummer.  The pointers are borrowed from requests. */
GPtrArray *vk_home_register_visits_for_day (GPtrArray *requests, const char *day,
                                            const char *device_id) G_GNUC_WARN_UNUSED_RESULT;

/* The names of the rule that refused or flagged a request (the wire
 * names of the entries' "refused" and "flags"), for one VkHomeFlags bit. */
const char *vk_home_flag_to_string (VkHomeFlags flag);

G_END_DECLS
