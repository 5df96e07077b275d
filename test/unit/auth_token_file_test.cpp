// Unit tests of the token file shared with the Python client: its path, a fixture in the Python format,
// round trips, mode 0600, unsafe modes and owners, and every kind of damaged file.
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/test/unit_test.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

#include "entities/auth/base64.hpp"
#include "entities/auth/token_file.hpp"
#include "support/temp_dir.hpp"
#include <sys/stat.h>
#include <unistd.h>

namespace {

namespace auth = igtcloud::entities::detail::auth;
namespace fs = std::filesystem;
namespace json = boost::json;
using igtcloud::entities::error;

using igtcloud::test::temp_dir;

void write_raw(fs::path const& p, std::string const& bytes, mode_t mode = 0644)
{
    {
        std::ofstream out(p, std::ios::binary | std::ios::trunc);
        out << bytes;
    }
    BOOST_TEST_REQUIRE(::chmod(p.c_str(), mode) == 0);
}

// The JSON text auth.py's _save_data writes: json.dumps (", " and ": " separators) of sub, jwt, jwt_data,
// csrf, then domain.
std::string const python_json =
    R"({"sub": "ada@example.org", "jwt": "aGVhZGVy.cGF5bG9hZA.c2ln", "jwt_data": {"sub": "ada@example.org", )"
    R"("exp": 1900003600, "iat": 1900000000, "refresh_token": "r\u00e9"}, "csrf": "csrf-1", )"
    R"("domain": "https://igt-web-test.eu1.phsdp.com"})";

// The file as auth.py leaves it: 5 pages of NULs, then base64.b64encode(...) written over the start.
std::string python_file(std::string const& json_text = python_json)
{
    std::string content(5 * 4096, '\0');
    auto const line = auth::base64_encode(json_text);
    content.replace(0, line.size(), line);
    return content;
}

auth::token_file_data sample()
{
    return auth::token_file_data{"ada@example.org",
                                 "aGVhZGVy.cGF5bG9hZA.c2ln",
                                 json::parse(R"({"sub":"ada@example.org","exp":1900003600})").as_object(),
                                 "csrf-1",
                                 "https://igt-web-test.eu1.phsdp.com",
                                 std::nullopt};
}

std::string not_logged_in(fs::path const& p, std::optional<std::string_view> domain = std::nullopt)
{
    auto const r = auth::read_token_file(p, domain);
    BOOST_TEST_REQUIRE(!r.data.has_value());
    BOOST_TEST(r.reason.find(p.string()) != std::string::npos, r.reason);
    return r.reason;
}

bool has(std::string const& text, std::string_view part)
{
    return text.find(part) != std::string::npos;
}

} // namespace

BOOST_AUTO_TEST_SUITE(auth_token_file)

BOOST_AUTO_TEST_CASE(follows_environment_on_path)
{
    std::map<std::string, std::string, std::less<>> env;
    auto lookup = [&](std::string_view name) -> std::optional<std::string> {
        auto const it = env.find(name);
        return it == env.end() ? std::nullopt : std::optional<std::string>(it->second);
    };
    BOOST_TEST(auth::token_file_path(lookup) == fs::path("/tmp/igtcloud_auth_mmap"));
    env["TMPDIR"] = "";
    BOOST_TEST(auth::token_file_path(lookup) == fs::path("/tmp/igtcloud_auth_mmap"));
    env["TMPDIR"] = "/var/tmp/me";
    BOOST_TEST(auth::token_file_path(lookup) == fs::path("/var/tmp/me/igtcloud_auth_mmap"));
    env["CLOUD_TOKEN_MMAP"] = "/run/user/1000/igt";
    BOOST_TEST(auth::token_file_path(lookup) == fs::path("/run/user/1000/igt"));
    BOOST_TEST(auth::token_file_path({}) == fs::path("/tmp/igtcloud_auth_mmap"));
}

BOOST_AUTO_TEST_CASE(reads_members_on_python_written_file)
{
    temp_dir dir;
    write_raw(dir / "mmap", python_file());
    auto const r = auth::read_token_file(dir / "mmap", "igt-web-test.eu1.phsdp.com");
    BOOST_TEST_REQUIRE(r.data.has_value(), r.reason);
    BOOST_TEST(r.data->sub == "ada@example.org");
    BOOST_TEST(r.data->jwt == "aGVhZGVy.cGF5bG9hZA.c2ln");
    BOOST_TEST(r.data->csrf == "csrf-1");
    BOOST_TEST(r.data->domain == "https://igt-web-test.eu1.phsdp.com");
    BOOST_TEST(r.data->jwt_data.at("exp").to_number<std::int64_t>() == 1900003600);
    BOOST_TEST(r.data->jwt_data.at("refresh_token").as_string() == "r\xc3\xa9");
    BOOST_TEST(!r.data->key_file);
    // A line ended by a newline, and whitespace around it, read the same.
    write_raw(dir / "nl", " " + auth::base64_encode(python_json) + "\r\n" + "junk after the first line");
    BOOST_TEST(auth::read_token_file(dir / "nl").data.has_value());
}

BOOST_AUTO_TEST_CASE(reads_newer_login_on_python_rewrite_in_place)
{
    // auth.py's _save_data writes a refreshed login over the old one without clearing the file: a shorter
    // one leaves the old one's end behind it, with and without padding.
    temp_dir dir;
    auto longer = json::parse(python_json).as_object();
    longer["csrf"] = std::string(300, 'c');
    for (std::string const csrf : {"c", "cc", "ccc"}) {
        auto shorter = json::parse(python_json).as_object();
        shorter["csrf"] = csrf;
        std::string content = python_file(json::serialize(longer));
        auto const line = auth::base64_encode(json::serialize(shorter));
        content.replace(0, line.size(), line);
        write_raw(dir / "mmap", content);
        auto const r = auth::read_token_file(dir / "mmap");
        BOOST_TEST_REQUIRE(r.data.has_value(), r.reason);
        BOOST_TEST(r.data->csrf == csrf);
    }
}

BOOST_AUTO_TEST_CASE(reads_back_on_own_file)
{
    temp_dir dir;
    auto d = sample();
    d.key_file = "/home/ada/.igtcloud/service.pem";
    BOOST_TEST_REQUIRE(auth::write_token_file(dir / "mmap", d).has_value());
    auto const r = auth::read_token_file(dir / "mmap");
    BOOST_TEST_REQUIRE(r.data.has_value(), r.reason);
    BOOST_TEST(r.data->jwt == d.jwt);
    BOOST_TEST(r.data->csrf == d.csrf);
    BOOST_TEST(r.data->sub == d.sub);
    BOOST_TEST(r.data->domain == d.domain);
    BOOST_TEST(r.data->jwt_data == d.jwt_data);
    BOOST_TEST(*r.data->key_file == *d.key_file);
    // The Python layout: the base64 line, then NULs up to 20,480 bytes; nothing else in the folder.
    std::ifstream in(dir / "mmap", std::ios::binary);
    std::string const content{std::istreambuf_iterator<char>(in), {}};
    BOOST_TEST(content.size() == auth::token_file_size);
    auto const end = content.find('\0');
    BOOST_TEST(content.find_first_not_of('\0', end) == std::string::npos);
    auto const decoded = json::parse(auth::base64_decode(content.substr(0, end)).value()).as_object();
    BOOST_TEST(decoded.at("keyFile").as_string() == *d.key_file);
    BOOST_TEST(std::distance(fs::directory_iterator(dir.path), fs::directory_iterator()) == 1);
}

BOOST_AUTO_TEST_CASE(writes_mode_0600_on_any_umask)
{
    temp_dir dir;
    auto const old = ::umask(0);
    auto const w = auth::write_token_file(dir / "mmap", sample());
    ::umask(old);
    BOOST_TEST_REQUIRE(w.has_value());
    struct stat st {};
    BOOST_TEST_REQUIRE(::stat((dir / "mmap").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0600u);
    // Replacing a group-writable file leaves a 0600 one.
    write_raw(dir / "old", "x", 0666);
    BOOST_TEST_REQUIRE(auth::write_token_file(dir / "old", sample()).has_value());
    BOOST_TEST_REQUIRE(::stat((dir / "old").c_str(), &st) == 0);
    BOOST_TEST((st.st_mode & 07777) == 0600u);
    BOOST_TEST(auth::read_token_file(dir / "old").data.has_value());
}

BOOST_AUTO_TEST_CASE(replaces_symlink_not_target_on_write)
{
    temp_dir dir;
    write_raw(dir / "target", "precious", 0644);
    fs::create_symlink(dir / "target", dir / "mmap");
    BOOST_TEST_REQUIRE(auth::write_token_file(dir / "mmap", sample()).has_value());
    BOOST_TEST(!fs::is_symlink(dir / "mmap"));
    std::ifstream in(dir / "target");
    std::string target;
    in >> target;
    BOOST_TEST(target == "precious");
}

BOOST_AUTO_TEST_CASE(creates_folder_on_missing_parent)
{
    temp_dir dir;
    auto const p = dir.path / "a" / "b" / "mmap";
    BOOST_TEST_REQUIRE(auth::write_token_file(p, sample()).has_value());
    BOOST_TEST(auth::read_token_file(p).data.has_value());
}

BOOST_AUTO_TEST_CASE(names_path_on_write_failure)
{
    temp_dir dir;
    write_raw(dir / "file", "x");
    auto const p = dir.path / "file" / "mmap"; // the parent is a regular file
    auto const w = auth::write_token_file(p, sample());
    BOOST_TEST_REQUIRE(!w.has_value());
    BOOST_TEST((w.error().code == error::invalid_argument));
    BOOST_TEST(has(w.error().message, p.string()));
    auto big = sample();
    big.jwt_data["blob"] = std::string(70000, 'x');
    auto const too_large = auth::write_token_file(dir / "big", big);
    BOOST_TEST_REQUIRE(!too_large.has_value());
    BOOST_TEST(has(too_large.error().message, "too large"));
    BOOST_TEST(!fs::exists(dir / "big"));
}

BOOST_AUTO_TEST_CASE(refuses_on_group_or_other_writable)
{
    temp_dir dir;
    for (mode_t const mode : {0620, 0602, 0666, 0660}) {
        write_raw(dir / "mmap", python_file(), mode);
        auto const r = auth::read_token_file(dir / "mmap");
        BOOST_TEST(!r.data.has_value());
        BOOST_TEST(r.unsafe);
        BOOST_TEST(has(r.reason, (dir / "mmap").string()), r.reason);
        BOOST_TEST(has(r.reason, "writable by group or others"), r.reason);
    }
    for (mode_t const mode : {0600, 0644, 0400, 0640}) {
        write_raw(dir / "mmap", python_file(), mode);
        BOOST_TEST(auth::read_token_file(dir / "mmap").data.has_value(), "mode " << std::oct << mode);
    }
}

BOOST_AUTO_TEST_CASE(refuses_on_file_of_another_user)
{
    temp_dir dir;
    write_raw(dir / "mmap", python_file(), 0600);
    if (::geteuid() != 0) {
        BOOST_TEST_MESSAGE(
            "not root: cannot give a file to another user; checked only that ours is accepted");
        BOOST_TEST(auth::read_token_file(dir / "mmap").data.has_value());
        return;
    }
    BOOST_TEST_REQUIRE(::chown((dir / "mmap").c_str(), 65534, 65534) == 0);
    auto const r = auth::read_token_file(dir / "mmap");
    BOOST_TEST(!r.data.has_value());
    BOOST_TEST(r.unsafe);
    BOOST_TEST(has(r.reason, (dir / "mmap").string() + " is owned by another user"), r.reason);
}

BOOST_AUTO_TEST_CASE(is_not_logged_in_on_damaged_files)
{
    temp_dir dir;
    auto const p = dir / "mmap";
    BOOST_TEST(has(not_logged_in(p), "no token file"));
    write_raw(p, "");
    BOOST_TEST(has(not_logged_in(p), "is empty"));
    write_raw(p, std::string(20480, '\0'));
    BOOST_TEST(has(not_logged_in(p), "blank"));
    write_raw(p, "\x89PNG garbage \x01\x02 not base64 at all");
    BOOST_TEST(has(not_logged_in(p), "not base64"));
    auto const line = auth::base64_encode(python_json);
    write_raw(p, line.substr(0, line.size() / 2 + 1)); // truncated mid-line
    BOOST_TEST(has(not_logged_in(p), "truncated"));
    write_raw(p, line.substr(0, line.size() / 2 / 4 * 4)); // truncated on a quantum: the JSON is cut
    BOOST_TEST(has(not_logged_in(p), "does not hold JSON"));
    write_raw(p, python_file("[1, 2, 3]"));
    BOOST_TEST(has(not_logged_in(p), "not hold a JSON object"));
    for (char const* missing : {"sub", "jwt", "jwt_data", "csrf", "domain"}) {
        auto o = json::parse(python_json).as_object();
        o.erase(missing);
        write_raw(p, python_file(json::serialize(o)));
        BOOST_TEST(has(not_logged_in(p), std::string("\"") + missing + "\""), missing);
    }
    auto wrong_type = json::parse(python_json).as_object();
    wrong_type["jwt"] = 42;
    write_raw(p, python_file(json::serialize(wrong_type)));
    BOOST_TEST(has(not_logged_in(p), "\"jwt\""));
}

BOOST_AUTO_TEST_CASE(is_not_logged_in_without_reading_on_10mb_file)
{
    temp_dir dir;
    auto const p = dir / "mmap";
    write_raw(p, std::string(10 << 20, 'A'));
    auto const start = std::chrono::steady_clock::now();
    BOOST_TEST(has(not_logged_in(p), "larger than 65536 bytes"));
    BOOST_TEST((std::chrono::steady_clock::now() - start < std::chrono::milliseconds(200)));
    // A valid login followed by junk past the limit is refused as well (the Python client never writes one).
    write_raw(p, python_file() + std::string(70000, '\0'));
    BOOST_TEST(has(not_logged_in(p), "larger than"));
}

BOOST_AUTO_TEST_CASE(refuses_without_hanging_on_fifo_or_folder)
{
    temp_dir dir;
    BOOST_TEST_REQUIRE(::mkfifo((dir / "fifo").c_str(), 0600) == 0);
    BOOST_TEST(has(not_logged_in(dir / "fifo"), "not a regular file"));
    fs::create_directory(dir / "folder");
    auto const r = auth::read_token_file(dir / "folder");
    BOOST_TEST(!r.data.has_value());
    BOOST_TEST(has(r.reason, (dir / "folder").string()));
}

BOOST_AUTO_TEST_CASE(ignores_file_on_other_domain)
{
    temp_dir dir;
    write_raw(dir / "mmap", python_file());
    for (char const* same : {"igt-web-test.eu1.phsdp.com", "https://IGT-WEB-TEST.eu1.phsdp.com/api/auth",
                             "https://igt-web-test.eu1.phsdp.com:443", "igt-web-test.eu1.phsdp.com:443"})
        BOOST_TEST(auth::read_token_file(dir / "mmap", same).data.has_value(), same);
    for (char const* other : {"igt-web.eu1.phsdp.com", "http://igt-web-test.eu1.phsdp.com",
                              "https://igt-web-test.eu1.phsdp.com:8443", "evil.example"}) {
        auto const reason = not_logged_in(dir / "mmap", std::string_view(other));
        BOOST_TEST(has(reason, "another domain"), other);
    }
    BOOST_TEST(auth::same_domain("http://127.0.0.1:8080", "127.0.0.1:8080")); // an explicit port is compared
    BOOST_TEST(!auth::same_domain("http://127.0.0.1", "127.0.0.1"));          // 80 against https' 443
    BOOST_TEST(auth::same_domain("http://127.0.0.1:8080/api/auth", "http://127.0.0.1:8080"));
    BOOST_TEST(auth::same_domain("https://[::1]:9000", "[::1]:9000"));
    BOOST_TEST(!auth::same_domain("", ""));
}

BOOST_AUTO_TEST_SUITE_END()
