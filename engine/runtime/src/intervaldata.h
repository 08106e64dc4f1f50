#pragma once

#include <loadwizard/histogram.h>
#include <loadwizard/snapshot.h>

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

namespace Loadwizard::Engine {

/// One request name's or transaction's numbers for one interval on one worker.
struct NameRecord
{
    Histogram histogram;
    Histogram intended; ///< open model: from the intended start (empty, unallocated otherwise)
    std::uint64_t count = 0;
    std::uint64_t errors = 0;
    // libcurl's timing breakdown, summed in microseconds (requests only).
    std::uint64_t dnsMicros = 0;
    std::uint64_t connectMicros = 0;
    std::uint64_t tlsMicros = 0;
    std::uint64_t ttfbMicros = 0;
    std::uint64_t totalMicros = 0;

    void reset();
    void merge(const NameRecord &other);
};

/// How often one error message was seen, with a sample of the first failed request's exchange.
struct ErrorTally
{
    ErrorClass errorClass = ErrorClass::Other;
    std::uint64_t count = 0;
    std::string sample;
};

/// What one group's vusers recorded on one worker during one interval.
struct GroupRecord
{
    std::unordered_map<std::string, NameRecord> requests;
    std::unordered_map<std::string, NameRecord> transactions;
    std::unordered_map<std::string, CheckStats> checks;
    Histogram allRequests;
    Histogram allIntended; ///< open model only
    Counters counters;

    void reset();
};

/// What one worker recorded during one reporting interval. Owned by exactly one thread at a
/// time: the worker while recording, the reporter after the hand-over; then reset and handed
/// back, so names and histogram buffers stay allocated (no allocation on the request path).
struct IntervalData
{
    static constexpr std::size_t maxEvents = 200;

    explicit IntervalData(std::size_t groupCount)
        : groups(groupCount)
    {}

    int worker = -1; ///< who recorded it, to hand it back

    /// One per group of the run (RunShared::groups), in its order.
    std::vector<GroupRecord> groups;
    std::vector<LogEvent> events;
    std::uint64_t eventsDropped = 0;
    /// Every error event's message, counted (events beyond maxEvents are dropped, not these),
    /// at most maxErrorMessages distinct ones per interval; the rest under one key.
    static constexpr std::size_t maxErrorMessages = 100;
    std::unordered_map<std::string, ErrorTally> errorMessages;
    /// Bounded by count and bytes: a worker never waits for the terminal, it drops (and counts).
    static constexpr std::size_t maxTraceLines = 2000;
    static constexpr std::size_t maxTraceBytes = 4 << 20;
    std::vector<TraceLine> trace;
    std::size_t traceBytes = 0;
    std::uint64_t traceDropped = 0;

    void reset();
    void addEvent(LogEvent event);
    void countError(const std::string &message, ErrorClass errorClass, std::string sample = {});
    /// Whether an error with this message would keep a sample (its first this interval).
    bool wantsSample(const std::string &message) const
    {
        return errorMessages.size() < maxErrorMessages && !errorMessages.contains(message);
    }
    void addTrace(TraceLine line);
};

} // namespace Loadwizard::Engine
