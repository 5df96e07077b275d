// The 2023 spec's four operations in the mock, all on the caller's own user (like /users/me): list, delete
// and download (a zip of STORED entries) its files, and delete its training settings.
#include <string>
#include <variant>
#include <vector>

#include "mock/operations.hpp"
#include "mock/zip_writer.hpp"

namespace igtcloud::mock::detail {
namespace {

/// Every `keys` value of the query (collectionFormat multi), in order; or the 400 answer.
std::variant<std::vector<std::string>, answer> keys_of(std::string_view query)
{
    std::vector<std::string> keys;
    std::string name, value;
    while (!query.empty()) {
        auto const amp = query.find('&');
        auto const pair = query.substr(0, amp);
        query = amp == std::string_view::npos ? std::string_view{} : query.substr(amp + 1);
        auto const eq = pair.find('=');
        auto const raw_value = eq == std::string_view::npos ? std::string_view{} : pair.substr(eq + 1);
        if (!percent_decode(pair.substr(0, eq), name, true) || !percent_decode(raw_value, value, true))
            return message_answer(400, "keys: a broken percent-escape in the query");
        if (name != "keys") continue;
        if (value.empty()) return message_answer(400, "keys: a key must not be empty");
        keys.push_back(value);
    }
    if (keys.empty()) return message_answer(400, "keys: at least one key is required (?keys=K1&keys=K2)");
    return keys;
}

/// The caller's userUUID, or empty when its user does not exist (any more).
std::string caller_uuid(op_input const& in)
{
    auto const r = in.store.record_by_login(in.caller_login);
    return r ? r->user.user_uuid.value_or("") : std::string();
}

answer caller_gone()
{
    return message_answer(404, "The caller's user does not exist any more");
}

/// A zip entry name for a key: without leading '/', which unzip would strip with a warning.
std::string entry_name(std::string const& key)
{
    auto const start = key.find_first_not_of('/');
    return start == std::string::npos ? std::string("_") : key.substr(start);
}

} // namespace

answer get_user_files(op_input const& in)
{
    auto const uuid = caller_uuid(in);
    if (uuid.empty()) return caller_gone();
    return answer{200, files_json(in.files.list(uuid))};
}

answer delete_user_files(op_input const& in)
{
    auto const uuid = caller_uuid(in);
    if (uuid.empty()) return caller_gone();
    auto keys = keys_of(in.query);
    if (auto* refused = std::get_if<answer>(&keys)) return std::move(*refused);
    in.files.remove(uuid, std::get<std::vector<std::string>>(keys)); // unknown keys: nothing to delete
    return answer{204};
}

answer download_user_files(op_input const& in)
{
    auto const uuid = caller_uuid(in);
    if (uuid.empty()) return caller_gone();
    std::vector<zip_entry> entries;
    for (auto& r : in.files.list(uuid))
        entries.push_back(
            zip_entry{entry_name(r.file.key), r.file.file_size, r.crc, std::move(r.file.bytes)});
    auto zip = make_zip(entries);
    if (auto* why = std::get_if<std::string>(&zip))
        return message_answer(500, "Cannot zip the files: " + *why);
    answer a{200};
    a.content_type = "application/zip";
    a.parts = std::move(std::get<zip_archive>(zip).parts);
    return a;
}

answer delete_training_settings(op_input const& in)
{
    auto const uuid = caller_uuid(in);
    if (uuid.empty() || !in.store.clear_training_settings(uuid)) return caller_gone();
    return answer{204};
}

} // namespace igtcloud::mock::detail
