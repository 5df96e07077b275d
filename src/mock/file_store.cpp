// The mock's per-user file store, and the File JSON of its listing.
#include "mock/file_store.hpp"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include <array>
#include <limits>
#include <stdexcept>
#include <utility>

namespace igtcloud::mock::detail {
namespace {

/// The last '/'-separated segment of a key (the whole key when it has none).
std::string name_of(std::string_view key)
{
    auto const slash = key.rfind('/');
    return std::string(slash == std::string_view::npos ? key : key.substr(slash + 1));
}

/// A media type from the name's extension (case-sensitive, as the mock's own keys are lower case).
std::string type_of(std::string_view name)
{
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 7> types{{
        {".json", "application/json"},
        {".txt", "text/plain"},
        {".csv", "text/csv"},
        {".zip", "application/zip"},
        {".png", "image/png"},
        {".jpg", "image/jpeg"},
        {".dcm", "application/dicom"},
    }};
    for (auto const& [ext, type] : types)
        if (name.ends_with(ext)) return std::string(type);
    return "application/octet-stream";
}

} // namespace

void file_store::put(std::string const& user_uuid, std::string key, std::shared_ptr<std::string const> bytes,
                     std::uint32_t crc)
{
    if (key.empty()) throw std::invalid_argument("igtcloud::mock: a file key must not be empty");
    if (!bytes) bytes = std::make_shared<std::string const>();
    if (bytes->size() >= std::numeric_limits<std::uint32_t>::max())
        throw std::length_error("igtcloud::mock: a file of 4 GiB or more cannot be zipped without ZIP64");
    file_record r;
    r.file.file_name = name_of(key);
    r.file.type = type_of(r.file.file_name);
    r.file.file_size = bytes->size();
    r.file.bytes = std::move(bytes);
    r.file.key = key;
    r.crc = crc;
    std::lock_guard lock{mutex_};
    by_user_[user_uuid].insert_or_assign(std::move(key), std::move(r));
}

std::vector<file_record> file_store::list(std::string_view user_uuid) const
{
    std::lock_guard lock{mutex_};
    std::vector<file_record> out;
    auto it = by_user_.find(user_uuid);
    if (it == by_user_.end()) return out;
    out.reserve(it->second.size());
    for (auto const& [key, r] : it->second)
        out.push_back(r);
    return out;
}

std::size_t file_store::remove(std::string_view user_uuid, std::vector<std::string> const& keys)
{
    std::lock_guard lock{mutex_};
    auto it = by_user_.find(user_uuid);
    if (it == by_user_.end()) return 0;
    std::size_t removed = 0;
    for (auto const& k : keys)
        removed += it->second.erase(k);
    return removed;
}

void file_store::remove_user(std::string_view user_uuid)
{
    std::lock_guard lock{mutex_};
    if (auto it = by_user_.find(user_uuid); it != by_user_.end()) by_user_.erase(it);
}

std::string files_json(std::vector<file_record> const& files)
{
    boost::json::array out;
    out.reserve(files.size());
    for (auto const& r : files) {
        auto const size = static_cast<std::int64_t>(r.file.file_size);
        out.push_back(boost::json::object{{"key", r.file.key},
                                          {"fileName", r.file.file_name},
                                          {"fileSize", size},
                                          {"type", r.file.type},
                                          {"isCompleted", r.file.is_completed},
                                          {"isNew", false},
                                          {"progressPercentage", 100},
                                          {"progressInBytes", size}});
    }
    return boost::json::serialize(out);
}

} // namespace igtcloud::mock::detail
