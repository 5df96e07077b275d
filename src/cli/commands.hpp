#pragma once

// igtcloud-users: runs a parsed command line against the service (or the embedded mock) and returns the
// process's exit code.

#include <igtcloud/entities/options.hpp>

#include "cli/arguments.hpp"

namespace igtcloud::cli {

/// The session's settings from the global options (--mock already resolved into url and tokens).
entities::session_options session_options_for(global_options const& g);

/// The per-operation settings from the global options (--fields).
entities::request_options request_options_for(global_options const& g);

/// Runs `inv`: starts the mock server for --mock, opens the session, runs the command, prints its output.
int run(invocation inv);

} // namespace igtcloud::cli
