// igtcloud-users: the IGT Cloud Users API from the shell, and batch provisioning (DESIGN.md §5).
//
// Exit codes: 0 success, 1 API error (4xx/5xx; provision: an item failed or the run was interrupted),
// 2 usage error, 3 transport, TLS or timeout error.
#include <exception>

#include "cli/arguments.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"

int main(int argc, char** argv)
{
    namespace cli = igtcloud::cli;
    int exit_code = cli::exit_success;
    auto inv = cli::parse_command_line(argc, argv, exit_code);
    if (!inv) return exit_code;
    try {
        return cli::run(std::move(*inv));
    } catch (std::exception const& e) { // a bug or resource exhaustion: still one error line
        cli::print_error(0, e.what());
        return cli::exit_transport;
    }
}
