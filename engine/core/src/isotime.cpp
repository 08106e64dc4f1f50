#include <loadwizard/isotime.h>

#include <cstdio>
#include <ctime>

namespace Loadwizard {

std::string isoTime(std::chrono::system_clock::time_point time)
{
    const auto millis =
        std::chrono::duration_cast<std::chrono::milliseconds>(time.time_since_epoch()).count();
    // Floored, so a time before 1970 keeps a fraction in [0, 999].
    const std::time_t seconds = std::time_t(millis / 1000 - (millis % 1000 < 0 ? 1 : 0));
    const int fraction = int((millis % 1000 + 1000) % 1000);
    std::tm parts{};
    gmtime_r(&seconds, &parts);
    char text[80];
    std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", parts.tm_year + 1900,
                  parts.tm_mon + 1, parts.tm_mday, parts.tm_hour, parts.tm_min, parts.tm_sec,
                  fraction);
    return text;
}

std::optional<std::chrono::system_clock::time_point> parseIsoTime(const std::string &text)
{
    std::tm utc{};
    int millis = 0;
    char zone = 0;
    if (std::sscanf(text.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d.%3d%c", &utc.tm_year, &utc.tm_mon,
                    &utc.tm_mday, &utc.tm_hour, &utc.tm_min, &utc.tm_sec, &millis, &zone) != 8 ||
        zone != 'Z')
        return std::nullopt;
    utc.tm_year -= 1900;
    utc.tm_mon -= 1;
    const std::time_t seconds = timegm(&utc);
    if (seconds == std::time_t(-1))
        return std::nullopt;
    return std::chrono::system_clock::from_time_t(seconds) + std::chrono::milliseconds(millis);
}

} // namespace Loadwizard
