/* tests/header/header_alone.c — the public header compiles on its own,
 * first, under strict warnings (as a user's first include). */
#include "libcontract.h"

int main(void)
{
    lc_options opts = LC_OPTIONS_INIT;
    lc_error err = {0};
    (void)err;
    return opts.version == LC_OPTIONS_VERSION && LC_VERSION_NUMBER > 0 ? 0 : 1;
}
