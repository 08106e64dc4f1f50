// Claims a future plugin API: the loader must refuse it before reading anything else.
#include <loadwizard/scenario.h>

extern "C" LW_EXPORT const lw_plugin_info *loadwizard_plugin_v1()
{
    static const lw_plugin_info info = {999,     0, "wrongapi", "Wrong API", "From the future.",
                                        nullptr, 0, nullptr,    nullptr};
    return &info;
}
