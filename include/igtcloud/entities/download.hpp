#pragma once

// Where a download's bytes go (DESIGN.md §7): storage_files_api::async_download_user_files streams the
// caller's zip archive of any size into a download_sink, never holding it whole in memory.
//
//   download_sink::file(PATH)           bytes -> PATH.part -> (complete) fsync, rename to PATH
//                                        (failed, cancelled, shut down) PATH.part removed, PATH untouched
//   download_sink::callable(write[, restart])
//                                        bytes -> write(chunk) ... ; a retry after bytes: restart(), then
//                                        write() from the first byte again; no restart: no retry after bytes
//   .on_progress(f)                      f(received, total) after each chunk, for either kind
//
// The retry rule: the download (a GET) is retried like every safe operation (transport failures, 429, 502,
// 503, 504, within the deadline and the retry budget). Error answers never reach the sink: their bodies are
// read as error text (under max_response_bytes). Once bytes of a success answer reached the sink, a retry
// starts the body over: a file sink truncates its `.part` file, a callable sink is told by `restart` (and
// without one the download is not retried: it fails with the transport error, `write` having seen a prefix).

#include <igtcloud/entities/config.hpp>

#include <boost/system/error_code.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>

namespace igtcloud::entities {

/// A chunk of a download's bytes: valid during the call that receives it only.
using byte_chunk = std::span<std::byte const>;

/// Where async_download_user_files writes the archive: a file, or a callable taking byte chunks. Made by
/// file() or callable(); a default-constructed sink is refused by the download (error::invalid_argument,
/// nothing sent). Copyable (the callables are copied).
///
/// Calls into the sink (`write`, `restart`, the progress hook) happen one at a time, in order, on one of the
/// session's I/O threads (not on the completion handler's executor), and all of them before the download's
/// completion handler runs. They must not block for long: the connection's I/O waits for them. An exception
/// thrown by one of them ends the download with `boost::system::errc::io_error` (its what() in the message).
class IGTCLOUD_ENTITIES_DECL download_sink {
public:
    /// Receives the next chunk of the body. A non-zero error aborts the download with that error as
    /// api_error::code (not retried); the sink is not called again.
    using write_function = std::function<boost::system::error_code(byte_chunk)>;
    /// Starts the sink over before a retry sends the body again from its first byte. A non-zero error ends
    /// the download with it.
    using restart_function = std::function<boost::system::error_code()>;
    /// Told, after each chunk, the bytes received so far and the body's size when the server announced it
    /// (Content-Length; none for a chunked answer). Starts from 0 again after a restart.
    using progress_function = std::function<void(std::uint64_t received, std::optional<std::uint64_t> total)>;

    /// Not a usable sink: see file() and callable().
    download_sink() = default;

    /// Writes the archive to `path`: into `path` + ".part" (created, or truncated, when a success answer's
    /// head arrives; mode 0666 less the umask), which is flushed to disk and renamed to `path` once the body
    /// is complete, replacing any file there. On any failure, cancellation or shutdown the `.part` file is
    /// removed and `path` is left as it was. A retry truncates the `.part` file and starts over. An empty
    /// path, a path naming a directory, or one whose parent directory does not exist fails the download with
    /// error::invalid_argument before anything is sent. Two downloads to one path at once are not supported.
    static download_sink file(std::filesystem::path path);

    /// Hands the archive's bytes to `write`, in order, as they arrive; `restart`, when given, lets a retry
    /// start the body over after bytes reached `write` (see the header comment). An empty `write` is refused
    /// by the download (error::invalid_argument, nothing sent).
    static download_sink callable(write_function write, restart_function restart = {});

    /// Sets the progress hook (replacing any earlier one) and returns the sink.
    download_sink& on_progress(progress_function progress) &;
    /// Sets the progress hook (replacing any earlier one) and returns the sink.
    download_sink&& on_progress(progress_function progress) &&;

    /// The file sink's path (empty for a callable sink).
    std::filesystem::path const& path() const noexcept { return path_; }
    /// The callable sink's write function (empty for a file sink).
    write_function const& write() const noexcept { return write_; }
    /// The callable sink's restart function (may be empty).
    restart_function const& restart() const noexcept { return restart_; }
    /// The progress hook (may be empty).
    progress_function const& progress() const noexcept { return progress_; }

private:
    std::filesystem::path path_{};
    write_function write_{};
    restart_function restart_{};
    progress_function progress_{};
};

} // namespace igtcloud::entities
