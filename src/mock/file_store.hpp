#pragma once

// The mock's per-user store of files (the 2023 spec's File, with its bytes and their CRC-32), keyed by
// userUUID. Thread-safe. The bytes are immutable shared buffers: a listing or a download shares them, never
// copies.

#include <igtcloud/mock/server.hpp>

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace igtcloud::mock::detail {

/// A stored file and the CRC-32 of its bytes (computed once, when stored).
struct file_record {
    stored_file file{};
    std::uint32_t crc{};
};

class file_store {
public:
    /// Stores `bytes` under `key` for the user, replacing a file with that key. `crc` must be crc32(*bytes).
    /// Throws std::invalid_argument for an empty key, std::length_error for 4 GiB or more.
    void put(std::string const& user_uuid, std::string key, std::shared_ptr<std::string const> bytes,
             std::uint32_t crc);
    /// The user's files in key order (byte-wise).
    std::vector<file_record> list(std::string_view user_uuid) const;
    /// Removes the user's files with these keys; keys the user has not are ignored. Returns how many went.
    std::size_t remove(std::string_view user_uuid, std::vector<std::string> const& keys);
    /// Forgets every file of the user (the user was deleted).
    void remove_user(std::string_view user_uuid);

private:
    mutable std::mutex mutex_;
    std::map<std::string, std::map<std::string, file_record>, std::less<>> by_user_;
};

/// The JSON array of File that GET /users/files answers for `files`.
std::string files_json(std::vector<file_record> const& files);

} // namespace igtcloud::mock::detail
