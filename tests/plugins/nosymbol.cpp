// A valid shared library that forgot LOADWIZARD_PLUGIN.
#include <loadwizard/scenario.h>

extern "C" LW_EXPORT int loadwizard_plugin_v0()
{
    return 0;
}
