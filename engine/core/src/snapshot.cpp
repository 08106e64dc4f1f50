#include <loadwizard/snapshot.h>

namespace Loadwizard {

std::string_view errorClassName(ErrorClass errorClass)
{
    switch (errorClass) {
    case ErrorClass::Connect:
        return "connect";
    case ErrorClass::Receive:
        return "receive";
    case ErrorClass::Dns:
        return "dns";
    case ErrorClass::Timeout:
        return "timeout";
    case ErrorClass::Tls:
        return "tls";
    case ErrorClass::Http4xx:
        return "http_4xx";
    case ErrorClass::Http5xx:
        return "http_5xx";
    case ErrorClass::Check:
        return "check";
    case ErrorClass::Exception:
        return "exception";
    case ErrorClass::Other:
        break;
    }
    return "other";
}

void Counters::add(const Counters &other)
{
    requests += other.requests;
    requestErrors += other.requestErrors;
    bytesIn += other.bytesIn;
    bytesOut += other.bytesOut;
    iterations += other.iterations;
    iterationsFailed += other.iterationsFailed;
    iterationsInterrupted += other.iterationsInterrupted;
    iterationsStarted += other.iterationsStarted;
    vuserInitFailures += other.vuserInitFailures;
    iterationsDropped += other.iterationsDropped;
    checksPassed += other.checksPassed;
    checksFailed += other.checksFailed;
    for (std::size_t i = 0; i < errors.size(); ++i)
        errors[i] += other.errors[i];
}

} // namespace Loadwizard
