#pragma once

// File (2023 spec): one file of the caller's storage, as GET /users/files lists it.
// Plain values: copy, compare and move them freely; thread safety as for any value type.

#include <igtcloud/entities/models/common.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace igtcloud::entities {

/// File (2023 spec): one stored file of the caller, an element of GET /users/files' answer. The spec requires
/// `key` and `fileSize`, but like every model's they are optional here: an X-Fields mask may leave them out.
/// The other members are read-only on the service's side.
struct IGTCLOUD_ENTITIES_DECL user_file {
    std::optional<std::string> key{};                  ///< `key`: names the file (async_delete_user_files)
    std::optional<std::string> file_name{};            ///< `fileName`
    std::optional<bool> is_completed{};                ///< `isCompleted`: the upload has finished
    std::optional<bool> is_new{};                      ///< `isNew`
    std::optional<std::string> upload_id{};            ///< `uploadId`: of a multipart upload
    std::optional<std::int64_t> progress_percentage{}; ///< `progressPercentage`: of the upload, 0-100
    std::optional<std::string> type{};                 ///< `type`: the file's kind
    std::optional<std::int64_t> file_size{};           ///< `fileSize`: bytes
    std::optional<std::int64_t> progress_in_bytes{};   ///< `progressInBytes`: bytes uploaded so far
    /// Member-wise equality.
    friend bool operator==(user_file const&, user_file const&) = default;
};

} // namespace igtcloud::entities
