#include "intervaldata.h"

namespace Loadwizard::Engine {

void NameRecord::reset()
{
    histogram.reset();
    intended.reset();
    count = errors = 0;
    dnsMicros = connectMicros = tlsMicros = ttfbMicros = totalMicros = 0;
}

void NameRecord::merge(const NameRecord &other)
{
    histogram.merge(other.histogram);
    intended.merge(other.intended);
    count += other.count;
    errors += other.errors;
    dnsMicros += other.dnsMicros;
    connectMicros += other.connectMicros;
    tlsMicros += other.tlsMicros;
    ttfbMicros += other.ttfbMicros;
    totalMicros += other.totalMicros;
}

void GroupRecord::reset()
{
    for (auto &[name, record] : requests)
        record.reset();
    for (auto &[name, record] : transactions)
        record.reset();
    for (auto &[name, check] : checks)
        check = {};
    allRequests.reset();
    allIntended.reset();
    counters = {};
}

void IntervalData::reset()
{
    for (GroupRecord &group : groups)
        group.reset();
    events.clear();
    eventsDropped = 0;
    errorMessages.clear();
    trace.clear();
    traceBytes = 0;
    traceDropped = 0;
}

void IntervalData::countError(const std::string &message, ErrorClass errorClass, std::string sample)
{
    static const std::string other = "(other messages)";
    auto it = errorMessages.find(message);
    if (it == errorMessages.end()) {
        const bool room = errorMessages.size() < maxErrorMessages;
        it = errorMessages.try_emplace(room ? message : other, ErrorTally{errorClass, 0, {}}).first;
        if (room)
            it->second.sample = std::move(sample);
    }
    ++it->second.count;
}

void IntervalData::addEvent(LogEvent event)
{
    if (events.size() < maxEvents)
        events.push_back(std::move(event));
    else
        ++eventsDropped;
}

void IntervalData::addTrace(TraceLine line)
{
    if (trace.size() < maxTraceLines && traceBytes + line.text.size() <= maxTraceBytes) {
        traceBytes += line.text.size();
        trace.push_back(std::move(line));
    } else {
        ++traceDropped;
    }
}

} // namespace Loadwizard::Engine
