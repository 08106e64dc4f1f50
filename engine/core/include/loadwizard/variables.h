#pragma once

#include <loadwizard/error.h>

#include <string>
#include <string_view>

#include <tl/expected.hpp>

namespace Loadwizard {

/// Expands ${NAME} and ${NAME:-default} from the environment; an unset variable without a
/// default is an error naming `field`. "$${" stands for a literal "${". Values taken from the
/// environment are registered as secrets (secrets.h).
tl::expected<std::string, Error> expandVariables(std::string_view text, std::string_view field);

} // namespace Loadwizard
