// Entry points that are wrong in one way each, chosen by BROKEN_ENTRY at build time.
#include <loadwizard/scenario.h>

#include <stdexcept>

#define BROKEN_NULL_INFO 1
#define BROKEN_NO_ID 2
#define BROKEN_THROWS 3

extern "C" LW_EXPORT const lw_plugin_info *loadwizard_plugin_v1()
{
#if BROKEN_ENTRY == BROKEN_NULL_INFO
    return nullptr;
#elif BROKEN_ENTRY == BROKEN_NO_ID
    static const lw_plugin_info info = {LOADWIZARD_API_VERSION,
                                        0,
                                        nullptr,
                                        "No id",
                                        "",
                                        nullptr,
                                        0,
                                        []() -> Loadwizard::Scenario * { return nullptr; },
                                        [](Loadwizard::Scenario *) {}};
    return &info;
#elif BROKEN_ENTRY == BROKEN_THROWS
    throw std::logic_error("entry point exploded");
#else
#error "define BROKEN_ENTRY"
#endif
}
