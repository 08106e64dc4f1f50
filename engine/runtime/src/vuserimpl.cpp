#include "vuserimpl.h"

#include "clock.h"
#include "worker.h"

#include <loadwizard/vuserstate.h>

#include <loadwizard/httpsyntax.h>

#include <algorithm>
#include <cassert>
#include <filesystem>
#include <stdexcept>
#include <type_traits>

namespace Loadwizard::Engine {

namespace {

const std::string emptyString;

} // namespace

VuserImpl::VuserImpl(Worker &worker, std::uint64_t id, std::uint64_t seed, int group)
    : worker(worker)
    , group(group)
    , m_id(id)
{
    // splitmix64 walks its state by a fixed step: states seeded id·step apart would be each
    // other's later draws (vuser 1's second uuid() was vuser 2's first). Its finaliser scatters
    // the seeds over the whole state space instead.
    std::uint64_t z = seed + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    m_random = z ^ (z >> 31);
}

VuserImpl::~VuserImpl()
{
    if (share)
        curl_share_cleanup(share); // closes its connections
}

void VuserImpl::beginWait(Wait wait)
{
    assert(!isWaiting());
    m_wait = wait;
    suspended = true;
}

std::coroutine_handle<> VuserImpl::endWait()
{
    const std::coroutine_handle<> handle = std::visit(
        [](const auto &wait) -> std::coroutine_handle<> {
            if constexpr (std::is_same_v<std::decay_t<decltype(wait)>, NoWait>)
                return {};
            else
                return wait.handle;
        },
        m_wait);
    m_wait = NoWait{};
    return handle;
}

VuserImpl::SleepWait *VuserImpl::sleepWait(std::uint64_t token)
{
    auto *sleep = std::get_if<SleepWait>(&m_wait);
    return sleep && sleep->token == token ? sleep : nullptr;
}

VuserImpl::RendezvousWait *VuserImpl::rendezvousWait(std::uint64_t token)
{
    auto *rendezvous = std::get_if<RendezvousWait>(&m_wait);
    return rendezvous && rendezvous->token == token ? rendezvous : nullptr;
}

bool VuserImpl::check(std::string_view name, bool ok)
{
    if (interrupting)
        return ok;
    auto &data = worker.record(*this);
    const std::string given(name);
    const std::string &shown = worker.cappedName(NameKind::Check, given, *this); // given, or not
    auto it = data.checks.find(shown);
    if (it == data.checks.end())
        it = data.checks.emplace(shown, CheckStats{}).first;
    if (ok) {
        ++it->second.passes;
        ++data.counters.checksPassed;
    } else {
        ++it->second.fails;
        ++data.counters.checksFailed;
        ++data.counters.errors[std::size_t(ErrorClass::Check)];
        ++errorCount;
        worker.logEvent(*this, "warning", "check failed: " + std::string(name), ErrorClass::Check);
    }
    return ok;
}

void VuserImpl::beginTransaction(std::string_view name)
{
    m_transactions.push_back({std::string(name), nowNs(), thinkMicros, errorCount});
}

void VuserImpl::endTransaction(std::string_view name, TransactionStatus status)
{
    // The innermost open transaction of that name (transactions may nest).
    auto it = std::find_if(m_transactions.rbegin(), m_transactions.rend(),
                           [&](const OpenTransaction &t) { return t.name == name; });
    if (it == m_transactions.rend()) {
        log("endTransaction(\"" + std::string(name) + "\") without beginTransaction");
        return;
    }
    OpenTransaction open = std::move(*it);
    m_transactions.erase(std::next(it).base());
    if (interrupting)
        return;

    const bool failed = status == TransactionStatus::Fail ||
                        (status == TransactionStatus::Auto && errorCount != open.errorsAtStart);
    const std::uint64_t wallMicros = (nowNs() - open.startNs) / 1000;
    const std::uint64_t thought = thinkMicros - open.thinkMicrosAtStart;
    const std::uint64_t micros = wallMicros > thought ? wallMicros - thought : 0;

    auto &record = worker.record(*this)
                       .transactions[worker.cappedName(NameKind::Transaction, open.name, *this)];
    ++record.count;
    record.histogram.record(micros);
    record.totalMicros += micros;
    if (failed)
        ++record.errors;
}

void VuserImpl::closeOpenTransactions(bool record)
{
    while (!m_transactions.empty()) {
        if (record)
            endTransaction(std::string(m_transactions.back().name), TransactionStatus::Fail);
        else
            m_transactions.pop_back();
    }
}

const std::string &VuserImpl::param(std::string_view name) const
{
    const auto &parameters = worker.group(*this).config.parameters;
    auto it = parameters.find(name);
    if (it == parameters.end()) {
        std::string declared;
        for (const auto &[key, value] : parameters)
            declared += (declared.empty() ? "" : ", ") + key;
        throw std::out_of_range("scenario parameter \"" + std::string(name) +
                                "\" is not declared by the plugin (declared: " +
                                (declared.empty() ? std::string("none") : declared) + ")");
    }
    return it->second;
}

std::uint64_t VuserImpl::random64()
{
    // splitmix64 (Steele, Lea, Flood 2014): tiny state, good enough for think times and data.
    std::uint64_t z = (m_random += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

double VuserImpl::uniform(double min, double max)
{
    const double unit = double(random64() >> 11) * 0x1.0p-53;
    return min + (max - min) * unit;
}

int VuserImpl::workerIndex() const
{
    return worker.index();
}

double VuserImpl::elapsed() const
{
    return worker.elapsedSeconds();
}

void VuserImpl::setBaseUrl(std::string url)
{
    if (!m_overrides)
        m_overrides = std::make_unique<Overrides>();
    m_overrides->hasBaseUrl = !url.empty();
    m_overrides->baseUrl = std::move(url);
}

const std::string &VuserImpl::baseUrl() const
{
    return m_overrides && m_overrides->hasBaseUrl ? m_overrides->baseUrl
                                                  : worker.shared().config.http.baseUrl;
}

void VuserImpl::setDefaultHeader(std::string name, std::string value)
{
    if (const std::string problem = headerProblem(name, value); !problem.empty())
        throw std::invalid_argument("setDefaultHeader: " + problem);
    if (!m_overrides)
        m_overrides = std::make_unique<Overrides>();
    auto &headers = m_overrides->headers;
    std::erase_if(headers, [&](const Header &h) { return Detail::sameLetters(h.name, name); });
    if (!value.empty())
        headers.push_back({std::move(name), std::move(value)});
}

std::vector<Cookie> VuserImpl::cookies() const
{
    return worker.cookies(*this);
}

void VuserImpl::setCookie(const Cookie &cookie)
{
    worker.setCookie(*this, cookie);
}

void VuserImpl::clearCookies()
{
    worker.clearCookies(*this);
}

void VuserImpl::log(std::string_view message)
{
    worker.logEvent(*this, "info", std::string(message), ErrorClass::Other);
}

DataRow VuserImpl::data(std::string_view name)
{
    DataFeeder *feeder = worker.feeder(name, group);
    if (!feeder) {
        std::string known;
        for (const auto &own : worker.group(*this).feeders)
            known += (known.empty() ? "" : ", ") + own->feed().name;
        for (const auto &feed : worker.shared().config.data)
            known += (known.empty() ? "" : ", ") + feed.name;
        throw std::out_of_range("no data feeder \"" + std::string(name) + "\" (" +
                                (known.empty()
                                     ? std::string("the project declares none under data:")
                                     : "the project has: " + known) +
                                ")");
    }
    const DataFeed &feed = feeder->feed();
    const auto draw =
        feeder->draw(m_id, feed.strategy == DataStrategy::Random ? uniform(0, 1) : 0.0);
    if (!draw.exhausted)
        return DataRow(feed.table.get(), draw.row);
    const std::string used =
        "data " + feed.name + ": all " + std::to_string(feed.table->rowCount()) + " rows used";
    if (draw.firstExhaustion) {
        worker.logEvent(*this, "warning",
                        used + (feed.onExhausted == DataExhaustion::StopRun
                                    ? "; stopping the run"
                                    : "; stopping vusers that ask for more"),
                        ErrorClass::Other);
    }
    throw StopVuser(used);
}

const std::string &VuserImpl::projectDir() const
{
    return worker.shared().config.projectDir;
}

std::string VuserImpl::resolvePath(std::string_view path) const
{
    const std::filesystem::path given(path);
    const std::string &folder = projectDir();
    if (given.is_absolute() || folder.empty())
        return std::string(path);
    return (std::filesystem::path(folder) / given).lexically_normal().string();
}

double VuserImpl::scaledThinkTime(double seconds) const
{
    const auto &settings = worker.shared().config.thinkTime;
    double scaled = std::max(0.0, seconds * settings.multiplier);
    if (settings.maxSeconds > 0)
        scaled = std::min(scaled, settings.maxSeconds);
    return scaled;
}

void VuserImpl::startRequest(Detail::RequestAwaitable &op, std::coroutine_handle<> handle)
{
    worker.startRequest(*this, op, handle);
}

void VuserImpl::startSleep(const Detail::SleepAwaitable &op, std::coroutine_handle<> handle)
{
    worker.startSleep(*this, op.seconds, op.thinkTime, handle);
}

void VuserImpl::startRendezvous(Detail::RendezvousAwaitable &op, std::coroutine_handle<> handle)
{
    worker.startRendezvous(*this, op, handle);
}

} // namespace Loadwizard::Engine

namespace Loadwizard::Engine {

std::shared_ptr<void> &engineState(Vuser &vuser)
{
    return static_cast<VuserImpl &>(vuser).engineState;
}

} // namespace Loadwizard::Engine
