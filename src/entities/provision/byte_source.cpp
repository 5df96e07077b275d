// The readers' input: an istream in chunks, read as it comes.
#include "entities/provision/byte_source.hpp"

#include <algorithm>
#include <cstring>

namespace igtcloud::entities::detail {

bool byte_source::fill()
{
    begin = buffer_.get();
    end = begin + read_some(buffer_.get(), chunk_bytes);
    return begin != end;
}

void byte_source::skip_bom()
{
    std::size_t n = 0;
    for (std::size_t got = 1; n < 3 && got != 0; n += got)
        got = read_some(buffer_.get() + n, chunk_bytes - n);
    begin = buffer_.get();
    end = begin + n;
    if (n >= 3 && std::memcmp(begin, "\xEF\xBB\xBF", 3) == 0) begin += 3;
}

std::size_t byte_source::read_some(char* to, std::size_t n)
{
    if (done_) return 0;
    auto const max = static_cast<std::streamsize>(n);
    std::streamsize got = 0;
    try {
        if (!started_ && in_->fail() && !in_->eof()) { // failed before we read: a file that did not open
            done_ = failed_ = true;
            return 0;
        }
        started_ = true;
        if (in_->good()) got = in_->readsome(to, max);
        if (got <= 0 && in_->good()) { // nothing buffered: wait for one byte, then take what came with it
            in_->read(to, 1);
            got = in_->gcount();
            if (got == 1 && max > 1 && in_->good())
                got += std::max<std::streamsize>(in_->readsome(to + 1, max - 1), 0);
        }
    } catch (...) { // with exceptions() enabled: the stream's own failure, whose state tells which end it is
        if (in_->good()) throw;
        got = 0;
    }
    if (got > 0) return static_cast<std::size_t>(got);
    done_ = true;
    failed_ = in_->bad();
    return 0;
}

} // namespace igtcloud::entities::detail
