#include <loadwizard/urlparts.h>

#include <memory>

#include <curl/curl.h>

namespace Loadwizard::Engine {

namespace {

struct UrlHandleDeleter
{
    void operator()(CURLU *url) const { curl_url_cleanup(url); }
};

struct CurlStringDeleter
{
    void operator()(char *text) const { curl_free(text); }
};

/// One part of `url`, empty when absent; nullopt when libcurl cannot decode it.
std::optional<std::string> part(CURLU *url, CURLUPart which, unsigned flags = 0)
{
    char *value = nullptr;
    const CURLUcode code = curl_url_get(url, which, &value, flags);
    std::unique_ptr<char, CurlStringDeleter> owned(value);
    if (code == CURLUE_OK)
        return std::string(value);
    if (code == CURLUE_URLDECODE || code == CURLUE_OUT_OF_MEMORY)
        return std::nullopt;
    return std::string(); // CURLUE_NO_USER, CURLUE_NO_PORT, …: the part is absent
}

} // namespace

std::string UrlParts::origin() const
{
    return scheme + "://" + host + (port.empty() ? std::string() : ':' + port);
}

tl::expected<UrlParts, UrlError> splitUrl(std::string_view url)
{
    // libcurl reads "http:///db" as the host "db"; a user who wrote it forgot the host.
    if (const auto scheme = url.find("://");
        scheme != std::string_view::npos && url.substr(scheme + 3).starts_with('/'))
        return tl::unexpected(UrlError{true, "No host part in the URL"});
    std::unique_ptr<CURLU, UrlHandleDeleter> handle(curl_url());
    if (!handle)
        return tl::unexpected(UrlError{false, "out of memory"});
    const std::string text(url);
    // Schemes libcurl does not speak (tcp://) still split the same way.
    const CURLUcode code =
        curl_url_set(handle.get(), CURLUPART_URL, text.c_str(), CURLU_NON_SUPPORT_SCHEME);
    if (code != CURLUE_OK)
        return tl::unexpected(UrlError{code == CURLUE_NO_HOST, curl_url_strerror(code)});

    UrlParts parts;
    const auto user = part(handle.get(), CURLUPART_USER, CURLU_URLDECODE);
    const auto password = part(handle.get(), CURLUPART_PASSWORD, CURLU_URLDECODE);
    if (!user || !password)
        return tl::unexpected(UrlError{false, "user name or password decodes to control "
                                              "characters"});
    parts.user = *user;
    parts.password = *password;
    parts.scheme = part(handle.get(), CURLUPART_SCHEME).value_or(std::string());
    parts.host = part(handle.get(), CURLUPART_HOST).value_or(std::string());
    parts.port = part(handle.get(), CURLUPART_PORT).value_or(std::string());
    parts.path = part(handle.get(), CURLUPART_PATH).value_or(std::string("/"));
    parts.query = part(handle.get(), CURLUPART_QUERY).value_or(std::string());
    parts.fragment = part(handle.get(), CURLUPART_FRAGMENT).value_or(std::string());
    if (parts.host.empty())
        return tl::unexpected(UrlError{true, "No host part in the URL"});
    return parts;
}

std::string percentDecoded(std::string_view text)
{
    int length = 0;
    // The handle argument has been unused since libcurl 7.82.
    std::unique_ptr<char, CurlStringDeleter> decoded(
        curl_easy_unescape(nullptr, text.data(), int(text.size()), &length));
    return decoded ? std::string(decoded.get(), std::size_t(length)) : std::string();
}

std::optional<std::string> queryComponentDecoded(std::string_view text)
{
    // libcurl decodes leniently (a stray '%' stays); an option value with a typo in an escape
    // is refused instead, so this one check stays hand-written.
    const auto isHex = [](char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    };
    std::string spaced(text);
    for (std::size_t i = 0; i < spaced.size(); ++i) {
        if (spaced[i] == '+')
            spaced[i] = ' ';
        else if (spaced[i] == '%' &&
                 (i + 2 >= spaced.size() || !isHex(spaced[i + 1]) || !isHex(spaced[i + 2])))
            return std::nullopt;
    }
    return percentDecoded(spaced);
}

} // namespace Loadwizard::Engine
