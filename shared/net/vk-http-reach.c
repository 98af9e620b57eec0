/* vk-http-reach.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-http-reach.h"

/* The roles that read every journal, head and (for server and revisor)
 * everything else. */
static gboolean
reads_every_journal (VkDeviceRole role)
{
  return role == VK_ROLE_SERVER || role == VK_ROLE_REVISOR || role == VK_ROLE_FINTAELLING || role == VK_ROLE_OPTAELLING;
}

static gboolean
reads_journal (const VkDevice *reader, const VkDevice *target)
{
  if (reads_every_journal (reader->role_id))
    return TRUE;
  if (target == NULL)
    return FALSE;
  if (strcmp (reader->device_id, target->device_id) == 0)
    return reader->role_id != VK_ROLE_VALGSTYRER;
  switch (reader->role_id)
    {
      case VK_ROLE_VALGBORD:
        /* What a table's sync needs: the tables of its own area and the
         * brevstemme teams (whose brevstemmer it must know of). */
        return (target->area == reader->area && target->area != VK_PACKAGE_NO_AREA
                && target->role_id == VK_ROLE_VALGBORD)
               || vk_device_role_takes_brevstemmer (target->role_id);
      case VK_ROLE_BREVSTEMMESTED:
      case VK_ROLE_HJEMMEBESOEG:
      case VK_ROLE_VALGSTYRER:
      case VK_ROLE_INVALID:
      case VK_ROLE_FINTAELLING:
      case VK_ROLE_OPTAELLING:
      case VK_ROLE_SERVER:
      case VK_ROLE_REVISOR:
      case VK_ROLE_COLLECTOR:
      case VK_ROLE_VALGSEKRETARIAT:
      default:
        return FALSE;
    }
}

gboolean
vk_http_reach_allows (const VkDevice *reader, VkReachResource resource, const VkDevice *target, gboolean published)
{
  VkDeviceRole role = reader != NULL ? reader->role_id : VK_ROLE_INVALID;

  switch (resource)
    {
      case VK_REACH_STATUS:
      case VK_REACH_POST_JOURNAL:
        return TRUE;
      case VK_REACH_RESULTS:
        return published || role == VK_ROLE_SERVER || role == VK_ROLE_REVISOR;
      case VK_REACH_DISCREPANCIES:
        return role == VK_ROLE_SERVER || role == VK_ROLE_REVISOR;
      case VK_REACH_HEADS:
        /* The list itself; each head in it is filtered as a journal. */
        return reader != NULL && role != VK_ROLE_VALGSTYRER && role != VK_ROLE_COLLECTOR;
      case VK_REACH_JOURNAL:
        return reader != NULL && reads_journal (reader, target);
      case VK_REACH_VALGDK:
        return role == VK_ROLE_SERVER || role == VK_ROLE_REVISOR || role == VK_ROLE_COLLECTOR;
      default:
        return FALSE;
    }
}

gboolean
vk_http_authorize (VkHttpVerifier *verifier, SoupServerMessage *msg, GBytes *body, VkReachResource resource,
                   const VkDevice *target, const VkDevice **ret_reader)
{
  g_autofree char *reason = NULL;
  g_autofree char *message = NULL;
  const VkDevice *reader = NULL;

  if (vk_http_verifier_check (verifier, msg, body, &reader, &reason) == VK_HTTP_SIG_INVALID)
    {
      vk_http_sig_refuse (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated", reason);
      return FALSE;
    }
  *ret_reader = reader;
  if (resource == VK_REACH_RESULTS || vk_http_reach_allows (reader, resource, target, FALSE))
    return TRUE;
  if (reader == NULL)
    {
      vk_http_sig_refuse (msg, SOUP_STATUS_UNAUTHORIZED, "unauthenticated",
                          "this resource needs a request signed by an enrolled device");
      return FALSE;
    }
  message = g_strdup_printf ("device %s (%s) may not read this resource", reader->device_id, reader->role);
  vk_http_sig_refuse (msg, SOUP_STATUS_FORBIDDEN, "forbidden", message);
  return FALSE;
}
