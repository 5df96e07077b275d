#pragma once

// What the one-shot benchmark programs share (bench_download, bench_stream_users): each runs one request of
// one contender, ours (a `--mode` of the library) or the buffered reference, and prints one line of JSON.
//
//   parse_one_shot  --port P (required) --mode M (one of `modes`) --jwt T [mock-token], plus the program's
//   own
//                   `--name value` flags (`extra`, with their defaults); exits with a usage line on anything
//                   else
//   get_buffered    the reference: one GET whose whole body a plain Beast parser reads into memory

#include <cstdint>
#include <initializer_list>
#include <map>
#include <string>
#include <string_view>

namespace igtcloud::bench {

struct one_shot_args {
    std::uint16_t port{};
    std::string mode{};
    std::string jwt{"mock-token"};
    std::map<std::string, std::string, std::less<>> extra{}; ///< the program's own flags, by name ("--out")
};

/// `modes`' first is the default mode. `extra`: the program's own flags and their defaults.
one_shot_args parse_one_shot(int argc, char** argv, std::string_view program,
                             std::initializer_list<std::string_view> modes,
                             std::initializer_list<std::pair<std::string_view, std::string_view>> extra = {});

struct buffered_answer {
    unsigned status{};
    std::string body{};
};

/// GET `target` from 127.0.0.1:`port` with X-JWT `jwt`, the whole body read into memory.
buffered_answer get_buffered(std::uint16_t port, std::string_view target, std::string_view accept,
                             std::string_view jwt);

} // namespace igtcloud::bench
