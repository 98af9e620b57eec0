/* vk-role.c
 *
 * Copyright 2026 The valgkit authors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "vk-role.h"

/* Indexed by VkDeviceRole. */
static const char *const role_names[] = {
  [VK_ROLE_INVALID] = NULL,
  [VK_ROLE_VALGBORD] = "valgbord",
  [VK_ROLE_BREVSTEMMESTED] = "brevstemmested",
  [VK_ROLE_HJEMMEBESOEG] = "hjemmebesoeg",
  [VK_ROLE_FINTAELLING] = "fintaelling",
  [VK_ROLE_OPTAELLING] = "optaelling",
  [VK_ROLE_SERVER] = "server",
  [VK_ROLE_VALGSTYRER] = "valgstyrer",
  [VK_ROLE_REVISOR] = "revisor",
  [VK_ROLE_COLLECTOR] = "collector",
  [VK_ROLE_VALGSEKRETARIAT] = "valgsekretariat",
};

G_STATIC_ASSERT (G_N_ELEMENTS (role_names) == VK_ROLE_LAST + 1);

VkDeviceRole
vk_device_role_from_string (const char *name)
{
  if (name == NULL)
    return VK_ROLE_INVALID;
  for (guint i = VK_ROLE_INVALID + 1; i < G_N_ELEMENTS (role_names); i++)
    if (strcmp (name, role_names[i]) == 0)
      return (VkDeviceRole)i;
  return VK_ROLE_INVALID;
}

const char *
vk_device_role_to_string (VkDeviceRole role)
{
  if ((guint)role >= G_N_ELEMENTS (role_names))
    return NULL;
  return role_names[role];
}

gboolean
vk_device_role_takes_brevstemmer (VkDeviceRole role)
{
  return role == VK_ROLE_BREVSTEMMESTED || role == VK_ROLE_HJEMMEBESOEG;
}

gboolean
vk_device_role_needs_area (VkDeviceRole role)
{
  return role == VK_ROLE_VALGBORD;
}

gboolean
vk_device_role_writes_journal (VkDeviceRole role)
{
  return role != VK_ROLE_INVALID && role != VK_ROLE_VALGSTYRER && role != VK_ROLE_REVISOR && role != VK_ROLE_COLLECTOR;
}
