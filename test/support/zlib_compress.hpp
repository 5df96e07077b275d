// zlib's deflate at test time, in the three wrappings servers send (gzip, zlib-wrapped deflate, raw
// deflate): what the inflater's unit tests and the client's gzip tests feed the decoder.
#pragma once

#include <boost/test/unit_test.hpp>

#include <ostream>
#include <string>
#include <string_view>

#include <zlib.h>

namespace igtcloud::test {

/// How zlib wraps the deflate data it writes.
enum class format { gzip, zlib, raw };

inline std::ostream& operator<<(std::ostream& os, format f)
{
    return os << (f == format::gzip ? "gzip" : f == format::zlib ? "zlib" : "raw");
}

inline int window_bits_of(format f)
{
    switch (f) {
    case format::gzip: return 16 + MAX_WBITS;
    case format::zlib: return MAX_WBITS;
    case format::raw: return -MAX_WBITS;
    }
    return MAX_WBITS;
}

/// A deflate stream writer over zlib: `add` as many pieces as wanted, then `end`.
class compressor {
public:
    explicit compressor(format f, int level = Z_DEFAULT_COMPRESSION, std::string_view dictionary = {})
    {
        BOOST_TEST_REQUIRE(::deflateInit2(&z_, level, Z_DEFLATED, window_bits_of(f), 8, Z_DEFAULT_STRATEGY) ==
                           Z_OK);
        if (!dictionary.empty())
            BOOST_TEST_REQUIRE(::deflateSetDictionary(&z_, reinterpret_cast<Bytef const*>(dictionary.data()),
                                                      static_cast<uInt>(dictionary.size())) == Z_OK);
    }
    ~compressor() { ::deflateEnd(&z_); }
    compressor(compressor const&) = delete;
    compressor& operator=(compressor const&) = delete;

    void add(std::string_view data) { run(data, Z_NO_FLUSH); }
    std::string end()
    {
        run({}, Z_FINISH);
        return std::move(out_);
    }

private:
    void run(std::string_view data, int flush)
    {
        z_.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
        z_.avail_in = static_cast<uInt>(data.size());
        char buffer[16384];
        int rc = Z_OK;
        do {
            z_.next_out = reinterpret_cast<Bytef*>(buffer);
            z_.avail_out = sizeof buffer;
            rc = ::deflate(&z_, flush);
            BOOST_TEST_REQUIRE((rc == Z_OK || rc == Z_STREAM_END || rc == Z_BUF_ERROR));
            out_.append(buffer, sizeof buffer - z_.avail_out);
        } while (z_.avail_out == 0 || (flush == Z_FINISH && rc != Z_STREAM_END));
    }

    z_stream z_{};
    std::string out_;
};

inline std::string compress(std::string_view data, format f)
{
    compressor c(f);
    c.add(data);
    return c.end();
}

} // namespace igtcloud::test
