#pragma once

#include <loadwizard/snapshot.h>
#include <loadwizard/thresholdevaluator.h>

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

namespace Loadwizard {

/// What the JUnit report says about the run besides the results.
struct JUnitRun
{
    std::string suite;                             ///< the testsuite's name: the project's
    std::chrono::system_clock::time_point started; ///< the timestamp (UTC, no zone)
    std::string hostname;                          ///< empty: this machine's
    /// What went wrong with the run itself, besides its thresholds (runVerdict() of no
    /// thresholds: stopped, incomplete, every request failed…); empty for a run that completed.
    std::string problem;
};

/// A JUnit XML report (Apache Ant's schema, which Jenkins, GitLab and most CI systems read): one
/// test case per threshold (classname "loadwizard.thresholds") and per check ("loadwizard.checks");
/// a failed check carries its pass and fail counts in the failure's message. In a run with
/// groups the checks are each group's ("loadwizard.checks.GROUP"), and a threshold with
/// {group=NAME} has the classname "loadwizard.thresholds.NAME". First comes one test case for
/// the run itself (classname "loadwizard", name "run"), an error when the run did not complete
/// (JUnitRun::problem), so that a crashed or stopped run is never a green build.
std::string junitReport(const Snapshot &snapshot, const std::vector<ThresholdResult> &thresholds,
                        const JUnitRun &run);

/// Text as XML 1.0 character data or an attribute value: markup escaped, characters XML does not
/// allow (control characters, invalid UTF-8, U+FFFE/U+FFFF) replaced with U+FFFD.
std::string xmlEscaped(std::string_view text);

} // namespace Loadwizard
