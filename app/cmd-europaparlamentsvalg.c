/* placeholder */
#include "cmd-folketingsvalg.h"
int
vk_cmd_europaparlamentsvalg (int argc, char **argv)
{
  (void)argc;
  (void)argv;
  return 2;
}
