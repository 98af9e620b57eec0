/* vk-role.h: the device roles and their wire names.
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A device is enrolled in the election package with one role (P5 in
 * docs/package-format.md, `role` in `device.open`, J6).  The wire names
 * are Danish words without æøå; this file is the one place that knows
 * them.  Code compares VkDeviceRole values, never the strings.
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum
{
  VK_ROLE_INVALID = 0,     /* not a role: an unknown wire name */
  VK_ROLE_VALGBORD,        /* "valgbord": a table at a polling station (one area) */
  VK_ROLE_BREVSTEMMESTED,  /* "brevstemmested": brevstemmer at Borgerservice, hospitals, … */
  VK_ROLE_HJEMMEBESOEG,    /* "hjemmebesoeg": brevstemmer in voters' homes and care homes */
  VK_ROLE_FINTAELLING,     /* "fintaelling": a fintælling table */
  VK_ROLE_OPTAELLING,      /* "optaelling": the valgbestyrelse's central count */
  VK_ROLE_SERVER,          /* "server": the count server */
  VK_ROLE_VALGSTYRER,      /* "valgstyrer": a valgstyrer's own signing key (no journal) */
  VK_ROLE_REVISOR,         /* "revisor": reads everything over HTTP (no journal, no area) */
  VK_ROLE_COLLECTOR,       /* "collector": valg.dk's collector, reads the delivery folder only (no journal, no area) */
  VK_ROLE_VALGSEKRETARIAT, /* "valgsekretariat": the municipality's own journal (the home-visit register; no area) */
} VkDeviceRole;

#define VK_ROLE_LAST VK_ROLE_VALGSEKRETARIAT

/* VK_ROLE_INVALID for NULL or an unknown name. */
VkDeviceRole vk_device_role_from_string (const char *name);
/* The wire name; NULL for VK_ROLE_INVALID or a value out of range. */
const char *vk_device_role_to_string (VkDeviceRole role);
/* TRUE for the roles that take brevstemmer (brevstemmested, hjemmebesoeg):
 * they work for every area, not for one. */
gboolean vk_device_role_takes_brevstemmer (VkDeviceRole role);
/* TRUE for the roles that must be enrolled for one afstemningsområde
 * (a valgbord): vk_package_enroll refuses them without one, and the
 * station app's key dialog asks for one. */
gboolean vk_device_role_needs_area (VkDeviceRole role);
/* FALSE for the roles that never write a journal entry (valgstyrer
 * signs sign-offs inside a table's entries; revisor only reads). */
gboolean vk_device_role_writes_journal (VkDeviceRole role);

G_END_DECLS
