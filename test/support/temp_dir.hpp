// A fresh folder under the temp dir for one test, removed at the end: the one every test that writes files
// uses (token files, keys, downloads, CLI outputs).
#pragma once

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

#include <stdlib.h>
#include <sys/stat.h>

namespace igtcloud::test {

struct temp_dir {
    std::filesystem::path path;
    temp_dir()
    {
        std::string pattern = (std::filesystem::temp_directory_path() / "igtcloud-test-XXXXXX").string();
        BOOST_TEST_REQUIRE(::mkdtemp(pattern.data()) != nullptr);
        path = pattern;
    }
    ~temp_dir()
    {
        std::error_code ec;
        std::filesystem::remove_all(path, ec);
    }
    temp_dir(temp_dir const&) = delete;
    temp_dir& operator=(temp_dir const&) = delete;

    std::filesystem::path operator/(std::string_view name) const { return path / name; }
    /// The path of `name` in the folder, as a string.
    std::string file(std::string_view name) const { return (path / name).string(); }
    /// Writes `text` to `name` with `mode`; its path.
    std::string write(std::string_view name, std::string_view text, unsigned mode = 0600) const
    {
        auto const p = file(name);
        std::ofstream(p, std::ios::binary | std::ios::trunc) << text;
        ::chmod(p.c_str(), mode);
        return p;
    }
};

} // namespace igtcloud::test
