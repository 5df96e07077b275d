#pragma once

// igtcloud-users provision: the input file (or stdin), its format, its expected item count, and the
// library's reader over it.

#include <igtcloud/entities/provision.hpp>

#include <cstddef>
#include <istream>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace igtcloud::cli {

enum class input_format { csv, jsonl };

/// The format an extension names: .csv, .jsonl / .ndjson (any case); nullopt for others (sniffed).
std::optional<input_format> format_by_extension(std::string_view path);

/// The format of a seekable input, which is rewound: past a UTF-8 byte order mark and white space, '{' is
/// JSON Lines, anything else (or nothing) CSV.
input_format sniff(std::istream& in);

/// Counts the items of a seekable input (non-blank lines, less the CSV header) and rewinds it. An estimate
/// for the progress display: a quoted CSV field spanning lines counts twice.
std::size_t count_items(std::istream& in, input_format format);

/// An opened input. Not movable: the stream may refer to members.
class provision_input {
public:
    /// Opens `path` ("-": stdin) and finds its format. Throws usage_error when the file cannot be read.
    explicit provision_input(std::string path);
    provision_input(provision_input const&) = delete;
    provision_input& operator=(provision_input const&) = delete;
    ~provision_input();

    input_format format() const noexcept { return format_; }
    /// The expected number of items, for a regular file; nullopt for stdin and pipes.
    std::optional<std::size_t> expected_items() const noexcept { return expected_; }

    /// The reader of the input, as a provisioning source. Reads the first item now: throws usage_error when
    /// the CSV header lacks loginId or email. Call once.
    entities::provision_source source();

private:
    struct replay_buffer; // a pipe (stdin, FIFO), read as it comes
    std::string path_;
    input_format format_{};
    std::optional<std::size_t> expected_{};
    std::unique_ptr<std::istream> owned_{};
    std::unique_ptr<replay_buffer> replay_{};
    std::istream* in_{};
};

} // namespace igtcloud::cli
