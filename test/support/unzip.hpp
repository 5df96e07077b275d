// Zip archives checked by Debian's `unzip` binary as a process (scripts/install-deps.sh installs it): unzip
// -t, and extraction into a folder whose files are then compared with what the server stored.
#pragma once

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "support/process.hpp"

namespace igtcloud::test {

inline constexpr char const* unzip_binary = "/usr/bin/unzip";

/// Runs unzip with `args`: its exit status, and its stdout in `out`.
inline int run_unzip(std::vector<std::string> args, std::string& out)
{
    BOOST_TEST_REQUIRE(std::filesystem::exists(unzip_binary),
                       "unzip is missing: run scripts/install-deps.sh");
    process p(unzip_binary, std::move(args));
    out.clear();
    for (auto line = p.line(); !line.empty(); line = p.line())
        out += line;
    return p.wait_exit();
}

/// The bytes of the file at `p` ("" when it cannot be read).
inline std::string file_bytes(std::filesystem::path const& p)
{
    std::ifstream in(p, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

/// Every regular file below `root`, by its path relative to it, with its content.
inline std::map<std::string, std::string> tree_of(std::filesystem::path const& root)
{
    std::map<std::string, std::string> out;
    for (auto const& e : std::filesystem::recursive_directory_iterator(root))
        if (e.is_regular_file())
            out[std::filesystem::relative(e.path(), root).string()] = file_bytes(e.path());
    return out;
}

} // namespace igtcloud::test
